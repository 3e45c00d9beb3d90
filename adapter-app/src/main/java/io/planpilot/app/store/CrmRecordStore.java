package io.planpilot.app.store;

import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes what connectors read. A page and its cursor go in one transaction; every write is an
 * upsert that leaves a row untouched when nothing in it changed, so a repeated sync writes nothing.
 * Rows travel as one JSON array per table and statement ({@code jsonb_to_recordset}): one round trip
 * per page and table, whatever the page size.
 */
@Repository
public class CrmRecordStore {

    private final DatabaseClient db;
    private final TransactionalOperator transaction;
    private final RecordRows rows;
    private final Clock clock;

    public CrmRecordStore(DatabaseClient db, TransactionalOperator transaction, JsonMapper json, Clock clock) {
        this.db = db;
        this.transaction = transaction;
        this.rows = new RecordRows(json);
        this.clock = clock;
    }

    /**
     * Stores a page and, when it carries one, its cursor, in one transaction; emits what the store
     * changed beyond the page's own records (deletions by listing, a changed catalog).
     */
    public Mono<StoredPage> save(String connection, SyncPage page) {
        Mono<Long> catalog = Flux.concat(
                        upsert(connection, UpsertSql.PIPELINES, distinct(page.pipelines(), Pipeline::id), rows::pipeline),
                        upsert(connection, UpsertSql.STAGES, distinct(page.stages(), s -> s.pipeline() + '\u0000' + s.id()), rows::stage),
                        saveCurrencies(connection, page.currencies()))
                .reduce(0L, Long::sum);
        Mono<Long> records = Flux.concat(
                        upsert(connection, UpsertSql.REPS, distinct(page.reps(), Rep::id), rows::rep),
                        upsert(connection, UpsertSql.DEALS, distinct(page.deals(), Deal::id), rows::deal),
                        upsert(connection, UpsertSql.TRANSITIONS, distinct(page.transitions(), StageTransition::id), rows::transition),
                        upsert(connection, UpsertSql.ACTIVITIES, distinct(page.activities(), Activity::id), rows::activity),
                        saveMappedDimensions(connection, page.mappedDimensions()),
                        saveCursor(connection, page.cursor()))
                .reduce(0L, Long::sum);
        Flux<StoredPage.Reconciled> removals = Flux.concat(
                Flux.fromIterable(page.listings()).concatMap(listing -> reconcile(connection, listing)),
                Flux.fromArray(RecordKind.values()).concatMap(kind -> delete(connection, kind, page.deletions().stream()
                        .filter(ref -> ref.kind() == kind).map(RecordRef::id).toList())));
        Mono<StoredPage> writes = Mono.zip(catalog, records, removals.collectList())
                .map(done -> StoredPage.of(done.getT1() + done.getT2(), done.getT1() > 0, done.getT3()));
        return transaction.transactional(writes);
    }

    /** The stored cursor with the time it last moved. */
    public Mono<StoredCursor> storedCursor(String connection) {
        return db.sql("select cursor, updated_at from connection_cursor where connection = :connection")
                .bind("connection", connection)
                .map(row -> new StoredCursor(row.get("cursor", String.class), row.get("updated_at", java.time.Instant.class)))
                .one();
    }

    public record StoredCursor(String position, java.time.Instant updatedAt) {
    }

    public Mono<String> cursor(String connection) {
        return db.sql("select cursor from connection_cursor where connection = :connection")
                .bind("connection", connection)
                .map(row -> row.get("cursor", String.class))
                .one();
    }

    public Mono<RecordCounts> counts(String connection) {
        return db.sql("""
                        select (select count(*) from deal where connection = :c and not deleted) as deals,
                               (select count(*) from activity where connection = :c and not deleted) as activities,
                               (select count(*) from rep where connection = :c) as users""")
                .bind("c", connection)
                .map(row -> new RecordCounts(row.get("deals", Long.class), row.get("activities", Long.class),
                        row.get("users", Long.class)))
                .one();
    }

    private <T> Mono<Long> upsert(String connection, String sql, Collection<T> records,
                                  Function<T, Map<String, Object>> toRow) {
        if (records.isEmpty()) {
            return Mono.just(0L);
        }
        return db.sql(sql)
                .bind("connection", connection)
                .bind("rows", rows.json(records, toRow))
                .fetch()
                .rowsUpdated();
    }

    /** Marks the given records deleted (stage history: removed); emits what it touched. */
    private Mono<StoredPage.Reconciled> delete(String connection, RecordKind kind, java.util.List<String> ids) {
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        String sql = switch (kind) {
            case DEAL -> "update deal set deleted = true where connection = :connection and not deleted and id = any(:ids) returning id, id as deal";
            case ACTIVITY -> "update activity set deleted = true where connection = :connection and not deleted and id = any(:ids) returning id, deal";
            case STAGE_TRANSITION -> "delete from stage_transition where connection = :connection and id = any(:ids) returning id, deal";
        };
        return db.sql(sql)
                .bind("connection", connection)
                .bind("ids", ids.toArray(String[]::new))
                .map(row -> new StoredPage.Removed(connection, row.get("id", String.class), row.get("deal", String.class)))
                .all()
                .collectList()
                .map(removed -> new StoredPage.Reconciled(kind, removed));
    }

    /** Marks what a listing leaves out deleted (stage history: removed); emits what it touched. */
    private Mono<StoredPage.Reconciled> reconcile(String connection, Listing listing) {
        String sql = switch (listing.kind()) {
            case DEAL -> "update deal set deleted = true where connection = :connection and not deleted and not (id = any(:ids)) returning id, id as deal";
            case ACTIVITY -> "update activity set deleted = true where connection = :connection and not deleted and not (id = any(:ids)) returning id, deal";
            case STAGE_TRANSITION -> "delete from stage_transition where connection = :connection and not (id = any(:ids)) returning id, deal";
        };
        return db.sql(sql)
                .bind("connection", connection)
                .bind("ids", listing.ids().toArray(String[]::new))
                .map(row -> new StoredPage.Removed(connection, row.get("id", String.class), row.get("deal", String.class)))
                .all()
                .collectList()
                .map(removed -> new StoredPage.Reconciled(listing.kind(), removed));
    }

    /** The CRM's rates; a change counts as a catalog change (amounts convert anew). */
    private Mono<Long> saveCurrencies(String connection, io.planpilot.core.kpi.CrmCurrencies currencies) {
        if (currencies == null) {
            return Mono.just(0L);
        }
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("baseCurrency", currencies.baseCurrency());
        java.util.Map<String, String> rates = new java.util.TreeMap<>();
        currencies.rates().forEach((code, rate) -> rates.put(code, rate.toPlainString()));
        json.put("rates", rates);
        return db.sql("""
                        insert into connection_profile (connection, currencies) values (:connection, cast(:currencies as jsonb))
                        on conflict (connection) do update set currencies = excluded.currencies
                        where connection_profile.currencies is distinct from excluded.currencies""")
                .bind("connection", connection)
                .bind("currencies", rows.json(json))
                .fetch()
                .rowsUpdated();
    }

    private Mono<Long> saveMappedDimensions(String connection, java.util.Set<String> dimensions) {
        if (dimensions == null) {
            return Mono.just(0L);
        }
        return db.sql("""
                        insert into connection_profile (connection, mapped_dimensions) values (:connection, cast(:dimensions as jsonb))
                        on conflict (connection) do update set mapped_dimensions = excluded.mapped_dimensions
                        where connection_profile.mapped_dimensions is distinct from excluded.mapped_dimensions""")
                .bind("connection", connection)
                .bind("dimensions", rows.json(new java.util.TreeSet<>(dimensions)))
                .fetch()
                .rowsUpdated();
    }

    private Mono<Long> saveCursor(String connection, String cursor) {
        if (cursor == null) {
            return Mono.just(0L);
        }
        return db.sql("""
                        insert into connection_cursor (connection, cursor, updated_at) values (:connection, :cursor, :now)
                        on conflict (connection) do update set cursor = excluded.cursor, updated_at = excluded.updated_at
                        where connection_cursor.cursor is distinct from excluded.cursor""")
                .bind("connection", connection)
                .bind("cursor", cursor)
                .bind("now", clock.instant())
                .fetch()
                .rowsUpdated();
    }

    /** The last record of each id wins: a page may carry the same record twice. */
    private static <T> Collection<T> distinct(List<T> records, Function<T, String> id) {
        if (records.size() < 2) {
            return records;
        }
        Map<String, T> byId = new LinkedHashMap<>();
        records.forEach(record -> byId.put(id.apply(record), record));
        return byId.values();
    }

    public record RecordCounts(long deals, long activities, long users) {
    }
}
