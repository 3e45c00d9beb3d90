package io.planpilot.connector.csv;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The files of a CSV export folder (CONTRACT.md, "CSV connector format"): their names, the columns
 * the connector knows and which of those a header must have.
 */
public enum CsvFile {
    STAGES("stages", true,
            List.of("pipeline", "pipeline_name", "stage", "name", "sort", "semantic", "probability"),
            Set.of("pipeline", "stage", "sort", "semantic")),
    USERS("users", true,
            List.of("id", "name", "email", "active", "team"),
            Set.of("id", "name")),
    DEALS("deals", true,
            List.of("id", "title", "pipeline", "stage", "amount", "currency", "owner", "created_at", "closed_at",
                    "expected_close", "updated_at", "region", "segment", "product"),
            Set.of("id", "pipeline", "stage", "created_at")),
    STAGE_HISTORY("stage_history", false,
            List.of("deal", "stage", "entered_at"),
            Set.of("deal", "stage", "entered_at")),
    DEAL_LINES("deal_lines", false,
            List.of("deal", "product", "amount"),
            Set.of("deal", "product", "amount")),
    ACTIVITIES("activities", false,
            List.of("id", "type", "owner", "deal", "created_at", "due_at", "completed_at"),
            Set.of("id", "type", "created_at"));

    private final String key;
    private final boolean required;
    private final List<String> columns;
    private final Set<String> requiredColumns;

    CsvFile(String key, boolean required, List<String> columns, Set<String> requiredColumns) {
        this.key = key;
        this.required = required;
        this.columns = columns;
        this.requiredColumns = requiredColumns;
    }

    /** The name used under the {@code columns.} option: the file name without {@code .csv}. */
    public String key() {
        return key;
    }

    public String fileName() {
        return key + ".csv";
    }

    /** Whether the folder must have the file. */
    public boolean required() {
        return required;
    }

    /** The columns the connector reads, in the order CONTRACT.md lists them. */
    public List<String> columns() {
        return columns;
    }

    public boolean isRequiredColumn(String column) {
        return requiredColumns.contains(column);
    }

    public static Optional<CsvFile> byKey(String key) {
        return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst();
    }
}
