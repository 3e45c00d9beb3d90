package io.planpilot.app.action;

import io.planpilot.app.config.ActionsConfig;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.work.PollingWorkers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The outbox's dispatchers: {@code adapter.actions.dispatchers} threads of their own, each claiming
 * due actions, sending them one by one and claiming again; an idle dispatcher looks again every
 * {@code poll-interval}, or at once when a rules run stored actions. Replicas sharing the database
 * share the work through the claim's {@code SKIP LOCKED}. A CRM that is down costs each of its
 * actions one attempt per backoff period; the connector's circuit breaker makes those attempts cheap.
 *
 * <p>Stopping lets each dispatcher finish the action in hand; one cut off by a kill stays claimed
 * until its lease runs out, then it is sent again, and the CRM write finds its idempotency key.
 */
@Component
public class ActionDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ActionDispatcher.class);
    /** The audit trail of what the adapter pushed into the CRMs, one line each, under a logger of its own. */
    private static final Logger audit = LoggerFactory.getLogger("planpilot.audit");
    private static final java.time.Duration STOP_WAIT = java.time.Duration.ofSeconds(30);

    private final ActionOutbox outbox;
    private final ActionSender sender;
    private final ActionMetrics metrics;
    private final ActionsConfig config;
    private final Clock clock;

    private final PollingWorkers dispatchers;

    public ActionDispatcher(ActionOutbox outbox, ActionSender sender, ActionMetrics metrics, AdapterConfig config,
                            Clock clock) {
        this.outbox = outbox;
        this.sender = sender;
        this.metrics = metrics;
        this.config = config.actions();
        this.clock = clock;
        this.dispatchers = new PollingWorkers("action-dispatcher", this.config.pollInterval(), this::dispatchOnce);
    }

    @Override
    public void start() {
        dispatchers.start(config.dispatchers());
        log.info("Action outbox: {} dispatchers", config.dispatchers());
    }

    @Override
    public void stop() {
        dispatchers.stop(STOP_WAIT);
    }

    @Override
    public boolean isRunning() {
        return dispatchers.isRunning();
    }

    /** Tells idle dispatchers that actions are due (called after a rules run stored some). */
    public void wake() {
        dispatchers.wake();
    }

    /** Claims one batch and sends it; emits how many actions it claimed. */
    int dispatchOnce() {
        UUID token = UUID.randomUUID();
        Instant now = clock.instant();
        metrics.backlog(outbox.backlog().block(), now);
        List<Action> claimed = outbox.claim(token, now, now.plus(config.lease()), config.batchSize()).collectList().block();
        if (claimed == null || claimed.isEmpty()) {
            return 0;
        }
        for (Action action : claimed) {
            if (!dispatchers.isRunning()) {
                break; // the rest stays claimed until the lease runs out, then is taken again
            }
            finish(token, action, sender.send(action));
        }
        return claimed.size();
    }

    private void finish(UUID token, Action action, ActionSender.Outcome outcome) {
        Instant now = clock.instant();
        if (outcome instanceof ActionSender.Outcome.Sent sent) {
            outbox.sent(token, action.id(), sent.crmId(), now).block();
            metrics.sent(action.connection(), action.kind().name());
            audit.info("action sent: id={} rule={} kind={} connection={} target={} deal={} crmId={} key={} at={}", action.id(),
                    action.rule(), action.kind(), action.connection(), action.target(), action.dealId(), sent.crmId(),
                    action.dedupeKey(), now);
        } else if (outcome instanceof ActionSender.Outcome.TryAgain later) {
            Instant next = outbox.retryLater(token, action.id(), now, later.error()).block();
            metrics.deferred(action.connection());
            log.info("Action {} for '{}' waits (attempt {}, next at {}): {}", action.id(), action.connection(),
                    action.attempts(), next, later.error());
        } else if (outcome instanceof ActionSender.Outcome.Refused refused) {
            outbox.failed(token, action.id(), refused.error()).block();
            metrics.failed(action.connection());
            log.warn("Action {} ({} {}) for '{}' FAILED: {}", action.id(), action.rule(), action.kind(),
                    action.connection(), refused.error());
        }
    }
}
