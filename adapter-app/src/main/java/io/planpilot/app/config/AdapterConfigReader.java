package io.planpilot.app.config;

import io.planpilot.app.config.AdapterConfig.DatabaseConfig;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.RateLimit;
import io.planpilot.core.domain.Money;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.env.ConfigurableEnvironment;

import io.planpilot.core.rules.RuleContext;
import io.planpilot.core.rules.RuleSettings;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads and checks {@code adapter.*}: every problem is collected (one per key) and reported
 * together, so an admin fixes the file once. Defaults are those of CONTRACT.md.
 */
public final class AdapterConfigReader {

    /** Every CRM type of the contract; a type without its module in this build is reported as such. */
    static final Set<String> CONTRACT_TYPES = Set.of("csv", "bitrix24", "amocrm", "hubspot", "pipedrive");
    static final Set<String> MAPPABLE_DIMENSIONS = Set.of("region", "segment", "product");
    private static final Pattern CONNECTION_ID = Pattern.compile("[a-z0-9-]{1,40}");
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Za-z]{3}");
    private static final Set<String> LOCALES = Set.of("ru", "en");
    private static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(5);

    private final Map<String, ConnectorFactory> factories;
    private final List<ConfigProblem> problems = new ArrayList<>();
    private AdapterPropertyNames names;

    public AdapterConfigReader(Map<String, ConnectorFactory> factories) {
        this.factories = Map.copyOf(factories);
    }

    /** @throws InvalidConfigurationException listing every problem */
    public AdapterConfig read(ConfigurableEnvironment environment) {
        problems.clear();
        names = new AdapterPropertyNames(environment);

        Path dataDir = Path.of(text("adapter.data-dir", "./data"));
        String baseCurrency = currency("adapter.base-currency", "USD");
        Map<String, BigDecimal> rates = currencyRates();
        ZoneId zone = parsed("adapter.time-zone", "UTC", ZoneId::of, "must be a time zone id such as UTC or Europe/Moscow");
        int lookback = positiveInt("adapter.kpi.lookback-days", 180);
        int stale = positiveInt("adapter.rules.stale-days", 14);
        List<LocalDate> holidays = holidays();
        String publicBaseUrl = optionalUrl("adapter.public-base-url");
        String locale = oneOf("adapter.locale", "ru", LOCALES);
        String adminToken = text("adapter.security.admin-token", "");
        String previousAdminToken = text("adapter.security.previous-admin-token", "");
        String encryptionKey = encryptionKey();
        List<String> frameAncestors = frameAncestors();
        Path planFile = Path.of(text("adapter.plan-file", "config/plan.csv"));
        Path rulesFile = Path.of(text("adapter.rules-file", "config/rules.yml"));
        DatabaseConfig database = database();
        WebhooksConfig webhooks = webhooks();
        ActionsConfig actions = actions();
        Map<String, ConnectionConfig> connections = connections(zone, baseCurrency);
        RulesConfig rules = RulesFile.read(rulesFile,
                new RuleContext(connections.keySet(), locale, publicBaseUrl, stale, zone), problems);

        for (String unknown : names.unused()) {
            problems.add(new ConfigProblem(unknown, "unknown key"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidConfigurationException(problems);
        }
        return new AdapterConfig(dataDir, baseCurrency, rates, zone, lookback, stale, holidays, publicBaseUrl,
                locale, adminToken, previousAdminToken, encryptionKey, frameAncestors, planFile, rulesFile, database, webhooks, actions, rules, connections);
    }

    private String text(String key, String fallback) {
        String value = names.value(key);
        return value == null || value.isEmpty() ? fallback : value;
    }

    private <T> T parsed(String key, String fallback, Function<String, T> parser, String expectation) {
        String value = text(key, fallback);
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            problems.add(new ConfigProblem(key, expectation + " (got '" + value + "')"));
            return parser.apply(fallback);
        }
    }

    private String currency(String key, String fallback) {
        String value = text(key, fallback);
        if (!isCurrencyCode(value)) {
            problems.add(new ConfigProblem(key, "must be an ISO 4217 currency code such as USD (got '" + value + "')"));
            return fallback;
        }
        return Money.normalizeCurrency(value);
    }

    private static boolean isCurrencyCode(String value) {
        if (!CURRENCY_CODE.matcher(value).matches()) {
            return false;
        }
        try {
            Currency.getInstance(Money.normalizeCurrency(value));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private Map<String, BigDecimal> currencyRates() {
        Map<String, BigDecimal> rates = new TreeMap<>();
        for (String code : names.childNames("adapter.currency-rates")) {
            String key = "adapter.currency-rates." + code;
            String value = names.value(ConfigurationPropertyName.adapt(key, '.'));
            if (!isCurrencyCode(code)) {
                problems.add(new ConfigProblem(key, "'" + code + "' is not an ISO 4217 currency code"));
                continue;
            }
            try {
                BigDecimal rate = new BigDecimal(value);
                if (rate.signum() <= 0) {
                    throw new NumberFormatException();
                }
                rates.put(Money.normalizeCurrency(code), rate);
            } catch (RuntimeException e) {
                problems.add(new ConfigProblem(key,
                        "must be a positive number of base-currency units for 1 " + code + " (got '" + value + "')"));
            }
        }
        return rates;
    }

    private int positiveInt(String key, int fallback) {
        Integer number = wholeNumber(key, names.value(key));
        return number == null ? fallback : number;
    }

    private List<LocalDate> holidays() {
        List<LocalDate> dates = new ArrayList<>();
        for (String value : names.list("adapter.calendar.holidays")) {
            try {
                dates.add(LocalDate.parse(value));
            } catch (DateTimeParseException e) {
                problems.add(new ConfigProblem("adapter.calendar.holidays", "'" + value + "' is not an ISO date (2026-01-01)"));
            }
        }
        return dates;
    }

    private String optionalUrl(String key) {
        String value = text(key, "");
        if (!value.isEmpty() && !isHttpUrl(value)) {
            problems.add(new ConfigProblem(key, "must be an http(s) URL (got '" + value + "')"));
        }
        return value;
    }

    private List<String> frameAncestors() {
        List<String> origins = names.list("adapter.ui.frame-ancestors");
        for (String origin : origins) {
            if (!isHttpUrl(origin)) {
                problems.add(new ConfigProblem("adapter.ui.frame-ancestors", "'" + origin + "' is not an http(s) origin"));
            }
        }
        return origins;
    }

    static boolean isHttpUrl(String value) {
        try {
            URI uri = URI.create(value);
            return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                    && uri.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String oneOf(String key, String fallback, Set<String> allowed) {
        String value = text(key, fallback);
        if (!allowed.contains(value)) {
            problems.add(new ConfigProblem(key, "must be one of " + new java.util.TreeSet<>(allowed) + " (got '" + value + "')"));
            return fallback;
        }
        return value;
    }

    private DatabaseConfig database() {
        String url = text("adapter.database.url", "");
        if (!url.isEmpty() && !url.matches("jdbc:postgresql://[^/?#]+(:\\d+)?/[^?#]+(\\?.*)?")) {
            problems.add(new ConfigProblem("adapter.database.url",
                    "must be a JDBC URL jdbc:postgresql://host:port/database, or empty for the embedded database (got '" + url + "')"));
        }
        return new DatabaseConfig(url, text("adapter.database.username", ""), text("adapter.database.password", ""));
    }

    private WebhooksConfig webhooks() {
        WebhooksConfig defaults = WebhooksConfig.defaults();
        names.value("adapter.webhooks"); // `webhooks: {}`
        long maxBodySize = dataSize("adapter.webhooks.max-body-size", defaults.maxBodySize());
        Integer workers = wholeNumberOrZero("adapter.webhooks.workers", names.value("adapter.webhooks.workers"));
        Duration poll = positiveDuration("adapter.webhooks.poll-interval", defaults.pollInterval());
        int batchSize = positiveInt("adapter.webhooks.batch-size", defaults.batchSize());
        Duration window = duration("adapter.webhooks.coalesce-window", defaults.coalesceWindow());
        Duration lease = positiveDuration("adapter.webhooks.lease", defaults.lease());
        int maxAttempts = positiveInt("adapter.webhooks.max-attempts", defaults.maxAttempts());
        Duration initialBackoff = positiveDuration("adapter.webhooks.backoff.initial", defaults.initialBackoff());
        Duration maxBackoff = positiveDuration("adapter.webhooks.backoff.max", defaults.maxBackoff());
        names.value("adapter.webhooks.backoff");
        Duration retention = positiveDuration("adapter.webhooks.retention", defaults.retention());
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add(new ConfigProblem("adapter.webhooks.backoff.max",
                    "must be at least adapter.webhooks.backoff.initial (" + initialBackoff + ", got " + maxBackoff + ")"));
            maxBackoff = initialBackoff;
        }
        return new WebhooksConfig(maxBodySize, workers == null ? defaults.workers() : workers, poll, batchSize, window,
                lease, maxAttempts, initialBackoff, maxBackoff, retention);
    }

    /** Base64 of 32 bytes (AES-256), or empty: then one is generated under the data dir. */
    private String encryptionKey() {
        String key = text("adapter.security.encryption-key", "");
        if (!key.isEmpty()) {
            try {
                if (java.util.Base64.getDecoder().decode(key).length == 32) {
                    return key;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            problems.add(new ConfigProblem("adapter.security.encryption-key",
                    "must be 32 random bytes in Base64 (openssl rand -base64 32), or empty to generate one"));
        }
        return "";
    }

    private ActionsConfig actions() {
        ActionsConfig defaults = ActionsConfig.defaults();
        names.value("adapter.actions"); // `actions: {}`
        Integer dispatchers = wholeNumberOrZero("adapter.actions.dispatchers", names.value("adapter.actions.dispatchers"));
        Duration poll = positiveDuration("adapter.actions.poll-interval", defaults.pollInterval());
        int batchSize = positiveInt("adapter.actions.batch-size", defaults.batchSize());
        Duration lease = positiveDuration("adapter.actions.lease", defaults.lease());
        Duration initialBackoff = positiveDuration("adapter.actions.backoff.initial", defaults.initialBackoff());
        Duration maxBackoff = positiveDuration("adapter.actions.backoff.max", defaults.maxBackoff());
        names.value("adapter.actions.backoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            problems.add(new ConfigProblem("adapter.actions.backoff.max",
                    "must be at least adapter.actions.backoff.initial (" + initialBackoff + ", got " + maxBackoff + ")"));
            maxBackoff = initialBackoff;
        }
        return new ActionsConfig(dispatchers == null ? defaults.dispatchers() : dispatchers, poll, batchSize, lease,
                initialBackoff, maxBackoff);
    }

    /** A size such as {@code 1MB}, {@code 512KB} or a number of bytes (Spring's {@code DataSize}, 1KB = 1024 bytes). */
    private long dataSize(String key, long fallback) {
        String value = names.value(key);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        try {
            long bytes = org.springframework.util.unit.DataSize.parse(value).toBytes();
            if (bytes > 0 && bytes <= Integer.MAX_VALUE) {
                return bytes;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(new ConfigProblem(key, "must be a size above 0 and under 2GB such as 1MB, 512KB or a number of bytes (got '" + value + "')"));
        return fallback;
    }

    private Duration positiveDuration(String key, Duration fallback) {
        Duration duration = duration(key, fallback);
        if (duration.isZero()) {
            problems.add(new ConfigProblem(key, "must be an ISO-8601 duration above 0 such as PT1S"));
            return fallback;
        }
        return duration;
    }

    private Integer wholeNumberOrZero(String key, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            int number = Integer.parseInt(value);
            if (number >= 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new ConfigProblem(key, "must be a whole number, 0 or more (got '" + value + "')"));
        return null;
    }

    private Map<String, ConnectionConfig> connections(ZoneId zone, String baseCurrency) {
        Map<String, ConnectionConfig> connections = new LinkedHashMap<>();
        for (String id : names.childNames("adapter.connections")) {
            String prefix = "adapter.connections." + id;
            if (!CONNECTION_ID.matcher(id).matches()) {
                problems.add(new ConfigProblem(prefix, "a connection id is 1 to 40 of a-z, 0-9 and '-'"));
                names.unusedBelow(prefix).values().forEach(names::value);
                continue;
            }
            ConnectionConfig connection = connection(prefix, id, zone, baseCurrency);
            if (connection != null) {
                connections.put(id, connection);
            }
        }
        return connections;
    }

    private ConnectionConfig connection(String prefix, String id, ZoneId zone, String baseCurrency) {
        String type = names.value(prefix + ".type");
        Duration interval = duration(prefix + ".sync-interval", DEFAULT_SYNC_INTERVAL);
        RateLimit rateLimit = rateLimit(prefix + ".rate-limit");
        Map<String, String> dimensions = new TreeMap<>();
        for (String dimension : names.childNames(prefix + ".dimensions")) {
            String key = prefix + ".dimensions." + dimension;
            String field = names.value(ConfigurationPropertyName.adapt(key, '.'));
            if (!MAPPABLE_DIMENSIONS.contains(dimension)) {
                problems.add(new ConfigProblem(key, "unknown dimension (one of " + new java.util.TreeSet<>(MAPPABLE_DIMENSIONS) + ")"));
            } else if (field == null || field.isEmpty()) {
                problems.add(new ConfigProblem(key, "must name the CRM field that feeds " + dimension));
            } else {
                dimensions.put(dimension, field);
            }
        }
        Map<String, String> given = new TreeMap<>();
        names.unusedBelow(prefix).forEach((relative, name) -> given.put(relative, names.value(name)));

        if (type == null || type.isEmpty()) {
            problems.add(new ConfigProblem(prefix + ".type", "is required (one of " + new java.util.TreeSet<>(CONTRACT_TYPES) + ")"));
            return null;
        }
        ConnectorFactory factory = factories.get(type);
        if (factory == null) {
            problems.add(new ConfigProblem(prefix + ".type", CONTRACT_TYPES.contains(type)
                    ? "the " + type + " connector is not part of this build (available: " + new java.util.TreeSet<>(factories.keySet()) + ")"
                    : "unknown connection type '" + type + "' (one of " + new java.util.TreeSet<>(CONTRACT_TYPES) + ")"));
            return null;
        }
        Map<String, String> options = canonical(given, factory.optionNames());
        ConnectionConfig connection = new ConnectionConfig(id, type, interval, rateLimit, dimensions, options);
        ConnectionSettings settings = connection.settings(zone, baseCurrency);
        factory.validate(settings).forEach(p -> problems.add(new ConfigProblem(prefix + "." + p.key(), p.problem())));
        return connection;
    }

    /**
     * Option keys as the connector names them: a key from an environment variable has lost its
     * dashes ({@code baseurl}), so a key the connector does not take is matched, ignoring dashes,
     * dots and case, against the keys it does.
     */
    private static Map<String, String> canonical(Map<String, String> options, java.util.Set<String> known) {
        if (known.isEmpty()) {
            return options;
        }
        Map<String, String> bySquashed = new java.util.HashMap<>();
        known.forEach(name -> bySquashed.put(squashed(name), name));
        Map<String, String> result = new TreeMap<>();
        options.forEach((key, value) -> result.put(known.contains(key) ? key : bySquashed.getOrDefault(squashed(key), key), value));
        return result;
    }

    private static String squashed(String key) {
        return key.replace("-", "").replace(".", "").replace("_", "").toLowerCase(java.util.Locale.ROOT);
    }

    private Duration duration(String key, Duration fallback) {
        String value = names.value(key);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        if (value.equals("0")) {
            return Duration.ZERO;
        }
        try {
            Duration duration = Duration.parse(value);
            if (duration.isNegative()) {
                throw new DateTimeException("negative");
            }
            return duration;
        } catch (DateTimeException e) {
            problems.add(new ConfigProblem(key, "must be an ISO-8601 duration such as PT5M, or 0 (got '" + value + "')"));
            return fallback;
        }
    }

    private RateLimit rateLimit(String prefix) {
        String requests = names.value(prefix + ".requests");
        Duration per = duration(prefix + ".per", null);
        String burst = names.value(prefix + ".burst");
        names.value(prefix);
        if (requests == null && per == null && burst == null) {
            return null;
        }
        Integer count = wholeNumber(prefix + ".requests", requests);
        Integer burstCount = burst == null ? null : wholeNumber(prefix + ".burst", burst);
        if (requests == null) {
            problems.add(new ConfigProblem(prefix + ".requests", "is required with a rate limit"));
        }
        if (per == null || per.isZero()) {
            problems.add(new ConfigProblem(prefix + ".per", "is required with a rate limit: an ISO-8601 duration above 0 such as PT1S"));
        }
        return count == null || per == null || per.isZero() ? null : new RateLimit(count, per, burstCount);
    }

    private Integer wholeNumber(String key, String value) {
        if (value == null) {
            return null;
        }
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new ConfigProblem(key, "must be a whole number above 0 (got '" + value + "')"));
        return null;
    }
}
