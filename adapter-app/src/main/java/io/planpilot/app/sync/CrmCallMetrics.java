package io.planpilot.app.sync;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.planpilot.connector.support.CrmCallObserver;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * The CRM calls of every connection as meters: {@code planpilot.crm.calls{connection,endpoint,outcome}}
 * (a timer of attempts: OK, REJECTED, RATE_LIMITED, UNAVAILABLE, CIRCUIT_OPEN, ERROR) and
 * {@code planpilot.crm.limiter.wait{connection}} (how long attempts waited for the connection's
 * rate limiter). Installed as the process's {@link CrmCallObserver} when the app starts.
 */
@Component
public class CrmCallMetrics implements CrmCallObserver {

    private final MeterRegistry registry;

    public CrmCallMetrics(MeterRegistry registry) {
        this.registry = registry;
        CrmCallObserver.install(this);
    }

    @Override
    public void attempt(String connectorType, String connection, String endpoint, Outcome outcome, Duration took,
                        Duration waited) {
        Timer.builder("planpilot.crm.calls").tag("connection", connection).tag("endpoint", endpoint)
                .tag("outcome", outcome.name()).description("Attempts of calls to a CRM and how long the CRM took")
                .register(registry).record(took);
        Timer.builder("planpilot.crm.limiter.wait").tag("connection", connection)
                .description("How long calls to a CRM waited for the connection's rate limiter")
                .register(registry).record(waited);
    }
}
