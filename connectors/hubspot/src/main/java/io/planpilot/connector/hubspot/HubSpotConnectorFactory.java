package io.planpilot.connector.hubspot;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.SettingProblem;

import java.util.List;

/**
 * Makes {@code hubspot} connections: a HubSpot account reached with an app's access token, kept
 * current by the app's signed webhooks. Registered in
 * {@code META-INF/services/io.planpilot.core.connector.ConnectorFactory}; the options are
 * {@link HubSpotConnectorProperties}'.
 */
public final class HubSpotConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "hubspot";

    @Override
    public String type() {
        return TYPE;
    }

    /** The options' problems, by key; no network call. */
    @Override
    public List<SettingProblem> validate(ConnectionSettings settings) {
        return HubSpotConnectorProperties.problems(settings);
    }

    @Override
    public Connector create(ConnectionSettings settings) {
        return new HubSpotConnector(settings, HubSpotConnectorProperties.of(settings));
    }

    @Override
    public java.util.Set<String> optionNames() {
        return io.planpilot.connector.support.CrmHttpPolicy.optionNames(HubSpotConnectorProperties.OWN_KEYS);
    }
}
