package io.planpilot.app.sync;

import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.app.store.AdapterProcess;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** A run whose adapter process stopped beating is failed; a run of a process that beats is left alone. */
class AdapterHeartbeatTest extends AdapterIntegrationTest {

    @Autowired
    AdapterProcess process;

    @Test
    void aRunCutOffByADeadProcessIsFailedAndALiveProcesssRunIsNot() throws InterruptedException {
        UUID dead = UUID.randomUUID();
        Instant longAgo = Instant.now().minus(Duration.ofMinutes(5));
        db.sql("insert into adapter_process (id, started_at, seen_at) values (:id, :at, :at)").bind("id", dead).bind("at", longAgo)
                .fetch().rowsUpdated().block();
        long cutOff = insertRunningRun("ghost-a", dead);
        long alive = insertRunningRun("ghost-b", process.id());

        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!"FAILED".equals(status(cutOff)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }

        assertThat(status(cutOff)).isEqualTo("FAILED");
        assertThat(db.sql("select error from sync_run where id = :id").bind("id", cutOff).map(row -> row.get(0, String.class)).one().block())
                .isEqualTo(AdapterHeartbeat.CUT_OFF);
        assertThat(status(alive)).isEqualTo("RUNNING");
        db.sql("update sync_run set status = 'SUCCEEDED', finished_at = now() where id = :id").bind("id", alive).fetch().rowsUpdated().block();
    }

    private long insertRunningRun(String connection, UUID owner) {
        return db.sql("insert into sync_run (connection, mode, status, started_at, owner) values (:c, 'INCREMENTAL', 'RUNNING', now(), :o) returning id")
                .bind("c", connection).bind("o", owner).map(row -> row.get(0, Long.class)).one().block();
    }

    private String status(long id) {
        return db.sql("select status from sync_run where id = :id").bind("id", id).map(row -> row.get(0, String.class)).one().block();
    }
}
