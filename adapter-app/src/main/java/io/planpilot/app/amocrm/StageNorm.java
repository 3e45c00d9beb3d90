package io.planpilot.app.amocrm;

import java.math.BigDecimal;
import java.util.List;

/**
 * How long a visit to a stage usually lasts: the nearest-rank percentile of its finished visits in
 * the lookback window, as the stuck-in-stage rule computes it (the rules file's percentile, default
 * 75th; no norm with fewer than its {@code min-visits}).
 *
 * @param days       the norm in days
 * @param percentile which percentile
 * @param visits     how many finished visits it is taken from
 */
record StageNorm(BigDecimal days, int percentile, int visits) {

    /** @param sorted the visits' days, ascending */
    static StageNorm of(List<BigDecimal> sorted, int percentile, int minVisits) {
        int n = sorted.size();
        if (n == 0 || n < minVisits) {
            return null;
        }
        long rank = ((long) percentile * n + 99) / 100; // ceil(p/100 × n) in whole numbers
        return new StageNorm(sorted.get((int) Math.max(rank, 1) - 1), percentile, n);
    }
}
