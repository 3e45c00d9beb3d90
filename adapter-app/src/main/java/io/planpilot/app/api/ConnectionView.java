package io.planpilot.app.api;

import io.planpilot.app.store.CrmRecordStore.RecordCounts;
import io.planpilot.app.sync.SyncRun;

/** A connection as {@code GET /api/v1/connections} shows it. */
public record ConnectionView(String id, String type, State state, SyncRun lastSync, RecordCounts counts) {

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
