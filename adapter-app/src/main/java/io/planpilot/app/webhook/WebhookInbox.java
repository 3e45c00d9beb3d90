package io.planpilot.app.webhook;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.WebhooksConfig;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRequest;
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
 * The webhook inbox in PostgreSQL ({@code webhook_request}, {@code webhook_inbox}). Taking callbacks
 * in is one statement (their raw requests and all their events, repeats skipped by
 * {@code on conflict (connection, event_id) do nothing}), so they are durable and whole when the
 * statement returns. Workers claim entries with {@code for update skip locked} in a short statement
 * and finish them later, holding no transaction while the CRM is called; a claim carries a token and
 * a lease, and only the holder of the token can finish it.
 */
@Repository
public class WebhookInbox {

    /** Entries the API lists at most. */
    public static final int LISTED = 200;

    private final DatabaseClient db;
    private final JsonMapper json;
    private final WebhooksConfig config;
    private final org.springframework.transaction.reactive.TransactionalOperator transaction;

    public WebhookInbox(DatabaseClient db, JsonMapper json, AdapterConfig config,
                        org.springframework.transaction.reactive.TransactionalOperator transaction) {
        this.transaction = transaction;
        this.db = db;
        this.json = json;
        this.config = config.webhooks();
    }

    /** A verified callback and the events the connector read from it, to be stored. */
    public record Callback(String connection, WebhookRequest request, List<WebhookEvent> events) {
    }

    /** What taking a callback in stored: its raw request, and how many of its events were new. */
    public record Accepted(long requestId, int events, long inserted) {
        public long repeated() {
            return events - inserted;
        }
    }

    /**
     * Stores callbacks in one statement, so in one commit: each raw request and one RECEIVED entry
     * per event; an event whose id the connection already has, or an earlier callback of the same
     * statement carries, is skipped (a repeat). Emits what each callback stored, in their order.
     */
    public Mono<List<Accepted>> accept(List<Callback> callbacks) {
        List<Map<String, Object>> rows = new ArrayList<>(callbacks.size());
        for (Callback callback : callbacks) {
            rows.add(row(callback));
        }
        // Request ids are drawn first (the sequence behind the identity column), so that each event can
        // name its request; RETURNING alone does not say which input row a returned id belongs to.
        return db.sql("""
                        with batch as (
                            select c.ord, nextval(pg_get_serial_sequence('webhook_request', 'id')) as id, c.callback,
                                   cast(c.callback->>'receivedAt' as timestamptz) as received_at
                            from jsonb_array_elements(cast(:callbacks as jsonb)) with ordinality as c(callback, ord)
                        ), requests as (
                            insert into webhook_request (id, connection, method, url, headers, body, received_at, status)
                            overriding system value
                            select b.id, b.callback->>'connection', b.callback->>'method', b.callback->>'url',
                                   b.callback->'headers', decode(b.callback->>'body', 'base64'), b.received_at, 'ACCEPTED'
                            from batch b
                            order by b.ord
                        ), events as (
                            insert into webhook_inbox (connection, event_id, change, kind, record_id, occurred_at,
                                                       received_at, status, request_id)
                            select b.callback->>'connection', e.event_id, e.change, e.kind, e.record_id, e.occurred_at,
                                   b.received_at, 'RECEIVED', b.id
                            from batch b
                            cross join lateral jsonb_to_recordset(b.callback->'events')
                                 as e(event_id text, change text, kind text, record_id text, occurred_at timestamptz)
                            order by b.ord
                            on conflict (connection, event_id) do nothing
                            returning request_id
                        )
                        select b.ord, b.id as request_id,
                               (select count(*) from events v where v.request_id = b.id) as inserted
                        from batch b
                        order by b.ord""")
                .bind("callbacks", json.writeValueAsString(rows))
                .map(row -> {
                    int at = row.get("ord", Long.class).intValue() - 1;
                    return new Accepted(row.get("request_id", Long.class), callbacks.get(at).events().size(),
                            row.get("inserted", Long.class));
                })
                .all()
                .collectList();
    }

    private Map<String, Object> row(Callback callback) {
        WebhookRequest request = callback.request();
        List<Map<String, Object>> events = new ArrayList<>(callback.events().size());
        for (WebhookEvent event : callback.events()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("event_id", event.eventId());
            row.put("change", event.change().name());
            row.put("kind", event.kind().name());
            row.put("record_id", event.recordId());
            row.put("occurred_at", event.occurredAt() == null ? null : event.occurredAt().toString());
            events.add(row);
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("connection", callback.connection());
        row.put("method", request.method());
        row.put("url", Texts.storable(request.url()));
        row.put("headers", request.headers());
        row.put("body", java.util.Base64.getEncoder().encodeToString(request.body()));
        row.put("receivedAt", request.receivedAt().toString());
        row.put("events", events);
        return row;
    }

    /**
     * Keeps a callback from a verified sender that could not be read: its raw request and one
     * MALFORMED entry naming what is wrong. Emits the entry.
     */
    public Mono<InboxEntry> keepMalformed(String connection, WebhookRequest request, String error) {
        return db.sql("""
                        with request as (
                            insert into webhook_request (connection, method, url, headers, body, received_at, status, error)
                            values (:connection, :method, :url, cast(:headers as jsonb), :body, :receivedAt, 'MALFORMED', :error)
                            returning id
                        )
                        insert into webhook_inbox (connection, received_at, status, last_error, request_id)
                        select :connection, :receivedAt, 'MALFORMED', :error, id from request
                        returning *""")
                .bind("connection", connection)
                .bind("method", request.method())
                .bind("url", Texts.storable(request.url()))
                .bind("headers", json.writeValueAsString(request.headers()))
                .bind("body", request.body())
                .bind("receivedAt", request.receivedAt())
                .bind("error", Texts.storable(error))
                .map(WebhookInbox::entry)
                .one();
    }

    /**
     * Claims due entries for the holder of {@code token} until {@code leaseUntil}, and every other
     * open entry of the same records, so that changes of one record are re-read once; entries of the
     * {@code paused} connections (their CRM is down) are left alone. Due are:
     * RECEIVED entries received at or before {@code settledBefore} (the coalescing window), FAILED
     * ones whose retry time has come, and PROCESSING ones whose lease expired (their worker died).
     * A record another worker is processing now is left alone, so one record is never re-read twice
     * at once. Each claim counts as an attempt.
     *
     * <p>Claims are taken one at a time across workers and replicas (a transaction-scoped advisory
     * lock, then the claim in a statement of its own, which sees the claims committed before it):
     * two concurrent claims could otherwise each take part of one record's entries and re-read it
     * twice.
     */
    public Mono<List<InboxEntry>> claim(UUID token, Instant now, Instant settledBefore, Instant leaseUntil, int limit,
                                        List<String> paused) {
        Mono<List<InboxEntry>> claim = db.sql("select pg_advisory_xact_lock(:key)").bind("key", CLAIM_LOCK)
                .fetch().rowsUpdated()
                .then(claimUnderLock(token, now, settledBefore, leaseUntil, limit, paused));
        return transaction.transactional(claim);
    }

    /** The advisory lock key of inbox claims ("PPWHINBX"). */
    private static final long CLAIM_LOCK = 0x5050574849_4E4258L;

    private Mono<List<InboxEntry>> claimUnderLock(UUID token, Instant now, Instant settledBefore, Instant leaseUntil,
                                                  int limit, List<String> paused) {
        return db.sql("""
                        with candidates as (
                            (select id from webhook_inbox
                             where status = 'RECEIVED' and received_at <= :settled and connection <> all(:paused)
                             order by received_at limit :limit)
                            union all
                            (select id from webhook_inbox
                             where status = 'FAILED' and next_attempt_at <= :now and connection <> all(:paused)
                             order by next_attempt_at limit :limit)
                            union all
                            (select id from webhook_inbox
                             where status = 'PROCESSING' and lease_until <= :now and attempts < :maxAttempts
                               and connection <> all(:paused)
                             order by lease_until limit :limit)
                        ), due as (
                            select i.connection, i.kind, i.record_id from webhook_inbox i
                            where i.id in (select id from candidates)
                              and ((i.status = 'RECEIVED' and i.received_at <= :settled)
                                   or (i.status = 'FAILED' and i.next_attempt_at <= :now)
                                   or (i.status = 'PROCESSING' and i.lease_until <= :now and i.attempts < :maxAttempts))
                              and not exists (select 1 from webhook_inbox p
                                              where p.connection = i.connection and p.kind = i.kind
                                                and p.record_id = i.record_id and p.status = 'PROCESSING'
                                                and p.lease_until > :now)
                            order by i.id
                            limit :limit
                            for update skip locked
                        ), taken as (
                            -- a join on the record, with the open statuses spelled out, so that each due record is
                            -- looked up in webhook_inbox_open_by_record (an IN over the tuple scanned the whole inbox)
                            select i.id from due d
                            join webhook_inbox i on i.connection = d.connection and i.kind = d.kind and i.record_id = d.record_id
                            where i.status in ('RECEIVED', 'PROCESSING', 'FAILED')
                              and (i.status in ('RECEIVED', 'FAILED') or (i.lease_until <= :now and i.attempts < :maxAttempts))
                            for update of i skip locked
                        )
                        update webhook_inbox i
                           set status = 'PROCESSING', claim_token = :token, claimed_at = :now, lease_until = :leaseUntil,
                               attempts = i.attempts + 1, next_attempt_at = null
                          from taken
                         where i.id = taken.id
                        returning i.*""")
                .bind("token", token)
                .bind("now", now)
                .bind("settled", settledBefore)
                .bind("leaseUntil", leaseUntil)
                .bind("maxAttempts", config.maxAttempts())
                .bind("limit", limit)
                .bind("paused", paused.toArray(String[]::new))
                .map(WebhookInbox::entry)
                .all()
                .sort(java.util.Comparator.comparingLong(InboxEntry::id))
                .collectList();
    }

    /** Marks claimed entries PROCESSED; emits how many the token still held (a claim taken over is left alone). */
    public Mono<Long> finish(UUID token, List<Long> ids, Instant now) {
        return db.sql("""
                        update webhook_inbox
                           set status = 'PROCESSED', processed_at = :now, claim_token = null, lease_until = null
                         where id = any(:ids) and claim_token = :token and status = 'PROCESSING'""")
                .bind("ids", ids.toArray(Long[]::new))
                .bind("token", token)
                .bind("now", now)
                .fetch()
                .rowsUpdated();
    }

    /**
     * Marks claimed entries FAILED with the error, to be tried again after the backoff (the initial
     * wait doubled per further attempt, at most the maximum), or DEAD once they had
     * {@code max-attempts} attempts. Emits the entries' new statuses.
     */
    public Flux<InboxEntry.Status> fail(UUID token, List<Long> ids, Instant now, String error) {
        return db.sql("""
                        update webhook_inbox
                           set status = case when attempts >= :maxAttempts then 'DEAD' else 'FAILED' end,
                               next_attempt_at = case when attempts >= :maxAttempts then null
                                   else :now + make_interval(secs => least(:initial * power(2, least(attempts - 1, 40)), :max)) end,
                               last_error = :error, claim_token = null, lease_until = null
                         where id = any(:ids) and claim_token = :token and status = 'PROCESSING'
                        returning status""")
                .bind("ids", ids.toArray(Long[]::new))
                .bind("token", token)
                .bind("now", now)
                .bind("maxAttempts", config.maxAttempts())
                .bind("initial", seconds(config.initialBackoff()))
                .bind("max", seconds(config.maxBackoff()))
                .bind("error", Texts.storable(error))
                .map(row -> InboxEntry.Status.valueOf(row.get("status", String.class)))
                .all();
    }

    /**
     * Puts claimed entries back because their CRM is down or limiting the adapter: FAILED with the
     * error, due again at {@code until}, and the claim's attempt given back, so that an outage,
     * however long, never makes an event DEAD (as the outbox keeps actions PENDING). Emits how many
     * entries the token still held.
     */
    public Mono<Long> waitForCrm(UUID token, List<Long> ids, Instant until, String error) {
        return db.sql("""
                        update webhook_inbox
                           set status = 'FAILED', attempts = greatest(attempts - 1, 0), next_attempt_at = :until,
                               last_error = :error, claim_token = null, lease_until = null
                         where id = any(:ids) and claim_token = :token and status = 'PROCESSING'""")
                .bind("ids", ids.toArray(Long[]::new))
                .bind("token", token)
                .bind("until", until)
                .bind("error", Texts.storable(error))
                .fetch()
                .rowsUpdated();
    }

    /**
     * Entries whose worker died {@code max-attempts} times (their lease ran out each time) are DEAD:
     * whatever they are, they keep stopping the adapter. Emits how many.
     */
    public Mono<Long> buryAbandoned(Instant now) {
        return db.sql("""
                        update webhook_inbox
                           set status = 'DEAD', claim_token = null, lease_until = null,
                               last_error = 'processing was cut off ' || attempts || ' times (the adapter stopped, or a '
                                            || 're-read took longer than adapter.webhooks.lease)'
                         where status = 'PROCESSING' and lease_until <= :now and attempts >= :maxAttempts""")
                .bind("now", now)
                .bind("maxAttempts", config.maxAttempts())
                .fetch()
                .rowsUpdated();
    }

    /**
     * Deletes up to {@code limit} PROCESSED and MALFORMED entries received before {@code before},
     * then up to {@code limit} raw requests as old that no entry refers to (those of repeats among
     * them). DEAD entries stay until retried. Emits how many entries and requests went.
     */
    public Mono<Long> purge(Instant before, int limit) {
        Mono<Long> entries = db.sql("""
                        delete from webhook_inbox where id in (
                            select id from webhook_inbox
                            where status in ('PROCESSED', 'MALFORMED') and received_at < :before
                            order by id limit :limit)""")
                .bind("before", before)
                .bind("limit", limit)
                .fetch()
                .rowsUpdated();
        Mono<Long> requests = db.sql("""
                        delete from webhook_request where id in (
                            select r.id from webhook_request r
                            where r.received_at < :before
                              and not exists (select 1 from webhook_inbox i where i.request_id = r.id)
                            order by r.id limit :limit)""")
                .bind("before", before)
                .bind("limit", limit)
                .fetch()
                .rowsUpdated();
        return entries.flatMap(deleted -> requests.map(gone -> deleted + gone));
    }

    /** When the oldest entry still waiting (RECEIVED) came in; empty when none waits. */
    public Mono<Instant> oldestReceived() {
        return db.sql("select min(received_at) as oldest from webhook_inbox where status = 'RECEIVED'")
                .map(row -> java.util.Optional.ofNullable(row.get("oldest", Instant.class)))
                .one()
                .flatMap(Mono::justOrEmpty);
    }

    /** The newest entries first, at most {@link #LISTED}; {@code status} and {@code connection} filter when given. */
    public Flux<InboxEntry> list(InboxEntry.Status status, String connection) {
        var spec = db.sql("""
                        select * from webhook_inbox
                        where (cast(:status as text) is null or status = :status)
                          and (cast(:connection as text) is null or connection = :connection)
                        order by id desc limit :limit""");
        spec = status == null ? spec.bindNull("status", String.class) : spec.bind("status", status.name());
        spec = connection == null ? spec.bindNull("connection", String.class) : spec.bind("connection", connection);
        return spec.bind("limit", LISTED).map(WebhookInbox::entry).all();
    }

    public Mono<InboxEntry> find(long id) {
        return db.sql("select * from webhook_inbox where id = :id").bind("id", id).map(WebhookInbox::entry).one();
    }

    /**
     * Puts a DEAD or FAILED entry back in the queue with a fresh budget of attempts; its last error
     * stays until the next try. Emits the entry as it is now, or nothing when it is not DEAD or FAILED.
     */
    public Mono<InboxEntry> requeue(long id) {
        return db.sql("""
                        update webhook_inbox
                           set status = 'RECEIVED', attempts = 0, next_attempt_at = null, claim_token = null, lease_until = null
                         where id = :id and status in ('DEAD', 'FAILED')
                        returning *""")
                .bind("id", id)
                .map(WebhookInbox::entry)
                .one();
    }

    private static double seconds(java.time.Duration duration) {
        return duration.toNanos() / 1e9;
    }

    static InboxEntry entry(Readable row) {
        String change = row.get("change", String.class);
        String kind = row.get("kind", String.class);
        return new InboxEntry(
                row.get("id", Long.class),
                row.get("connection", String.class),
                row.get("event_id", String.class),
                change == null ? null : WebhookEvent.Change.valueOf(change),
                kind == null ? null : RecordKind.valueOf(kind),
                row.get("record_id", String.class),
                InboxEntry.Status.valueOf(row.get("status", String.class)),
                row.get("attempts", Integer.class),
                row.get("received_at", Instant.class),
                row.get("processed_at", Instant.class),
                row.get("last_error", String.class),
                row.get("next_attempt_at", Instant.class),
                row.get("request_id", Long.class));
    }
}
