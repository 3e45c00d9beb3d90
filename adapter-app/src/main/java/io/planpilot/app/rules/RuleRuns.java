package io.planpilot.app.rules;

import io.planpilot.app.action.ActionDispatcher;
import io.planpilot.app.action.ActionOutbox;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.RulesConfig;
import io.planpilot.app.kpi.KpiSnapshots;
import io.planpilot.app.sync.Connections;
import io.planpilot.app.sync.CrmDataChanged;
import io.planpilot.core.connector.Capabilities;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;
import io.planpilot.core.rules.ProposedAction;
import io.planpilot.core.rules.RuleBook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the rule book over the current KPI snapshot and stores what it proposes in the outbox; the
 * dispatchers send it. The outbox's unique dedupe keys make a run idempotent: running again, after
 * a restart or in a second replica stores nothing new unless the situation changed. Runs come from
 * the API, the schedule, and (unless the rules file turns it off) the data changing: a sync run that
 * succeeded or webhook changes, gathered into one run per {@link #SETTLE} so a burst of changes makes
 * one run.
 *
 * <p>Actions for a connection whose CRM takes no writes at all (a CSV export) are not stored: there is
 * nowhere to send them. They are counted as {@code withoutWrites}.
 */
@Service
public class RuleRuns {

    /** How long changes are gathered before the run they cause. */
    static final Duration SETTLE = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(RuleRuns.class);

    private final KpiSnapshots snapshots;
    private final ActionOutbox outbox;
    private final ActionDispatcher dispatcher;
    private final Connections connections;
    private final AdapterConfig config;
    private final RulesConfig rules;
    private final RuleBook book;
    private final Clock clock;
    private final ScheduledExecutorService settle = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "rules-after-changes");
        thread.setDaemon(true);
        return thread;
    });
    private final AtomicBoolean runRequested = new AtomicBoolean();

    public RuleRuns(KpiSnapshots snapshots, ActionOutbox outbox, ActionDispatcher dispatcher, Connections connections,
                    AdapterConfig config, Clock clock) {
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.connections = connections;
        this.config = config;
        this.rules = config.rules();
        this.book = new RuleBook(rules.settings());
        this.clock = clock;
    }

    /** What a run stored. */
    public record Result(long created, long skippedAsDuplicate, long withoutWrites, long overDailyLimit) {
    }

    /** The proposals within the users' daily limit ({@link UserDailyLimit}); what the outbox holds already and who got what today come from the outbox. */
    private List<ProposedAction> withinDailyLimit(List<ProposedAction> proposals) {
        int limit = rules.perUserPerDay();
        if (limit == 0 || proposals.isEmpty()) {
            return proposals;
        }
        Map<String, List<String>> keysByConnection = new java.util.HashMap<>();
        proposals.forEach(p -> keysByConnection.computeIfAbsent(p.connection(), c -> new ArrayList<>()).add(p.dedupeKey()));
        java.util.Set<String> known = new java.util.HashSet<>();
        keysByConnection.forEach((connection, keys) -> outbox.known(connection, keys).block()
                .forEach(key -> known.add(UserDailyLimit.key(connection, key))));
        java.time.Instant dayStart = clock.instant().atZone(config.timeZone()).toLocalDate().atStartOfDay(config.timeZone()).toInstant();
        return UserDailyLimit.apply(proposals, known, outbox.addressedSince(dayStart).block(), limit);
    }

    /** The run for now: the current month in {@code adapter.time-zone}. Blocking. */
    public Result runNow(String cause) {
        Instant now = clock.instant();
        return run(new KpiQuery(Period.monthOf(now, config.timeZone()), now, null), cause);
    }

    /** Evaluates the rules for the query and stores the new actions. Blocking; one run at a time. */
    public synchronized Result run(KpiQuery query, String cause) {
        long started = System.nanoTime();
        List<ProposedAction> proposed = book.evaluate(snapshots.current(), query);
        List<ProposedAction> sendable = new ArrayList<>();
        long withoutWrites = 0;
        for (ProposedAction action : proposed) {
            if (takesWrites(action.connection())) {
                sendable.add(action);
            } else {
                withoutWrites++;
            }
        }
        Map<String, Long> byRule = new TreeMap<>();
        sendable.forEach(action -> byRule.merge(action.rule(), 1L, Long::sum));
        List<ProposedAction> allowed = withinDailyLimit(sendable);
        long overLimit = sendable.size() - allowed.size();
        ActionOutbox.Proposed stored = outbox.propose(allowed, clock.instant()).block();
        if (stored.created() > 0) {
            dispatcher.wake();
        }
        log.info("Rules run ({}) for {} as of {}: {} actions proposed {}, {} new, {} already there, {} over a user's daily "
                        + "limit (later), {} for CRMs without writes ({} ms)",
                cause, query.period(), query.asOf(), sendable.size(), byRule, stored.created(), stored.skippedAsDuplicate(),
                overLimit, withoutWrites, (System.nanoTime() - started) / 1_000_000);
        return new Result(stored.created(), stored.skippedAsDuplicate(), withoutWrites, overLimit);
    }

    private boolean takesWrites(String connection) {
        return connections.find(connection).map(c -> {
            Capabilities can = c.connector().capabilities();
            return can.tasks() || can.comments() || can.notifications();
        }).orElse(false);
    }

    @EventListener
    public void onChange(CrmDataChanged change) {
        if (!rules.afterChanges() || !takesWrites(change.connection())) {
            return;
        }
        if (runRequested.compareAndSet(false, true)) {
            settle.schedule(() -> {
                runRequested.set(false);
                try {
                    runNow("after " + change.cause() + " changes");
                } catch (RuntimeException e) {
                    log.warn("The rules run after CRM changes failed: {}", e.toString(), e);
                }
            }, SETTLE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
