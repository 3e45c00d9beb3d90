package io.planpilot.app.health;

import io.planpilot.app.api.ConnectionView;
import io.planpilot.app.sync.Connections;
import io.planpilot.app.sync.SyncRun;
import io.planpilot.app.sync.SyncRunStore;
import org.springframework.boot.health.contributor.CompositeReactiveHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthContributor;
import org.springframework.boot.health.contributor.ReactiveHealthContributors;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code /actuator/health/connections/<id>}: each connection's last sync. A failing connection is
 * {@code FAILING}, a status ranked below UP (see application.yml), so it shows in its component
 * without lowering the adapter's overall status: the adapter itself still serves.
 */
@Component("connectionsHealthContributor")
public class ConnectionsHealth implements CompositeReactiveHealthContributor {

    public static final Status FAILING = new Status("FAILING", "the last sync failed");

    private final Map<String, ReactiveHealthIndicator> indicators = new LinkedHashMap<>();

    public ConnectionsHealth(Connections connections, SyncRunStore runs) {
        for (Connections.Connection connection : connections.all()) {
            indicators.put(connection.id(), () -> runs.latest(connection.id())
                    .map(run -> health(connection, run))
                    .defaultIfEmpty(Health.up().withDetail("type", connection.config().type())
                            .withDetail("state", ConnectionView.State.IDLE).withDetail("lastSync", "none yet").build()));
        }
    }

    private static Health health(Connections.Connection connection, SyncRun run) {
        ConnectionView.State state = ConnectionView.State.of(run);
        Health.Builder health = state == ConnectionView.State.FAILING ? Health.status(FAILING) : Health.up();
        health.withDetail("type", connection.config().type())
                .withDetail("state", state)
                .withDetail("lastRun", run.runId())
                .withDetail("lastRunStatus", run.status());
        if (run.finishedAt() != null) {
            health.withDetail("lastRunFinishedAt", run.finishedAt().toString());
        }
        if (run.error() != null) {
            health.withDetail("error", run.error());
        }
        return health.build();
    }

    @Override
    public ReactiveHealthContributor getContributor(String name) {
        return indicators.get(name);
    }

    @Override
    public Stream<ReactiveHealthContributors.Entry> stream() {
        return indicators.entrySet().stream().map(e -> new ReactiveHealthContributors.Entry(e.getKey(), e.getValue()));
    }
}
