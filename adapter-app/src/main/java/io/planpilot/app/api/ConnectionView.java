package io.planpilot.app.api;

import io.planpilot.app.store.CrmRecordStore.RecordCounts;
import io.planpilot.app.sync.SyncRun;
import io.planpilot.core.connector.ConnectorStatus;

import java.time.Instant;

/**
 * A connection as {@code GET /api/v1/connections} shows it: CONTRACT.md's fields, and for the
 * admin where its sync stands (the cursor), how its calls fare (limiter and breaker) and the last
 * error in words.
 */
public record ConnectionView(String id, String type, State state, SyncRun lastSync, RecordCounts counts,
                             Cursor cursor, ConnectorStatus calls, LastError lastError) {

    /** The stored cursor (opaque, connector-specific) and when it last moved. */
    public record Cursor(String position, Instant updatedAt) {
    }

    /** The most recent failed run's error. */
    public record LastError(long runId, Instant at, String message) {
    }

    public enum State {
        IDLE, SYNCING, FAILING;

        public static State of(SyncRun latest) {
            if (latest == null) {
                return IDLE;
            }
            return switch (latest.status()) {
                case RUNNING -> SYNCING;
                case FAILED -> FAILING;
                case SUCCEEDED -> IDLE;
            };
        }
    }
}
