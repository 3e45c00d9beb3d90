package io.planpilot.app.webhook;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.WebhooksConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The inbox workers: {@code adapter.webhooks.workers} threads of their own (never the event loop),
 * each claiming due entries, processing them and claiming again; an idle worker looks again every
 * {@code poll-interval}, or at once when this process stores a callback. Replicas sharing the
 * database share the work through the claim's {@code SKIP LOCKED}. A housekeeping thread refreshes
 * the oldest-waiting gauge every second, buries entries whose processing keeps dying, and once a
 * minute deletes what {@code adapter.webhooks.retention} no longer keeps.
 *
 * <p>Stopping lets each worker finish the batch in hand; a batch cut off by a kill stays claimed
 * until its lease runs out, and then a worker of this or another process takes it again.
 */
@Component
public class InboxWorkers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(InboxWorkers.class);
    private static final long STOP_WAIT_MILLIS = 30_000;
    private static final java.time.Duration PURGE_EVERY = java.time.Duration.ofMinutes(1);
    private static final int PURGE_BATCH = 10_000;

    private final WebhookInbox inbox;
    private final InboxProcessor processor;
    private final WebhookMetrics metrics;
    private final WebhooksConfig config;
    private final Clock clock;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition woken = lock.newCondition();
    private long wakeups;
    private volatile boolean running;
    private final List<Thread> threads = new ArrayList<>();
    private ScheduledExecutorService housekeeping;
    private Instant lastPurge = Instant.EPOCH;

    public InboxWorkers(WebhookInbox inbox, InboxProcessor processor, WebhookMetrics metrics, AdapterConfig config,
                        Clock clock) {
        this.inbox = inbox;
        this.processor = processor;
        this.metrics = metrics;
        this.config = config.webhooks();
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        for (int i = 1; i <= config.workers(); i++) {
            Thread worker = new Thread(this::work, "webhook-worker-" + i);
            worker.setDaemon(true);
            threads.add(worker);
            worker.start();
        }
        housekeeping = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "webhook-inbox-housekeeping");
            thread.setDaemon(true);
            return thread;
        });
        housekeeping.scheduleWithFixedDelay(this::housekeep, 0, 1, TimeUnit.SECONDS);
        log.info("Webhook inbox: {} workers", config.workers());
    }

    @Override
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        wake();
        housekeeping.shutdownNow();
        long deadline = System.currentTimeMillis() + STOP_WAIT_MILLIS;
        for (Thread worker : threads) {
            try {
                worker.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (worker.isAlive()) {
                log.warn("{} is still busy after {} s; its entries are taken again when their lease runs out",
                        worker.getName(), STOP_WAIT_MILLIS / 1000);
            }
        }
        threads.clear();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Tells idle workers that new entries are there (called after a callback is stored). */
    public void wake() {
        lock.lock();
        try {
            wakeups++;
            woken.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void work() {
        while (running && !Thread.currentThread().isInterrupted()) {
            long seen = wakeupsSoFar();
            try {
                if (workOnce() == 0) {
                    await(seen, false);
                }
            } catch (RuntimeException e) {
                log.warn("A webhook worker could not claim or finish entries (trying again in {}): {}",
                        config.pollInterval(), e.toString());
                await(seen, true);
            }
        }
    }

    /** Claims one batch and processes it; emits how many entries it claimed. */
    int workOnce() {
        UUID token = UUID.randomUUID();
        Instant now = clock.instant();
        List<InboxEntry> claimed = inbox.claim(token, now, now.minus(config.coalesceWindow()), now.plus(config.lease()),
                config.batchSize()).block();
        if (claimed == null || claimed.isEmpty()) {
            return 0;
        }
        processor.process(token, claimed);
        return claimed.size();
    }

    private long wakeupsSoFar() {
        lock.lock();
        try {
            return wakeups;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits a poll interval, or less when woken after {@code seen} was read (unless
     * {@code wholeInterval}: after a failure, a wake-up does not cut the wait short).
     */
    private void await(long seen, boolean wholeInterval) {
        lock.lock();
        try {
            long nanos = config.pollInterval().toNanos();
            while (running && nanos > 0 && (wholeInterval || wakeups == seen)) {
                nanos = woken.awaitNanos(nanos);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
    }

    /** Deletes what {@code adapter.webhooks.retention} no longer keeps, a batch at a time (at most ten a minute). */
    private void purge(Instant before) {
        long purged = 0;
        for (int batch = 0; batch < 10; batch++) {
            long rows = inbox.purge(before, PURGE_BATCH).blockOptional().orElse(0L);
            purged += rows;
            if (rows < PURGE_BATCH) {
                break;
            }
        }
        if (purged > 0) {
            log.info("Webhook inbox: {} processed or malformed entries and raw requests older than {} deleted", purged, before);
        }
    }

    private void housekeep() {
        try {
            Instant now = clock.instant();
            long buried = inbox.buryAbandoned(now).blockOptional().orElse(0L);
            if (buried > 0) {
                log.warn("{} webhook events are DEAD: their processing was cut off adapter.webhooks.max-attempts times", buried);
            }
            metrics.oldestReceived(inbox.oldestReceived().block(), now);
            if (now.isAfter(lastPurge.plus(PURGE_EVERY))) {
                lastPurge = now;
                purge(now.minus(config.retention()));
            }
        } catch (RuntimeException e) {
            log.debug("Webhook inbox housekeeping failed: {}", e.toString());
        }
    }
}
