package io.planpilot.app.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The webhook inbox's meters (Prometheus names in brackets):
 * <ul>
 * <li>{@code planpilot.webhooks.accepted{connection}}: callbacks acknowledged with 200, repeats included
 *     ({@code planpilot_webhooks_accepted_total});</li>
 * <li>{@code planpilot.webhooks.repeated{connection}}: events acknowledged as repeats and not stored again;</li>
 * <li>{@code planpilot.webhooks.rejected{connection,reason}}: callbacks refused with 401;</li>
 * <li>{@code planpilot.webhooks.malformed{connection}}: callbacks answered 400 and kept as MALFORMED;</li>
 * <li>{@code planpilot.webhooks.unstored{connection}}: verified callbacks the database could not store,
 *     answered 503 for the CRM to send them again;</li>
 * <li>{@code planpilot.webhooks.processed{connection}}, {@code .failed{connection}},
 *     {@code .dead{connection}}: entries processed, attempts that failed, entries given up;</li>
 * <li>{@code planpilot.webhooks.intake.batch}: callbacks stored in one statement and commit (a
 *     distribution: 1 when callbacks come one at a time, more under load);</li>
 * <li>{@code planpilot.webhooks.oldest.received.age}: seconds the oldest RECEIVED entry has waited
 *     (0 when none waits; refreshed every second).</li>
 * </ul>
 * A connector's rejection reason is free text; the {@code reason} tag keeps its gist (up to the
 * first colon or parenthesis, digits folded to {@code #}) and at most {@value #REASONS_PER_CONNECTION}
 * distinct values per connection, then {@code other}.
 */
@Component
public class WebhookMetrics {

    static final int REASONS_PER_CONNECTION = 20;
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    private final MeterRegistry registry;
    private final Map<String, Set<String>> reasons = new ConcurrentHashMap<>();
    private volatile double oldestAgeSeconds;
    private final DistributionSummary intakeBatches;

    public WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("planpilot.webhooks.oldest.received.age", this, metrics -> metrics.oldestAgeSeconds)
                .baseUnit("seconds")
                .description("How long the oldest webhook inbox entry not yet processed has waited")
                .register(registry);
        this.intakeBatches = DistributionSummary.builder("planpilot.webhooks.intake.batch")
                .description("Callbacks stored in one statement and commit")
                .register(registry);
    }

    void intakeBatch(int callbacks) {
        intakeBatches.record(callbacks);
    }

    void accepted(String connection, long repeatedEvents) {
        counter("planpilot.webhooks.accepted", connection).increment();
        if (repeatedEvents > 0) {
            counter("planpilot.webhooks.repeated", connection).increment(repeatedEvents);
        }
    }

    void rejected(String connection, String reason) {
        Counter.builder("planpilot.webhooks.rejected").tag("connection", connection).tag("reason", reasonTag(connection, reason))
                .register(registry).increment();
    }

    void notStored(String connection) {
        counter("planpilot.webhooks.unstored", connection).increment();
    }

    void malformed(String connection) {
        counter("planpilot.webhooks.malformed", connection).increment();
    }

    void processed(String connection, long entries) {
        counter("planpilot.webhooks.processed", connection).increment(entries);
    }

    void failed(String connection, long entries) {
        counter("planpilot.webhooks.failed", connection).increment(entries);
    }

    void dead(String connection, long entries) {
        counter("planpilot.webhooks.dead", connection).increment(entries);
    }

    void oldestReceived(Instant oldest, Instant now) {
        oldestAgeSeconds = oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toMillis() / 1000.0);
    }

    private Counter counter(String name, String connection) {
        return Counter.builder(name).tag("connection", connection).register(registry);
    }

    /** The gist of a rejection reason as a tag of bounded cardinality. */
    String reasonTag(String connection, String reason) {
        String gist = gist(reason);
        Set<String> seen = reasons.computeIfAbsent(connection, c -> ConcurrentHashMap.newKeySet());
        if (seen.contains(gist)) {
            return gist;
        }
        synchronized (seen) {
            if (seen.size() >= REASONS_PER_CONNECTION) {
                return "other";
            }
            seen.add(gist);
            return gist;
        }
    }

    static String gist(String reason) {
        if (reason == null || reason.isBlank()) {
            return "unspecified";
        }
        String gist = reason;
        for (char stop : new char[]{':', '(', ';', '\n'}) {
            int at = gist.indexOf(stop);
            if (at > 0) {
                gist = gist.substring(0, at);
            }
        }
        gist = SPACES.matcher(DIGITS.matcher(gist).replaceAll("#")).replaceAll(" ").trim();
        if (gist.length() > 60) {
            gist = gist.substring(0, 60).trim();
        }
        return gist.isEmpty() ? "unspecified" : gist;
    }
}
