package io.planpilot.app.sync;

import io.planpilot.app.store.AdapterProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Beats for this process every {@link AdapterProcess#BEAT} and fails the sync runs of processes that
 * stopped beating: a run cut off by a crash or a kill, of this adapter's earlier life or of another
 * replica, is marked FAILED within {@link AdapterProcess#SILENCE}, and the connection can sync again.
 */
@Component
public class AdapterHeartbeat implements SmartLifecycle {

    static final String CUT_OFF = "the adapter process running it stopped during this run";
    private static final Logger log = LoggerFactory.getLogger(AdapterHeartbeat.class);

    private final AdapterProcess process;
    private final SyncRunStore runs;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public AdapterHeartbeat(AdapterProcess process, SyncRunStore runs, Clock clock) {
        this.process = process;
        this.runs = runs;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        beat();
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "adapter-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        long every = AdapterProcess.BEAT.toMillis();
        timer.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
    }

    /** Runs first among the lifecycle beans, so the scheduler's first runs find the cut-off ones failed. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }

    private void beat() {
        try {
            process.beat(clock.instant()).block();
            long failed = runs.failAbandoned(CUT_OFF).blockOptional().orElse(0L);
            if (failed > 0) {
                log.warn("{} sync runs were cut off (their adapter process stopped) and are now FAILED", failed);
            }
        } catch (RuntimeException e) {
            log.warn("The adapter's heartbeat could not reach the database: {}", e.toString());
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
