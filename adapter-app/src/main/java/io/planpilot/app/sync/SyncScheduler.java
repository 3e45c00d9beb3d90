package io.planpilot.app.sync;

import io.planpilot.core.connector.SyncMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Syncs every scheduled connection when the adapter is ready, then every {@code sync-interval}. A
 * tick while a run of the connection is going does nothing: the running run already covers it.
 */
@Component
public class SyncScheduler {

    private static final Logger log = LoggerFactory.getLogger(SyncScheduler.class);

    private final Connections connections;
    private final SyncService sync;
    private final SyncRunStore runs;
    private final List<Disposable> schedules = new ArrayList<>();

    public SyncScheduler(Connections connections, SyncService sync, SyncRunStore runs) {
        this.connections = connections;
        this.sync = sync;
        this.runs = runs;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void startSchedules() {
        // runs left RUNNING by a process that no longer beats were cut off (AdapterHeartbeat fails them)
        for (Connections.Connection connection : connections.all()) {
            if (!connection.config().scheduled()) {
                continue; // sync-interval 0: only on demand or by webhook
            }
            Duration interval = connection.config().syncInterval();
            schedules.add(Flux.interval(Duration.ZERO, interval)
                    .concatMap(tick -> due(connection, interval).filter(Boolean::booleanValue)
                            .flatMap(yes -> sync.start(connection, SyncMode.INCREMENTAL))
                            .onErrorResume(e -> {
                                log.warn("Could not start a sync of '{}': {}", connection.id(), e.toString());
                                return reactor.core.publisher.Mono.empty();
                            }))
                    .subscribe());
        }
    }

    /**
     * Whether the connection's next scheduled run is due: no run of it (by this replica or another
     * sharing the database) started within the last interval, so replicas do not each sync it.
     */
    private reactor.core.publisher.Mono<Boolean> due(Connections.Connection connection, Duration interval) {
        java.time.Instant now = java.time.Instant.now();
        return runs.latest(connection.id())
                .map(run -> run.startedAt() == null || !run.startedAt().plus(interval.multipliedBy(9).dividedBy(10)).isAfter(now))
                .defaultIfEmpty(true);
    }

    @jakarta.annotation.PreDestroy
    public void stopSchedules() {
        schedules.forEach(Disposable::dispose);
    }
}
