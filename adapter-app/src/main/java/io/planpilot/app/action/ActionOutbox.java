package io.planpilot.app.action;

import io.planpilot.app.config.ActionsConfig;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.webhook.Texts;
import io.planpilot.core.rules.ActionKind;
import io.planpilot.core.rules.ProposedAction;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The action outbox in PostgreSQL ({@code action}). Proposals go in with one statement that skips
 * every dedupe key the connection already has, so re-running the rules, a restart or a second replica
 * never stores an action twice. Dispatchers claim due actions with {@code for update skip locked} in a
 * short statement and finish them after the CRM answered, holding no transaction meanwhile; a claim
 * carries a token and a lease, and only the holder of the token can finish it.
 */
@Repository
public class ActionOutbox {

    /** Actions the API lists at most. */
    public static final int LISTED = 500;

    private final DatabaseClient db;
    private final JsonMapper json;
    private final ActionsConfig config;

    public ActionOutbox(DatabaseClient db, JsonMapper json, AdapterConfig config) {
        this.db = db;
        this.json = json;
        this.config = config.actions();
    }

    /** How many proposals were new, and how many repeated an action already stored. */
    public record Proposed(long created, long skippedAsDuplicate) {
    }

    /** Stores the proposals whose dedupe key is new for their connection, due at once. */
    public Mono<Proposed> propose(List<ProposedAction> proposals, Instant now) {
        if (proposals.isEmpty()) {
            return Mono.just(new Proposed(0, 0));
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ProposedAction proposal : proposals) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("rule", proposal.rule());
            row.put("kind", proposal.kind().name());
            row.put("connection", proposal.connection());
            row.put("target", proposal.target());
            row.put("deal_id", proposal.dealId());
            row.put("dedupe_key", proposal.dedupeKey());
            row.put("title", proposal.title());
            row.put("body", proposal.body());
            row.put("deadline", proposal.deadline() == null ? null : proposal.deadline().toString());
            rows.add(row);
        }
        return db.sql("""
                        with inserted as (
                            insert into action (rule, kind, connection, target, deal_id, dedupe_key, title, body, deadline,
                                                status, next_attempt_at, created_at)
                            select p.rule, p.kind, p.connection, p.target, p.deal_id, p.dedupe_key, p.title, p.body,
                                   p.deadline, 'PENDING', :now, :now
                            from jsonb_to_recordset(cast(:proposals as jsonb))
                                 as p(rule text, kind text, connection text, target text, deal_id text, dedupe_key text,
                                      title text, body text, deadline timestamptz)
                            on conflict (connection, dedupe_key) do nothing
                            returning 1
                        )
                        select count(*) as created from inserted""")
                .bind("proposals", json.writeValueAsString(rows))
                .bind("now", now)
                .map(row -> row.get("created", Long.class))
                .one()
                .map(created -> new Proposed(created, proposals.size() - created));
    }

    /**
     * Claims up to {@code limit} pending actions that are due (their retry time has come and no
     * other dispatcher holds them) for the holder of {@code token} until {@code leaseUntil}, oldest
     * first. Each claim counts as an attempt.
     */
    public Flux<Action> claim(UUID token, Instant now, Instant leaseUntil, int limit) {
        return db.sql("""
                        with due as (
                            select id from action
                            where status = 'PENDING' and next_attempt_at <= :now
                              and (lease_until is null or lease_until <= :now)
                            order by next_attempt_at, id
                            limit :limit
                            for update skip locked
                        )
                        update action a
                           set claim_token = :token, lease_until = :leaseUntil, attempts = a.attempts + 1
                          from due
                         where a.id = due.id
                        returning a.*""")
                .bind("token", token)
                .bind("now", now)
                .bind("leaseUntil", leaseUntil)
                .bind("limit", limit)
                .map(ActionOutbox::action)
                .all()
                .sort(java.util.Comparator.comparingLong(Action::id));
    }

    /** Marks a claimed action SENT with the CRM's id; emits whether the token still held it. */
    public Mono<Boolean> sent(UUID token, long id, String crmId, Instant now) {
        return db.sql("""
                        update action
                           set status = 'SENT', crm_id = :crmId, sent_at = :now, last_error = null,
                               claim_token = null, lease_until = null
                         where id = :id and claim_token = :token and status = 'PENDING'""")
                .bind("id", id)
                .bind("token", token)
                .bind("crmId", crmId)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /**
     * Keeps a claimed action PENDING with the error, to be tried again after the backoff (the initial
     * wait doubled per further attempt, at most the maximum); the CRM was down, limiting or did not
     * answer. Emits when it is tried next, or nothing when the token no longer held it.
     */
    public Mono<Instant> retryLater(UUID token, long id, Instant now, String error) {
        return db.sql("""
                        update action
                           set next_attempt_at = :now + make_interval(secs => least(:initial * power(2, least(attempts - 1, 40)), :max)),
                               last_error = :error, claim_token = null, lease_until = null
                         where id = :id and claim_token = :token and status = 'PENDING'
                        returning next_attempt_at""")
                .bind("id", id)
                .bind("token", token)
                .bind("now", now)
                .bind("initial", seconds(config.initialBackoff()))
                .bind("max", seconds(config.maxBackoff()))
                .bind("error", Texts.storable(error))
                .map(row -> row.get("next_attempt_at", Instant.class))
                .one();
    }

    /** Marks a claimed action FAILED: the CRM refused it for reasons a retry does not change. */
    public Mono<Boolean> failed(UUID token, long id, String error) {
        return db.sql("""
                        update action
                           set status = 'FAILED', last_error = :error, claim_token = null, lease_until = null
                         where id = :id and claim_token = :token and status = 'PENDING'""")
                .bind("id", id)
                .bind("token", token)
                .bind("error", Texts.storable(error))
                .fetch()
                .rowsUpdated()
                .map(rows -> rows > 0);
    }

    /** Puts a FAILED action back in the queue, due now; emits it, or nothing when it is not FAILED. */
    public Mono<Action> requeue(long id, Instant now) {
        return db.sql("""
                        update action set status = 'PENDING', next_attempt_at = :now, claim_token = null, lease_until = null
                         where id = :id and status = 'FAILED'
                        returning *""")
                .bind("id", id)
                .bind("now", now)
                .map(ActionOutbox::action)
                .one();
    }

    /** The newest actions first, at most {@link #LISTED}; {@code status}, {@code connection} and {@code rule} filter when given. */
    public Flux<Action> list(Action.Status status, String connection, String rule) {
        var spec = db.sql("""
                        select * from action
                        where (cast(:status as text) is null or status = :status)
                          and (cast(:connection as text) is null or connection = :connection)
                          and (cast(:rule as text) is null or rule = :rule)
                        order by id desc limit :limit""");
        spec = status == null ? spec.bindNull("status", String.class) : spec.bind("status", status.name());
        spec = connection == null ? spec.bindNull("connection", String.class) : spec.bind("connection", connection);
        spec = rule == null ? spec.bindNull("rule", String.class) : spec.bind("rule", rule);
        return spec.bind("limit", LISTED).map(ActionOutbox::action).all();
    }

    public Mono<Action> find(long id) {
        return db.sql("select * from action where id = :id").bind("id", id).map(ActionOutbox::action).one();
    }

    /** A CRM user (or a dedupe key) of a connection as one text: what the counts below are keyed by. */
    public static String userKey(String connection, String id) {
        return connection + '\u001f' + id;
    }

    /** Of the given dedupe keys of a connection, those the outbox holds already. */
    public Mono<java.util.Set<String>> known(String connection, List<String> keys) {
        if (keys.isEmpty()) {
            return Mono.just(java.util.Set.of());
        }
        return db.sql("select dedupe_key from action where connection = :connection and dedupe_key = any(:keys)")
                .bind("connection", connection)
                .bind("keys", keys.toArray(String[]::new))
                .map(row -> row.get("dedupe_key", String.class))
                .all()
                .collect(java.util.stream.Collectors.toSet());
    }

    /**
     * How many tasks and notices each CRM user of each connection was given since {@code since}, by
     * {@link #userKey}.
     */
    public Mono<Map<String, Long>> addressedSince(Instant since) {
        return db.sql("""
                        select connection, target, count(*) as given from action
                        where kind in ('TASK', 'NOTIFY') and created_at >= :since
                        group by connection, target""")
                .bind("since", since)
                .map(row -> Map.entry(userKey(row.get("connection", String.class), row.get("target", String.class)),
                        row.get("given", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    /** Pending actions and when the oldest of them was proposed (a gauge); the oldest is null when none waits. */
    public record Backlog(long pending, Instant oldest) {
    }

    public Mono<Backlog> backlog() {
        return db.sql("select count(*) as pending, min(created_at) as oldest from action where status = 'PENDING'")
                .map(row -> new Backlog(row.get("pending", Long.class), row.get("oldest", Instant.class)))
                .one();
    }

    /** Which of {@code crmIds} the adapter itself created in the connection's CRM (its own writes, echoed back). */
    public Mono<java.util.Set<String>> ownWrites(String connection, List<String> crmIds) {
        if (crmIds.isEmpty()) {
            return Mono.just(java.util.Set.of());
        }
        return db.sql("select crm_id from action where connection = :connection and crm_id = any(:ids)")
                .bind("connection", connection)
                .bind("ids", crmIds.toArray(String[]::new))
                .map(row -> row.get("crm_id", String.class))
                .all()
                .collect(java.util.stream.Collectors.toSet());
    }

    private static double seconds(java.time.Duration duration) {
        return duration.toNanos() / 1e9;
    }

    static Action action(Readable row) {
        return new Action(
                row.get("id", Long.class),
                row.get("rule", String.class),
                ActionKind.valueOf(row.get("kind", String.class)),
                row.get("connection", String.class),
                row.get("target", String.class),
                row.get("dedupe_key", String.class),
                Action.Status.valueOf(row.get("status", String.class)),
                row.get("crm_id", String.class),
                row.get("attempts", Integer.class),
                row.get("last_error", String.class),
                row.get("created_at", Instant.class),
                row.get("deal_id", String.class),
                row.get("title", String.class),
                row.get("body", String.class),
                row.get("deadline", Instant.class),
                row.get("next_attempt_at", Instant.class),
                row.get("sent_at", Instant.class));
    }
}
