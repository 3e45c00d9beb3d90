package io.planpilot.app.action;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;

/**
 * The outbox's meters (Prometheus names in brackets):
 * <ul>
 * <li>{@code planpilot.actions.proposed{rule}}, {@code .duplicates{rule}}: actions stored by rules runs,
 *     and proposals skipped because the action was already there;</li>
 * <li>{@code planpilot.actions.sent{connection,kind}}, {@code .deferred{connection}},
 *     {@code .failed{connection}}: actions delivered, attempts put off (CRM down or limiting), actions
 *     refused for good;</li>
 * <li>{@code planpilot.actions.pending} and {@code planpilot.actions.oldest.pending.age} (seconds):
 *     the backlog, refreshed every poll.</li>
 * </ul>
 */
@Component
public class ActionMetrics {

    private final MeterRegistry registry;
    private volatile double pending;
    private volatile double oldestAgeSeconds;

    public ActionMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("planpilot.actions.pending", this, metrics -> metrics.pending)
                .description("Actions waiting to be sent into a CRM").register(registry);
        Gauge.builder("planpilot.actions.oldest.pending.age", this, metrics -> metrics.oldestAgeSeconds)
                .baseUnit("seconds").description("How long the oldest action not yet sent has waited").register(registry);
    }

    void proposed(String rule, long created, long duplicates) {
        Counter.builder("planpilot.actions.proposed").tag("rule", rule).register(registry).increment(created);
        Counter.builder("planpilot.actions.duplicates").tag("rule", rule).register(registry).increment(duplicates);
    }

    void sent(String connection, String kind) {
        Counter.builder("planpilot.actions.sent").tag("connection", connection).tag("kind", kind).register(registry).increment();
    }

    void deferred(String connection) {
        Counter.builder("planpilot.actions.deferred").tag("connection", connection).register(registry).increment();
    }

    void failed(String connection) {
        Counter.builder("planpilot.actions.failed").tag("connection", connection).register(registry).increment();
    }

    void backlog(ActionOutbox.Backlog backlog, Instant now) {
        pending = backlog.pending();
        oldestAgeSeconds = backlog.oldest() == null ? 0 : Math.max(0, Duration.between(backlog.oldest(), now).toMillis() / 1000.0);
    }
}
