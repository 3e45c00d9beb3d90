package io.planpilot.app.amocrm;

import io.planpilot.app.config.AdapterConfig;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The configured {@code amocrm} connections, read once at start-up (their options were checked then). */
@Component
class WidgetAccounts {

    private final Map<String, WidgetAccount> accounts = new LinkedHashMap<>();

    WidgetAccounts(AdapterConfig config) {
        config.connections().values().stream()
                .filter(connection -> WidgetAccount.TYPE.equals(connection.type()))
                .forEach(connection -> accounts.put(connection.id(), WidgetAccount.of(connection, config)));
    }

    Optional<WidgetAccount> find(String connection) {
        return Optional.ofNullable(accounts.get(connection));
    }
}
