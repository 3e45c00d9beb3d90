package io.planpilot.app.config;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated {@code adapter.*} configuration. Built once at start-up by {@link AdapterConfigReader};
 * every key of CONTRACT.md has its default here.
 */
public record AdapterConfig(
        Path dataDir,
        String baseCurrency,
        Map<String, BigDecimal> currencyRates,
        ZoneId timeZone,
        int lookbackDays,
        int staleDays,
        List<LocalDate> holidays,
        String publicBaseUrl,
        String locale,
        String adminToken,
        String previousAdminToken,
        String encryptionKey,
        List<String> frameAncestors,
        Path planFile,
        Path rulesFile,
        DatabaseConfig database,
        WebhooksConfig webhooks,
        ActionsConfig actions,
        RulesConfig rules,
        Map<String, ConnectionConfig> connections) {

    public AdapterConfig {
        currencyRates = Map.copyOf(currencyRates);
        holidays = List.copyOf(holidays);
        frameAncestors = List.copyOf(frameAncestors);
        connections = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(connections));
    }

    public Optional<ConnectionConfig> connection(String id) {
        return Optional.ofNullable(connections.get(id));
    }

    /** An external PostgreSQL when {@code url} is present; the embedded one otherwise. */
    public record DatabaseConfig(String url, String username, String password) {
        public boolean embedded() {
            return url == null || url.isBlank();
        }
    }
}
