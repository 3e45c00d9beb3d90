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
    private BigDecimal[][] learned;

    StageProbabilities(Scope scope) {
        this.scope = scope;
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
        BigDecimal p = learned()[info.pipeline()][info.openRank()];
        return p != null ? p : info.probability();
    }

    /** The deal's own fallback: its CRM probability, else 0. */
    BigDecimal ofDeal(int row) {
        BigDecimal own = scope.deals.crmProbability[row];
        return own != null ? own : BigDecimal.ZERO;
    }

    /** p(s) for the deal's stage at t. */
    BigDecimal of(int row) {
        int stage = scope.stageAt(row);
        if (stage < 0) {
            return fallback(null, row);
        }
        Catalog.StageInfo info = scope.catalog.stages.get(stage);
        if (info.openRank() < 0) {
            return info.semantic() == DealStatus.WON ? BigDecimal.ONE : BigDecimal.ZERO;
        }
        BigDecimal p = learned()[info.pipeline()][info.openRank()];
        return p != null ? p : fallback(info, row);
    }

    private BigDecimal fallback(Catalog.StageInfo stage, int row) {
        if (stage != null && stage.probability() != null) {
            return stage.probability();
        }
        BigDecimal own = scope.deals.crmProbability[row];
        return own != null ? own : BigDecimal.ZERO;
    }

    private BigDecimal[][] learned() {
        if (learned == null) {
            learned = learn();
        }
        return learned;
    }

    private BigDecimal[][] learn() {
        int pipelines = scope.catalog.pipelines.size();
        long[][] reached = new long[pipelines][];
        long[][] won = new long[pipelines][];
        for (int p = 0; p < pipelines; p++) {
            int stages = scope.catalog.pipelines.get(p).openStages().length;
            reached[p] = new long[stages];
            won[p] = new long[stages];
        }
        DealColumns deals = scope.deals;
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (!scope.exists(row) || !scope.closedIn(row, scope.lookbackStart, scope.lookbackEnd)) {
                continue;
            }
            int pipeline = deals.pipeline[row];
            int last = Math.min(scope.reachedRank(row), reached[pipeline].length - 1);
            boolean isWon = scope.statusAt(row) == DealColumns.WON;
            for (int rank = 0; rank <= last; rank++) {
                reached[pipeline][rank]++;
                if (isWon) {
                    won[pipeline][rank]++;
                }
            }
        }
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
