package io.planpilot.connector.amocrm;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.SettingProblem;

import java.util.List;

/**
 * Makes {@code amocrm} connections: an amoCRM or Kommo account read through API v4 with a long-lived
 * token, kept current by the account's webhooks. Registered in
 * {@code META-INF/services/io.planpilot.core.connector.ConnectorFactory}; the options are
 * {@link AmoCrmConnectorProperties}'.
 */
public final class AmoCrmConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "amocrm";

    @Override
    public String type() {
        return TYPE;
    }

    /** The options' problems, by key; no network call. */
    @Override
    public List<SettingProblem> validate(ConnectionSettings settings) {
        return AmoCrmConnectorProperties.problems(settings);
    }

    @Override
    public Connector create(ConnectionSettings settings) {
        return new AmoCrmConnector(settings, AmoCrmConnectorProperties.of(settings));
    }

    @Override
    public java.util.Set<String> optionNames() {
        return io.planpilot.connector.support.CrmHttpPolicy.optionNames(AmoCrmConnectorProperties.OWN_KEYS);
    }
}
