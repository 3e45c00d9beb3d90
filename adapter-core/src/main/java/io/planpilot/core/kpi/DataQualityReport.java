package io.planpilot.core.kpi;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** CRM hygiene, deal by deal (KPI.md, "Data quality"): deals open at t and deals closed in P. */
final class DataQualityReport {

    static final String NO_AMOUNT = "NO_AMOUNT";
    static final String NO_OWNER = "NO_OWNER";
    static final String UNKNOWN_CURRENCY = "UNKNOWN_CURRENCY";
    static final String PAST_EXPECTED_CLOSE = "PAST_EXPECTED_CLOSE";
    static final String NO_ACTIVITY = "NO_ACTIVITY";
    static final String MISSING_DIMENSION = "MISSING_DIMENSION:";
    private static final List<String> DIMENSIONS = List.of("region", "segment", "product");

    private final Scope scope;

    DataQualityReport(Scope scope) {
        this.scope = scope;
    }

    DataQuality report() {
        List<String> issues = issueNames();
        Map<String, Long> counts = zeros(issues);
        Map<String, Map<String, Long>> byRep = new TreeMap<>();
        List<DataQuality.Item> items = new ArrayList<>();
        DealColumns deals = scope.deals;
        int today = (int) scope.today.toEpochDay();
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (!scope.exists(row)) {
                continue;
            }
            byte status = scope.statusAt(row);
            boolean open = status == DealColumns.OPEN;
            if (!open && !scope.closedIn(row, scope.periodStart, scope.periodEnd)) {
                continue;
            }
            List<String> found = new ArrayList<>();
            if (status != DealColumns.LOST && deals.noAmount[row]) {
                found.add(NO_AMOUNT);
            }
            if (deals.owner[row] < 0) {
                found.add(NO_OWNER);
            }
            if (deals.unknownCurrency[row]) {
                found.add(UNKNOWN_CURRENCY);
            }
            if (open && deals.expectedClose[row] != DealColumns.NO_DATE && deals.expectedClose[row] < today) {
                found.add(PAST_EXPECTED_CLOSE);
            }
            if (open && scope.stale(row)) {
                found.add(NO_ACTIVITY);
            }
            Set<String> mapped = scope.snapshot.mappedDimensions.getOrDefault(
                    scope.catalog.connections.get(deals.connection[row]), Set.of());
            for (String dimension : DIMENSIONS) {
                if (mapped.contains(dimension) && missing(row, dimension)) {
                    found.add(MISSING_DIMENSION + dimension);
                }
            }
            String rep = scope.keys.repKey(deals.owner[row]);
            Map<String, Long> repCounts = byRep.computeIfAbsent(rep, k -> zeros(issues));
            String dealId = scope.keys.dealId(deals.connection[row], deals.id[row]);
            for (String issue : found) {
                counts.merge(issue, 1L, Long::sum);
                repCounts.merge(issue, 1L, Long::sum);
                items.add(new DataQuality.Item(dealId, rep, issue));
            }
        }
        // by deal id, each deal's issues in their fixed order (the sort is stable)
        items.sort(java.util.Comparator.comparing(DataQuality.Item::dealId));
        return new DataQuality(counts, byRep, items);
    }

    private boolean missing(int row, String dimension) {
        return switch (dimension) {
            case "region" -> scope.deals.region[row] < 0;
            case "segment" -> scope.deals.segment[row] < 0;
            default -> scope.deals.productField[row] < 0;
        };
    }

    /** Every issue name in scope: the fixed ones and one per dimension a connection in scope maps. */
    private List<String> issueNames() {
        List<String> names = new ArrayList<>(List.of(NO_AMOUNT, NO_OWNER, UNKNOWN_CURRENCY, PAST_EXPECTED_CLOSE, NO_ACTIVITY));
        Set<String> mapped = new TreeSet<>();
        scope.snapshot.mappedDimensions.forEach((connection, dimensions) -> {
            if (scope.connection < 0 || connection.equals(scope.connectionId)) {
                mapped.addAll(dimensions);
            }
        });
        for (String dimension : DIMENSIONS) {
            if (mapped.contains(dimension)) {
                names.add(MISSING_DIMENSION + dimension);
            }
        }
        return names;
    }

    private static Map<String, Long> zeros(List<String> issues) {
        Map<String, Long> zeros = new LinkedHashMap<>();
        issues.forEach(issue -> zeros.put(issue, 0L));
        return zeros;
    }
}
