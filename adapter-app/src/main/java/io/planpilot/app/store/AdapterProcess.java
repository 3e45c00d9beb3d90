package io.planpilot.app.store;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * This adapter process among those sharing the database ({@code adapter_process}): its id, and a
 * heartbeat the others read to tell a process that works from one that died.
 */
@Repository
public class AdapterProcess {

    /** How often a process beats. */
    public static final Duration BEAT = Duration.ofSeconds(5);
    /** A process that has not beaten for this long is taken for dead. */
    public static final Duration SILENCE = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final UUID id = UUID.randomUUID();

    public AdapterProcess(DatabaseClient db) {
        this.db = db;
    }

    public UUID id() {
        return id;
    }

    /** Says this process is alive now (the first beat registers it). */
    public Mono<Long> beat(Instant now) {
        return db.sql("""
                        insert into adapter_process (id, started_at, seen_at) values (:id, :now, :now)
                        on conflict (id) do update set seen_at = excluded.seen_at""")
                .bind("id", id).bind("now", now)
                .fetch().rowsUpdated();
    }

    /** Forgets processes silent for a day (their runs were failed long ago). */
    public Mono<Long> forgetGone(Instant now) {
        return db.sql("delete from adapter_process where seen_at < :before").bind("before", now.minus(Duration.ofDays(1)))
                .fetch().rowsUpdated();
    }
}
