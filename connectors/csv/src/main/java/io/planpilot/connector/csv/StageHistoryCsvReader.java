package io.planpilot.connector.csv;

import io.planpilot.core.domain.StageTransition;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads stage_history.csv: {@code deal}, {@code stage}, {@code entered_at}. Each row is a
 * {@link StageTransition} whose id is {@code deal|stage|enteredAt} (the instant in ISO-8601, UTC),
 * since the file has no id of its own; a second row with the same id is skipped with a warning. The
 * history only feeds the funnel: a deal's own {@code closed_at} decides its {@code closedAt}.
 */
final class StageHistoryCsvReader {

    private static final String DEAL = "deal";
    private static final String STAGE = "stage";
    private static final String ENTERED_AT = "entered_at";

    private final String connection;
    private final CsvTimeParser times;

    StageHistoryCsvReader(String connection, CsvTimeParser times) {
        this.connection = connection;
        this.times = times;
    }

    static String transitionId(String deal, String stage, Instant enteredAt) {
        return deal + "|" + stage + "|" + enteredAt;
    }

    /**
     * Streams the transitions into {@code out}, with the warnings of bad rows.
     *
     * @return the ids of the transitions read
     */
    Set<String> read(CsvTable table, SyncPageAssembler out) {
        Map<String, Long> lineOfId = new HashMap<>();
        table.forEachRow(row -> {
            String shape = row.shapeProblem();
            if (shape != null) {
                out.warning(row.warning(null, shape));
                return;
            }
            try {
                String deal = row.required(DEAL);
                String stage = row.required(STAGE);
                Instant enteredAt = row.present(ENTERED_AT, row.instant(ENTERED_AT, times));
                String id = transitionId(deal, stage, enteredAt);
                Long first = lineOfId.putIfAbsent(id, row.line());
                if (first != null) {
                    out.warning(row.warning(null, "the same entry as line " + first + "; this row is skipped"));
                    return;
                }
                out.transition(new StageTransition(connection, id, deal, stage, enteredAt));
            } catch (BadCellException e) {
                out.warning(row.warning(e));
            }
        });
        return lineOfId.keySet();
    }
}
