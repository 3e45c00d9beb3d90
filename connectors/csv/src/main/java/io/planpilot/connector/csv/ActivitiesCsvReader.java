package io.planpilot.connector.csv;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads activities.csv: {@code id}, {@code type} ({@code CALL}, {@code MEETING}, {@code EMAIL},
 * {@code TASK}, {@code OTHER}, case-insensitive), {@code owner}, {@code deal}, {@code created_at},
 * {@code due_at}, {@code completed_at}. A {@code due_at} that is a date without a time is the end of
 * that local day (KPI.md). A row that does not parse is skipped with a warning, its id still listed;
 * a second row with the same id is skipped with a warning.
 */
final class ActivitiesCsvReader {

    private static final String ID = "id";
    private static final String TYPE = "type";
    private static final String OWNER = "owner";
    private static final String DEAL = "deal";
    private static final String CREATED_AT = "created_at";
    private static final String DUE_AT = "due_at";
    private static final String COMPLETED_AT = "completed_at";

    private final String connection;
    private final CsvTimeParser times;

    ActivitiesCsvReader(String connection, CsvTimeParser times) {
        this.connection = connection;
        this.times = times;
    }

    /**
     * Streams the activities into {@code out}, with the warnings of bad rows.
     *
     * @return the id of every row whose id could be read, good or bad
     */
    Set<String> read(CsvTable table, SyncPageAssembler out) {
        return IdentifiedRows.read(table, ID, "activity", out::warning, row -> out.activity(activity(row)));
    }

    private Activity activity(CsvRow row) {
        String id = row.required(ID);
        ActivityType type = row.present(TYPE, row.constant(TYPE, ActivityType.class));
        Instant createdAt = row.present(CREATED_AT, row.instant(CREATED_AT, times));
        Instant dueAt = row.convert(DUE_AT, times::dueAt);
        Instant completedAt = row.instant(COMPLETED_AT, times);
        return new Activity(connection, id, type, row.text(OWNER), row.text(DEAL), createdAt, dueAt, completedAt,
                false);
    }
}
