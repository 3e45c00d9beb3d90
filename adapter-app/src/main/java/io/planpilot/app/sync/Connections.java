package io.planpilot.app.sync;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.ConnectionConfig;
import io.planpilot.app.config.ConnectorCatalog;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The configured connections, each with its connector, in configuration order. */
@Component
public class Connections {

    private final Map<String, Connection> byId = new LinkedHashMap<>();

    public Connections(AdapterConfig config) {
        Map<String, ConnectorFactory> factories = ConnectorCatalog.installed();
        config.connections().forEach((id, connection) -> {
            Connector connector = factories.get(connection.type())
                    .create(connection.settings(config.timeZone(), config.baseCurrency()));
            byId.put(id, new Connection(connection, connector));
        });
    }

    public Optional<Connection> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    public Collection<Connection> all() {
        return byId.values();
    }

    public record Connection(ConnectionConfig config, Connector connector) {
        public String id() {
            return config.id();
        }
    }
}
