package io.planpilot.app.sync;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.planpilot.connector.support.CrmCallObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CrmCallMetricsTest {

    @AfterEach
    void uninstall() {
        CrmCallObserver.install((type, connection, endpoint, outcome, took, waited) -> {
        });
    }

    @Test
    void theAttemptsOfEveryConnectionBecomeTimersByEndpointAndOutcomeAndLimiterWaits() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new CrmCallMetrics(registry);

        CrmCallObserver.current().attempt("bitrix24", "b24", "crm.deal.list", CrmCallObserver.Outcome.OK,
                Duration.ofMillis(120), Duration.ofMillis(400));
        CrmCallObserver.current().attempt("bitrix24", "b24", "crm.deal.list", CrmCallObserver.Outcome.RATE_LIMITED,
                Duration.ofMillis(30), Duration.ofMillis(100));

        assertThat(registry.get("planpilot.crm.calls").tags("connection", "b24", "endpoint", "crm.deal.list", "outcome", "OK")
                .timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(120);
        assertThat(registry.get("planpilot.crm.calls").tag("outcome", "RATE_LIMITED").timer().count()).isEqualTo(1);
        assertThat(registry.get("planpilot.crm.limiter.wait").tag("connection", "b24").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(500);
    }
}
