package io.planpilot.app.config;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.RateLimit;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

/**
 * One {@code adapter.connections.<id>} entry.
 *
 * @param syncInterval the incremental sync cadence; zero means only on demand or by webhook
 * @param rateLimit    the configured limit, or null for the connector's documented default
 * @param options      the type-specific keys, flattened below the connection ({@code path}, ...)
 */
public record ConnectionConfig(String id, String type, Duration syncInterval, RateLimit rateLimit,
                               Map<String, String> dimensions, Map<String, String> options) {

    public ConnectionConfig {
        dimensions = Map.copyOf(dimensions);
        options = Map.copyOf(options);
    }

    public boolean scheduled() {
        return !syncInterval.isZero();
    }

    public ConnectionSettings settings(ZoneId zone, String baseCurrency) {
        return new ConnectionSettings(id, type, zone, baseCurrency, dimensions, options, rateLimit);
    }
}
