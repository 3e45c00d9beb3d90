package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One scan of the deals that tallies every row of a dimension: each deal goes to its key (under
 * {@code product}, to each of its line products with the line's amount).
 */
final class RowTallies {

    private final Scope scope;
    private final Dimension dimension;
    /** By value + 1 (a missing value is -1). */
    private final RowTally[] tallies;

    /** p(s) as learned in this scan. */
    private final StageProbabilities probabilities;

    /** Tallies every row and, in the same scan, learns p(s) from the deals closed in the lookback window. */
    RowTallies(Scope scope, Dimension dimension) {
        this.scope = scope;
        this.dimension = dimension;
        this.tallies = new RowTally[DimensionValues.count(scope.catalog, dimension) + 1];
        long[][] reached = StageProbabilities.newCounts(scope.catalog);
        long[][] wonReached = StageProbabilities.newCounts(scope.catalog);
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
            if (closedInLookback) {
                StageProbabilities.count(scope, row, reached, wonReached);
            }
            boolean won = scope.statusAt(row) == DealColumns.WON;
            long cycle = closedInPeriod || closedInLookback ? deals.closed[row] - deals.created[row] : 0;
            int stage = open ? scope.stageAt(row) : -1;
            BigDecimal own = open ? deals.crmProbability[row] : null;
            if (dimension == Dimension.PRODUCT) {
                int[] products = deals.lineProducts[row];
                BigDecimal[] amounts = deals.lineAmounts[row];
                for (int line = 0; line < products.length; line++) {
                    add(tally(products[line]), createdInPeriod, closedInPeriod, closedInLookback, open, won, amounts[line],
                            MoneySum.toUnits(amounts[line]), cycle, stage, own);
                }
            } else {
                add(tally(DimensionValues.of(deals, dimension, row)), createdInPeriod, closedInPeriod, closedInLookback, open, won, deals.amount[row],
                        deals.amountUnits[row], cycle, stage, own);
            }
        }
        this.probabilities = new StageProbabilities(scope, reached, wonReached);
        for (RowTally tally : tallies) {
            if (tally != null) {
                tally.weighStages(probabilities::ofStage);
            }
        }
    }

    private static void add(RowTally tally, boolean createdInPeriod, boolean closedInPeriod, boolean closedInLookback,
                            boolean open, boolean won, BigDecimal amount, long units, long cycle, int stage,
                            BigDecimal ownProbability) {
        if (createdInPeriod) {
            tally.createdInPeriod();
        }
        if (closedInPeriod) {
            tally.closedInPeriod(won, amount, units, cycle);
        }
        if (closedInLookback) {
            tally.closedInLookback(won, amount, units, cycle);
        }
        if (open) {
            tally.open(stage, amount, units, ownProbability);
        }
    }

    RowTally tally(int key) {
        RowTally tally = tallies[key + 1];
        if (tally == null) {
            tally = new RowTally();
            tallies[key + 1] = tally;
        }
        return tally;
    }

    /** The tallies by value, in value order. */
    Map<Integer, RowTally> all() {
        Map<Integer, RowTally> all = new java.util.LinkedHashMap<>();
        for (int i = 0; i < tallies.length; i++) {
            if (tallies[i] != null) {
                all.put(i - 1, tallies[i]);
            }
        }
        return all;
    }
}
