package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * One scan of the deals that tallies every row of a dimension: each deal goes to its key (under
 * {@code product}, to each of its line products with the line's amount).
 */
final class RowTallies {

    private final Scope scope;
    private final Dimension dimension;
    private final Map<Integer, RowTally> tallies = new HashMap<>();

    RowTallies(Scope scope, Dimension dimension, StageProbabilities probabilities) {
        this.scope = scope;
        this.dimension = dimension;
        DealColumns deals = scope.deals;
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (!scope.exists(row)) {
                continue;
            }
            boolean createdInPeriod = scope.createdIn(row, scope.periodStart, scope.periodEnd);
            boolean closedInPeriod = scope.closedIn(row, scope.periodStart, scope.periodEnd);
            boolean closedInLookback = scope.closedIn(row, scope.lookbackStart, scope.lookbackEnd);
            boolean open = scope.inOpenSet(row);
            if (!createdInPeriod && !closedInPeriod && !closedInLookback && !open) {
                continue;
            }
            boolean won = scope.statusAt(row) == DealColumns.WON;
            long cycle = closedInPeriod || closedInLookback ? deals.closed[row] - deals.created[row] : 0;
            BigDecimal probability = open ? probabilities.of(row) : null;
            if (dimension == Dimension.PRODUCT) {
                int[] products = deals.lineProducts[row];
                BigDecimal[] amounts = deals.lineAmounts[row];
                for (int line = 0; line < products.length; line++) {
                    add(tally(products[line]), createdInPeriod, closedInPeriod, closedInLookback, open, won, amounts[line],
                            cycle, probability);
                }
            } else {
                add(tally(keyOf(row)), createdInPeriod, closedInPeriod, closedInLookback, open, won, deals.amount[row],
                        cycle, probability);
            }
        }
    }

    private static void add(RowTally tally, boolean createdInPeriod, boolean closedInPeriod, boolean closedInLookback,
                            boolean open, boolean won, BigDecimal amount, long cycle, BigDecimal probability) {
        if (createdInPeriod) {
            tally.createdInPeriod();
        }
        if (closedInPeriod) {
            tally.closedInPeriod(won, amount, cycle);
        }
        if (closedInLookback) {
            tally.closedInLookback(won, amount, cycle);
        }
        if (open) {
            tally.open(amount, probability);
        }
    }

    /** The value number of a deal under this dimension (not for product, which has lines). */
    int keyOf(int row) {
        DealColumns deals = scope.deals;
        return switch (dimension) {
            case DEPARTMENT -> 0;
            case REGION -> deals.region[row];
            case SEGMENT -> deals.segment[row];
            case REP -> deals.owner[row];
            case PIPELINE -> deals.pipeline[row];
            case PRODUCT -> throw new IllegalStateException("a deal has several products");
        };
    }

    RowTally tally(int key) {
        return tallies.computeIfAbsent(key, k -> new RowTally());
    }

    Map<Integer, RowTally> all() {
        return tallies;
    }
}
