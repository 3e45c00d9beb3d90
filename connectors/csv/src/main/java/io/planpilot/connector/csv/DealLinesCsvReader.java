package io.planpilot.connector.csv;

import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.ProductLine;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads deal_lines.csv: {@code deal}, {@code product}, {@code amount} (in the deal's currency). Rows
 * of one deal stay separate lines in file order, even for the same product (the KPI engine adds
 * them up). A bad row is skipped with a warning.
 */
final class DealLinesCsvReader {

    private static final String DEAL = "deal";
    private static final String PRODUCT = "product";
    private static final String AMOUNT = "amount";

    /** The lines by deal id, and where each deal's first line is (to point at lines of unknown deals). */
    static final class DealLines {
        private final Map<String, List<ProductLine>> byDeal = new HashMap<>();
        private final Map<String, Long> firstLine = new LinkedHashMap<>();
        private final List<SyncWarning> warnings = new ArrayList<>();

        static DealLines none() {
            return new DealLines();
        }

        List<ProductLine> of(String deal) {
            return byDeal.getOrDefault(deal, List.of());
        }

        /** The warnings of bad rows. */
        List<SyncWarning> warnings() {
            return warnings;
        }

        /** A warning for each deal with lines that is not among {@code dealIds}. */
        List<SyncWarning> linesOfUnknownDeals(Set<String> dealIds) {
            List<SyncWarning> unknown = new ArrayList<>();
            firstLine.forEach((deal, line) -> {
                if (!dealIds.contains(deal)) {
                    unknown.add(new SyncWarning(CsvFile.DEAL_LINES.fileName(), line, DEAL,
                            "no deal '" + deal + "' in deals.csv; its lines are ignored"));
                }
            });
            return unknown;
        }
    }

    DealLines read(CsvTable table) {
        DealLines lines = new DealLines();
        table.forEachRow(row -> {
            String shape = row.shapeProblem();
            if (shape != null) {
                lines.warnings.add(row.warning(null, shape));
                return;
            }
            try {
                String deal = row.required(DEAL);
                String product = row.required(PRODUCT);
                BigDecimal amount = row.present(AMOUNT, row.decimal(AMOUNT));
                lines.byDeal.computeIfAbsent(deal, d -> new ArrayList<>()).add(new ProductLine(product, amount));
                lines.firstLine.putIfAbsent(deal, row.line());
            } catch (BadCellException e) {
                lines.warnings.add(row.warning(e));
            }
        });
        return lines;
    }
}
