package io.planpilot.core.connector;

import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;

/**
 * What a connector is given about its connection.
 *
 * @param dimensions which CRM field feeds which dimension (dimension key to field name)
 * @param options    the type-specific keys, flattened with dots below the connection
 *                   ({@code path}, {@code columns.deals.amount}, ...)
 * @param rateLimit  the configured {@code rate-limit}, or null for the CRM's documented default
 */
public record ConnectionSettings(String id, String type, ZoneId zone, String baseCurrency,
                                 Map<String, String> dimensions, Map<String, String> options, RateLimit rateLimit) {

    /** Settings without a configured rate limit. */
    public ConnectionSettings(String id, String type, ZoneId zone, String baseCurrency, Map<String, String> dimensions,
                              Map<String, String> options) {
        this(id, type, zone, baseCurrency, dimensions, options, null);
    }

    public ConnectionSettings {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(baseCurrency, "baseCurrency");
        dimensions = Map.copyOf(dimensions);
        options = Map.copyOf(options);
    }

    public String option(String key) {
        return options.get(key);
    }
}
