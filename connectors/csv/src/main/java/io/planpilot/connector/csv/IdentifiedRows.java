package io.planpilot.connector.csv;

import io.planpilot.core.connector.SyncWarning;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Streams the rows of a file whose records carry an id (deals, activities): a second row with an id
 * already seen, a malformed row and a row whose cells do not parse are warnings and are skipped,
 * and every id that could be read is kept for the listing, so a bad row never deletes a record.
 */
final class IdentifiedRows {

    /** Reads one good row into a record. */
    @FunctionalInterface
    interface RowReader {
        void read(CsvRow row) throws BadCellException;
    }

    private IdentifiedRows() {
    }

    /** @return the id of every row whose id could be read, good or bad */
    static Set<String> read(CsvTable table, String idColumn, String noun, Consumer<SyncWarning> warnings, RowReader reader) {
        Map<String, Long> lineOfId = new HashMap<>();
        table.forEachRow(row -> {
            String id = row.text(idColumn);
            if (id != null) {
                Long first = lineOfId.putIfAbsent(id, row.line());
                if (first != null) {
                    warnings.accept(row.warning(idColumn, noun + " '" + id + "' is already on line " + first
                            + "; this row is skipped"));
                    return;
                }
            }
            String shape = row.shapeProblem();
            if (shape != null) {
                warnings.accept(row.warning(null, shape));
                return;
            }
            try {
                reader.read(row);
            } catch (BadCellException e) {
                warnings.accept(row.warning(e));
            }
        });
        return lineOfId.keySet();
    }
}
