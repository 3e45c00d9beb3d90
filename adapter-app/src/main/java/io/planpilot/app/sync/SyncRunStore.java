package io.planpilot.app.sync;

import io.planpilot.app.store.AdapterProcess;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncWarning;
import io.r2dbc.spi.Readable;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;

/** Sync runs in PostgreSQL; a partial unique index keeps one RUNNING run per connection. */
@Repository
public class SyncRunStore {

    private static final TypeReference<List<SyncWarning>> WARNINGS = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final JsonMapper json;
    private final Clock clock;

    private final AdapterProcess process;

    public SyncRunStore(DatabaseClient db, JsonMapper json, Clock clock, AdapterProcess process) {
        this.process = process;
        this.db = db;
        this.json = json;
        this.clock = clock;
    }

    /** Starts a run, or emits the one already running for the connection (with {@code started} false). */
    public Mono<Started> start(String connection, SyncMode mode) {
        Mono<Started> insert = db.sql("""
                        insert into sync_run (connection, mode, status, started_at, owner)
                        values (:connection, :mode, 'RUNNING', :now, :owner) returning *""")
                .bind("connection", connection)
                .bind("owner", process.id())
                .bind("mode", mode.name())
                .bind("now", clock.instant())
                .map(this::run)
                .one()
                .map(run -> new Started(run, true));
        return insert.onErrorResume(DataIntegrityViolationException.class,
                e -> running(connection).map(run -> new Started(run, false)));
    }

    public Mono<SyncRun> running(String connection) {
        return db.sql("select * from sync_run where connection = :connection and status = 'RUNNING'")
                .bind("connection", connection)
                .map(this::run)
                .one();
    }

    public Mono<SyncRun> finish(long runId, SyncRun.Status status, long deals, long activities, String error,
                                List<SyncWarning> warnings, long warningCount) {
        return db.sql("""
                        update sync_run set status = :status, finished_at = :now, deals = :deals, activities = :activities,
                               error = :error, warnings = cast(:warnings as jsonb), warning_count = :warningCount
                        where id = :id returning *""")
                .bind("status", status.name())
                .bind("now", clock.instant())
                .bind("deals", (int) deals)
                .bind("activities", (int) activities)
                .bind("error", error == null ? "" : error)
                .bind("warnings", json.writeValueAsString(warnings))
                .bind("warningCount", (int) warningCount)
                .bind("id", runId)
                .map(this::run)
                .one();
    }

    public Mono<SyncRun> find(long runId) {
        return db.sql("select * from sync_run where id = :id").bind("id", runId).map(this::run).one();
    }

    public Mono<SyncRun> latest(String connection) {
        return db.sql("select * from sync_run where connection = :connection order by id desc limit 1")
                .bind("connection", connection)
                .map(this::run)
                .one();
    }

    public Mono<SyncRun> lastFailed(String connection) {
        return db.sql("select * from sync_run where connection = :connection and status = 'FAILED' order by id desc limit 1")
                .bind("connection", connection)
                .map(this::run)
                .one();
    }

    /** Runs left RUNNING by a process that stopped mid-run are marked FAILED, so the next can start. */
    /**
     * Fails the runs left RUNNING by a process that stopped beating (it died or was stopped mid-run);
     * a run of a process that works, this one or another replica, is left alone.
     */
    public Mono<Long> failAbandoned(String reason) {
        Instant now = clock.instant();
        return db.sql("""
                        update sync_run set status = 'FAILED', finished_at = :now, error = :reason
                        where status = 'RUNNING'
                          and (owner is null or owner not in (select id from adapter_process where seen_at > :alive))""")
                .bind("now", now)
                .bind("alive", now.minus(AdapterProcess.SILENCE))
                .bind("reason", reason)
                .fetch()
                .rowsUpdated();
    }

    private SyncRun run(Readable row) {
        String error = row.get("error", String.class);
        return new SyncRun(
                row.get("id", Long.class),
                row.get("connection", String.class),
                SyncMode.valueOf(row.get("mode", String.class)),
                SyncRun.Status.valueOf(row.get("status", String.class)),
                instant(row.get("started_at", OffsetDateTime.class)),
                instant(row.get("finished_at", OffsetDateTime.class)),
                row.get("deals", Integer.class),
                row.get("activities", Integer.class),
                error == null || error.isEmpty() ? null : error,
                json.readValue(row.get("warnings", String.class), WARNINGS),
                row.get("warning_count", Integer.class));
    }

    private static Instant instant(OffsetDateTime value) {
        return value == null ? null : value.toInstant();
    }

    /** A run and whether this call started it. */
    public record Started(SyncRun run, boolean started) {
    }
}
