package io.planpilot.core.kpi;

import io.planpilot.core.domain.DealStatus;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * p(s) of KPI.md's weighted pipeline: per pipeline and open stage, the share of the deals closed in
 * the lookback window that reached the stage and were won, learned when at least
 * {@value #MIN_DEALS} such deals reached it; otherwise the CRM's probability for the stage, or the
 * deal's own for a CRM that keeps it on the deal, else 0. Learned over the whole pipeline, whatever
 * row a deal is shown in.
 */
final class StageProbabilities {

    static final int MIN_DEALS = 5;

    private final Scope scope;
    private final BigDecimal[][] learned;

    /** From counts gathered in another scan: per pipeline and open-stage rank, deals closed in L that reached it, and won. */
    StageProbabilities(Scope scope, long[][] reached, long[][] won) {
        this.scope = scope;
        this.learned = shares(reached, won);
    }

    /**
     * p(s) of a stage when it does not depend on the deal (learned, or the CRM's stage probability;
     * 1 and 0 for won and lost stages); null when it falls to the deal's own probability.
     */
    BigDecimal ofStage(int stage) {
        if (stage < 0) {
            return null;
        }
        Catalog.StageInfo info = scope.catalog.stages.get(stage);
        if (info.openRank() < 0) {
            return info.semantic() == DealStatus.WON ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        BigDecimal[] ofPipeline = info.pipeline() < learned.length ? learned[info.pipeline()] : new BigDecimal[0];
        BigDecimal p = info.openRank() < ofPipeline.length ? ofPipeline[info.openRank()] : null;
        return p != null ? p : info.probability();
    }

    static long[][] newCounts(Catalog catalog) {
        long[][] counts = new long[catalog.pipelines.size()][];
        for (int p = 0; p < counts.length; p++) {
            counts[p] = new long[catalog.pipelines.get(p).openStages().length];
        }
        return counts;
    }

    /** Counts a deal closed in L: the stages it reached, and whether it was won. */
    static void count(Scope scope, int row, long[][] reached, long[][] won) {
        int pipeline = scope.deals.pipeline[row];
        if (pipeline >= reached.length) {
            return;
        }
        int last = Math.min(scope.reachedRank(row), reached[pipeline].length - 1);
        boolean isWon = scope.statusAt(row) == DealColumns.WON;
        for (int rank = 0; rank <= last; rank++) {
            reached[pipeline][rank]++;
            if (isWon) {
                won[pipeline][rank]++;
            }
        }
    }

    private static BigDecimal[][] shares(long[][] reached, long[][] won) {
        int pipelines = reached.length;
        BigDecimal[][] shares = new BigDecimal[pipelines][];
        for (int p = 0; p < pipelines; p++) {
            shares[p] = new BigDecimal[reached[p].length];
            for (int rank = 0; rank < reached[p].length; rank++) {
                if (reached[p][rank] >= MIN_DEALS) {
                    shares[p][rank] = BigDecimal.valueOf(won[p][rank])
                            .divide(BigDecimal.valueOf(reached[p][rank]), MathContext.DECIMAL128);
                }
            }
        }
        return shares;
    }
}
