package io.planpilot.connector.csv;

import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.Rep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads users.csv: {@code id}, {@code name}, {@code email}, {@code active} ({@code true} or
 * {@code false}, case-insensitive; empty means true), {@code team}. A bad row, or a second row for
 * the same id, is skipped with a warning.
 */
final class UsersCsvReader {

    private static final String ID = "id";
    private static final String NAME = "name";
    private static final String EMAIL = "email";
    private static final String ACTIVE = "active";
    private static final String TEAM = "team";

    private final String connection;

    UsersCsvReader(String connection) {
        this.connection = connection;
    }

    /** The reps, and the warnings of the rows that were skipped. */
    record Result(List<Rep> reps, List<SyncWarning> warnings) {
    }

    Result read(CsvTable table) {
        List<Rep> reps = new ArrayList<>();
        List<SyncWarning> warnings = new ArrayList<>();
        Map<String, Long> lineOfId = new HashMap<>();
        table.forEachRow(row -> {
            String shape = row.shapeProblem();
            if (shape != null) {
                warnings.add(row.warning(null, shape));
                return;
            }
            try {
                String id = row.required(ID);
                String name = row.required(NAME);
                Boolean active = row.convert(ACTIVE, UsersCsvReader::flag);
                Long first = lineOfId.putIfAbsent(id, row.line());
                if (first != null) {
                    warnings.add(row.warning(ID, "user '" + id + "' is already on line " + first
                            + "; this row is skipped"));
                    return;
                }
                reps.add(new Rep(connection, id, name, row.text(EMAIL), active == null || active, row.text(TEAM)));
            } catch (BadCellException e) {
                warnings.add(row.warning(e));
            }
        });
        return new Result(reps, warnings);
    }

    private static Boolean flag(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new BadCellException("not true or false: '" + value + "'");
        };
    }
}
