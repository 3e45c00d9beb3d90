package io.planpilot.tck.example;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.SettingProblem;

import java.util.List;

/**
 * Makes {@code example} connections. Registered in the test resources'
 * {@code META-INF/services/io.planpilot.core.connector.ConnectorFactory}.
 */
public final class ExampleConnectorFactory implements ConnectorFactory {

    public static final String TYPE = "example";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public List<SettingProblem> validate(ConnectionSettings settings) {
        return ExampleConnectorProperties.problems(settings);
    }

    @Override
    public Connector create(ConnectionSettings settings) {
        return new ExampleConnector(settings, ExampleConnectorProperties.of(settings));
    }
}
