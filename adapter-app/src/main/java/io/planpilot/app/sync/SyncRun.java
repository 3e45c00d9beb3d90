package io.planpilot.app.sync;

import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncWarning;

import java.time.Instant;
import java.util.List;

/**
 * One sync of one connection, as CONTRACT.md shows it. {@code deals} and {@code activities} count
 * the records read in the run; {@code warnings} holds the first {@value #WARNINGS_KEPT} skipped rows,
 * {@code warningCount} all of them.
 */
public record SyncRun(long runId, String connection, SyncMode mode, Status status, Instant startedAt,
                      Instant finishedAt, long deals, long activities, String error, List<SyncWarning> warnings,
                      long warningCount) {

    public static final int WARNINGS_KEPT = 100;

    public enum Status {
        RUNNING, SUCCEEDED, FAILED
    }

    public SyncRun {
        warnings = List.copyOf(warnings);
    }
}
