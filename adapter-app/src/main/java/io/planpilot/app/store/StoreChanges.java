package io.planpilot.app.store;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

import java.time.Instant;
import java.util.UUID;

/**
 * The order in which adapter processes stored CRM records ({@code store_change}): what lets replicas
 * sharing one database see each other's changes. This process writes under an id of its own.
 */
@Repository
public class StoreChanges {

    private final DatabaseClient db;
    private final UUID me;

    public StoreChanges(DatabaseClient db, AdapterProcess process) {
        this.db = db;
        this.me = process.id();
    }

    /** The latest change stored by any process; 0 when none. */
    public Mono<Long> latest() {
        return db.sql("select coalesce(max(seq), 0) as latest from store_change").map(row -> row.get("latest", Long.class)).one();
    }

    /** Notes that this process stored records of the connection. */
    public Mono<Long> record(String connection, Instant now) {
        return db.sql("insert into store_change (writer, connection, stored_at) values (:me, :connection, :now)")
                .bind("me", me).bind("connection", connection).bind("now", now)
                .fetch().rowsUpdated();
    }

    /** The changes after {@code seq}: the latest one, and whether another process made any of them. */
    public record Since(long latest, boolean byOthers) {
    }

    public Mono<Since> since(long seq) {
        return db.sql("""
                        select coalesce(max(seq), :seq) as latest, coalesce(bool_or(writer <> :me), false) as others
                        from store_change where seq > :seq""")
                .bind("seq", seq).bind("me", me)
                .map(row -> new Since(row.get("latest", Long.class), row.get("others", Boolean.class)))
                .one();
    }

    /** Deletes changes stored before {@code before}; emits how many. */
    public Mono<Long> purge(Instant before) {
        return db.sql("delete from store_change where stored_at < :before").bind("before", before).fetch().rowsUpdated();
    }
}
