package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.SettingProblem;

import java.util.List;

/**
 * Makes {@code csv} connections: a folder of CRM exports (CONTRACT.md, "CSV connector format").
 * Registered in {@code META-INF/services/io.planpilot.core.connector.ConnectorFactory}.
 */
public final class CsvConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "csv";

    @Override
    public String type() {
        return TYPE;
    }

    /** The problems of the {@code path} and {@code columns.*} options; see {@link CsvConnectorProperties}. */
    @Override
    public List<SettingProblem> validate(ConnectionSettings settings) {
        return CsvConnectorProperties.problems(settings);
    }

    @Override
    public Connector create(ConnectionSettings settings) {
        return new CsvConnector(settings);
    }

    @Override
    public java.util.Set<String> optionNames() {
        return java.util.Set.of(CsvConnectorProperties.PATH, CsvConnectorProperties.ACTIONS_FILE);
    }
}
