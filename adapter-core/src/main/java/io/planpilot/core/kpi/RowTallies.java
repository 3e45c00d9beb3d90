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

    /**
     * Below this many deal rows one thread scans them all; above, the rows are split between the
     * caller and one pool thread (the machines this runs on have at least two cores), and the two
     * tallies are merged exactly.
     */
    static int splitAbove = Integer.getInteger("planpilot.kpi.split-above", 200_000);

    /** Tallies every row and, in the same scan, learns p(s) from the deals closed in the lookback window. */
    RowTallies(Scope scope, Dimension dimension) {
        this.scope = scope;
        this.dimension = dimension;
        int rows = scope.snapshot.dealCount;
        Part whole;
        if (rows > splitAbove && Runtime.getRuntime().availableProcessors() > 1) {
            int middle = rows / 2;
            java.util.concurrent.CompletableFuture<Part> second =
                    java.util.concurrent.CompletableFuture.supplyAsync(() -> scan(middle, rows));
            whole = scan(0, middle).merge(second.join());
        } else {
            whole = scan(0, rows);
        }
        this.tallies = whole.tallies;
        this.probabilities = new StageProbabilities(scope, whole.reached, whole.wonReached);
        for (RowTally tally : tallies) {
            if (tally != null) {
                tally.weighStages(probabilities::ofStage);
            }
        }
    }

    /** The tallies of a range of rows, and the p(s) counts of its deals closed in the lookback window. */
    private record Part(RowTally[] tallies, long[][] reached, long[][] wonReached) {
        Part merge(Part other) {
            for (int i = 0; i < tallies.length; i++) {
                if (tallies[i] == null) {
                    tallies[i] = other.tallies[i];
                } else if (other.tallies[i] != null) {
                    tallies[i].merge(other.tallies[i]);
                }
            }
            for (int p = 0; p < reached.length; p++) {
                for (int rank = 0; rank < reached[p].length; rank++) {
                    reached[p][rank] += other.reached[p][rank];
                    wonReached[p][rank] += other.wonReached[p][rank];
                }
            }
            return this;
        }
    }

    private Part scan(int from, int to) {
        RowTally[] part = new RowTally[DimensionValues.count(scope.catalog, dimension) + 1];
        long[][] reached = StageProbabilities.newCounts(scope.catalog);
        long[][] wonReached = StageProbabilities.newCounts(scope.catalog);
        DealColumns deals = scope.deals;
        for (int row = from; row < to; row++) {
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
                    add(tally(part, products[line]), createdInPeriod, closedInPeriod, closedInLookback, open, won,
                            amounts[line], MoneySum.toUnits(amounts[line]), cycle, stage, own);
                }
            } else {
                add(tally(part, DimensionValues.of(deals, dimension, row)), createdInPeriod, closedInPeriod,
                        closedInLookback, open, won, deals.amount[row], deals.amountUnits[row], cycle, stage, own);
            }
        }
        return new Part(part, reached, wonReached);
    }

    private static RowTally tally(RowTally[] tallies, int key) {
        RowTally tally = tallies[key + 1];
        if (tally == null) {
            tally = new RowTally();
            tallies[key + 1] = tally;
        }
        return tally;
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
        return tally(tallies, key);
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
