package io.planpilot.connector.pipedrive;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.SettingProblem;

import java.util.List;

/**
 * Makes {@code pipedrive} connections: a Pipedrive company read through its API with a personal API
 * token, kept current by its webhooks (v2). Registered in
 * {@code META-INF/services/io.planpilot.core.connector.ConnectorFactory}; the options are
 * {@link PipedriveConnectorProperties}'.
 */
public final class PipedriveConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "pipedrive";

    @Override
    public String type() {
        return TYPE;
    }

    /** The options' problems, by key; no network call. */
    @Override
    public List<SettingProblem> validate(ConnectionSettings settings) {
        return PipedriveConnectorProperties.problems(settings);
    }

    @Override
    public Connector create(ConnectionSettings settings) {
        return new PipedriveConnector(settings, PipedriveConnectorProperties.of(settings));
    }

    @Override
    public java.util.Set<String> optionNames() {
        return io.planpilot.connector.support.CrmHttpPolicy.optionNames(PipedriveConnectorProperties.OWN_KEYS);
    }
}
