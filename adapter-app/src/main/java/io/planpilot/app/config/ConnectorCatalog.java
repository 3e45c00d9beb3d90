package io.planpilot.app.config;

import io.planpilot.core.connector.ConnectorFactory;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The connector modules on the class path, by connection type. */
public final class ConnectorCatalog {
    private ConnectorCatalog() {
    }

    public static Map<String, ConnectorFactory> installed() {
        Map<String, ConnectorFactory> factories = new TreeMap<>();
        for (ConnectorFactory factory : ServiceLoader.load(ConnectorFactory.class, ConnectorCatalog.class.getClassLoader())) {
            ConnectorFactory previous = factories.putIfAbsent(factory.type(), factory);
            if (previous != null) {
                throw new IllegalStateException("two connector modules claim the type '" + factory.type() + "': "
                        + previous.getClass().getName() + " and " + factory.getClass().getName());
            }
        }
        return factories;
    }
}
