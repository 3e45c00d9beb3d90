package io.planpilot.app.kpi;

import io.planpilot.app.store.StoreChanges;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps this process's KPI snapshot in step with replicas that share its database: every
 * {@link #EVERY} it looks for changes another process stored and reloads the snapshot when there are
 * any; once a minute it forgets changes older than an hour.
 */
@Component
public class StoreFollower implements SmartLifecycle {

    static final Duration EVERY = Duration.ofSeconds(2);
    private static final Duration KEPT = Duration.ofHours(1);
    private static final Logger log = LoggerFactory.getLogger(StoreFollower.class);

    private final KpiSnapshots snapshots;
    private final StoreChanges changes;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public StoreFollower(KpiSnapshots snapshots, StoreChanges changes, Clock clock) {
        this.snapshots = snapshots;
        this.changes = changes;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "store-follower");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::follow, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::purge, 1, 60, TimeUnit.SECONDS);
    }

    private void follow() {
        try {
            snapshots.followStore();
        } catch (RuntimeException e) {
            log.warn("Could not look for changes other adapter processes stored: {}", e.toString());
        }
    }

    private void purge() {
        try {
            changes.purge(clock.instant().minus(KEPT)).block();
        } catch (RuntimeException e) {
            log.debug("Could not purge old store changes: {}", e.toString());
        }
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
