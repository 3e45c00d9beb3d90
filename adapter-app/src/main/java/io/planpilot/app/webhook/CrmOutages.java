package io.planpilot.app.webhook;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.WebhooksConfig;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connections' CRMs are down or limiting the adapter now, as this process's inbox workers saw
 * it: a re-read that failed transiently (5xx, 429, a timeout, an open circuit) pauses the
 * connection's entries for the webhook backoff ({@code adapter.webhooks.backoff.initial}, doubled per
 * further failure in a row, at most {@code backoff.max}); the first re-read that gets an answer ends
 * the outage. While a connection is paused the workers claim none of its entries, so an outage
 * costs one probing re-read per pause instead of a failed claim of every new event. The gauge
 * {@code planpilot.webhooks.crm.paused{connection}} is 1 while a connection waits.
 */
@Component
public class CrmOutages {

    private record Outage(int failures, Instant until) {
    }

    private final WebhooksConfig config;
    private final Map<String, Outage> outages = new ConcurrentHashMap<>();

    public CrmOutages(AdapterConfig config, MeterRegistry meters, Clock clock) {
        this.config = config.webhooks();
        for (String connection : config.connections().keySet()) {
            Gauge.builder("planpilot.webhooks.crm.paused", this, outages -> outages.pausedUntil(connection, clock.instant()) == null ? 0 : 1)
                    .tag("connection", connection)
                    .description("1 while the connection's webhook entries wait because its CRM is down or limiting the adapter")
                    .register(meters);
        }
    }

    /** Records a transient failure of the connection's CRM; emits until when its entries wait. */
    public Instant failed(String connection, Instant now) {
        Outage outage = outages.compute(connection, (c, before) -> {
            int failures = before == null ? 1 : before.failures() + 1;
            return new Outage(failures, now.plus(pause(failures)));
        });
        return outage.until();
    }

    /** The connection's CRM answered: its entries are claimed again. */
    public void answered(String connection) {
        outages.remove(connection);
    }

    /** Until when the connection's entries wait, or null when its CRM is not known to be down. */
    public Instant pausedUntil(String connection, Instant now) {
        Outage outage = outages.get(connection);
        return outage == null || !outage.until().isAfter(now) ? null : outage.until();
    }

    /** The connections whose entries wait now. */
    public List<String> paused(Instant now) {
        return outages.entrySet().stream().filter(e -> e.getValue().until().isAfter(now)).map(Map.Entry::getKey).toList();
    }

    private Duration pause(int failures) {
        Duration pause = config.initialBackoff();
        for (int i = 1; i < failures && pause.compareTo(config.maxBackoff()) < 0; i++) {
            pause = pause.multipliedBy(2);
        }
        return pause.compareTo(config.maxBackoff()) > 0 ? config.maxBackoff() : pause;
    }
}
