package io.planpilot.app.webhook;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.WebhooksConfig;
import io.planpilot.app.sync.Connections;
import io.planpilot.app.work.PollingWorkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The inbox workers: {@code adapter.webhooks.workers} threads of their own (never the event loop),
 * each claiming due entries, processing them and claiming again; an idle worker looks again every
 * {@code poll-interval}, or at once when this process stores a callback. Entries of a connection
 * whose CRM is down wait without being claimed ({@link CrmOutages}). Replicas sharing the
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
    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(30);
    private static final java.time.Duration PURGE_EVERY = java.time.Duration.ofMinutes(1);
    private static final int PURGE_BATCH = 10_000;

    private final WebhookInbox inbox;
    private final InboxProcessor processor;
    private final CrmOutages outages;
    private final Connections connections;
    private final WebhookMetrics metrics;
    private final WebhooksConfig config;
    private final Clock clock;

    private final PollingWorkers workers;
    private ScheduledExecutorService housekeeping;
    private Instant lastPurge = Instant.EPOCH;

    public InboxWorkers(WebhookInbox inbox, InboxProcessor processor, CrmOutages outages,
                        Connections connections, WebhookMetrics metrics, AdapterConfig config,
                        Clock clock) {
        this.inbox = inbox;
        this.processor = processor;
        this.outages = outages;
        this.connections = connections;
        this.metrics = metrics;
        this.config = config.webhooks();
        this.clock = clock;
        this.workers = new PollingWorkers("webhook-worker", this.config.pollInterval(), this::workOnce);
    }

    @Override
    public synchronized void start() {
        if (workers.isRunning()) {
            return;
        }
        workers.start(config.workers());
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
        if (!workers.isRunning()) {
            return;
        }
        housekeeping.shutdownNow();
        workers.stop(STOP_WAIT);
    }

    @Override
    public boolean isRunning() {
        return workers.isRunning();
    }

    /**
     * Tells idle workers that new entries are there (called after a callback is stored). With a
     * coalescing window a new entry is not due before the window has passed, so a wake-up would only
     * make each worker claim nothing once per callback (thousands of empty claims a second under load,
     * all work for PostgreSQL): the poll finds the entry once it is due. Only without a window, or for
     * an entry put back by hand ({@link #wakeNow()}), are the workers woken at once.
     */
    public void wake() {
        if (config.coalesceWindow().isZero()) {
            workers.wake();
        }
    }

    /** Wakes idle workers at once: for entries that are due now (a retry requested through the API). */
    public void wakeNow() {
        workers.wake();
    }

    /** Claims one batch and processes it; emits how many entries it claimed. */
    int workOnce() {
        UUID token = UUID.randomUUID();
        Instant now = clock.instant();
        List<String> paused = outages.paused(now);
        if (!paused.isEmpty() && everyConnectionIn(paused)) {
            // every CRM is down: nothing can be processed, and a claim would read past all their waiting entries
            return 0;
        }
        List<InboxEntry> claimed = inbox.claim(token, now, now.minus(config.coalesceWindow()), now.plus(config.lease()),
                config.batchSize(), paused).block();
        if (claimed == null || claimed.isEmpty()) {
            return 0;
        }
        processor.process(token, claimed);
        return claimed.size();
    }

    private boolean everyConnectionIn(List<String> paused) {
        return connections.all().stream()
                .filter(connection -> connection.connector().capabilities().webhooks())
                .allMatch(connection -> paused.contains(connection.id()));
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
