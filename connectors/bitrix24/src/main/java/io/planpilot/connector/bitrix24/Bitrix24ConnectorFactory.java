package io.planpilot.connector.bitrix24;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.SettingProblem;

import java.util.List;

/**
 * Makes {@code bitrix24} connections: a portal reached through an incoming webhook, kept current by
 * its outgoing webhooks. Registered in
 * {@code META-INF/services/io.planpilot.core.connector.ConnectorFactory}; the options are
 * {@link Bitrix24ConnectorProperties}'.
 */
public final class Bitrix24ConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "bitrix24";

    @Override
    public String type() {
        return TYPE;
    }

    /** The options' problems, by key; no network call. */
    @Override
    public List<SettingProblem> validate(ConnectionSettings settings) {
        return Bitrix24ConnectorProperties.problems(settings);
    }

    @Override
    public Connector create(ConnectionSettings settings) {
        return new Bitrix24Connector(settings, Bitrix24ConnectorProperties.of(settings));
    }

    @Override
    public java.util.Set<String> optionNames() {
        return io.planpilot.connector.support.CrmHttpPolicy.optionNames(Bitrix24ConnectorProperties.OWN_KEYS);
    }
}
