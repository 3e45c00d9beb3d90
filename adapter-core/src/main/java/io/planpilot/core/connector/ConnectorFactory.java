package io.planpilot.core.connector;

import java.util.List;

/**
 * Makes connectors of one CRM type. Each connector module registers its factory in
 * {@code META-INF/services/io.planpilot.core.connector.ConnectorFactory}; the app finds them with
 * {@link java.util.ServiceLoader}.
 */
public interface ConnectorFactory {

    /** The {@code type} value of the connection configuration ({@code csv}, {@code bitrix24}, ...). */
    String type();

    /**
     * The problems of a connection's type-specific options, unknown keys included; empty when it is
     * fine. Called at start-up before {@link #create}.
     */
    List<SettingProblem> validate(ConnectionSettings settings);

    Connector create(ConnectionSettings settings);

    /**
     * The option keys this connector takes ({@code base-url}, {@code retry.max-attempts}, ...), so
     * that a key given as an environment variable, which loses its dashes
     * ({@code ADAPTER_CONNECTIONS_B24_BASEURL}), is still recognised. Empty: names are taken as given.
     */
    default java.util.Set<String> optionNames() {
        return java.util.Set.of();
    }
}
