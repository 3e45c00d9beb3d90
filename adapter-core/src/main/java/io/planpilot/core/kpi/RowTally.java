package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * What one row (a dimension key) adds up while the deals are scanned: the period's won, lost and
 * open deals, and the lookback window's, from which {@link #figures} computes KPI.md's results.
 */
final class RowTally {

    private static final MathContext MC = MathContext.DECIMAL128;

    /** Shown: a deal created or closed in P, or in the open set. */
    boolean present;

    BigDecimal wonAmount = BigDecimal.ZERO;
    long wonCount;
    long lostCount;
    long wonWithAmount;
    private long[] cycles = new long[4];
    private int cycleCount;

    long openCount;
    BigDecimal openAmount = BigDecimal.ZERO;
    BigDecimal weightedPipeline = BigDecimal.ZERO;
    BigDecimal expectedWins = BigDecimal.ZERO;

    BigDecimal wonAmountL = BigDecimal.ZERO;
    long wonCountL;
    long lostCountL;
    long wonWithAmountL;
    private final ExactSum cycleSumL = new ExactSum();

    void createdInPeriod() {
        present = true;
    }

    void closedInPeriod(boolean won, BigDecimal amount, long cycleMicros) {
        present = true;
        if (!won) {
            lostCount++;
            return;
        }
        wonCount++;
        if (amount != null) {
            wonAmount = wonAmount.add(amount);
            wonWithAmount++;
        }
        if (cycleCount == cycles.length) {
            cycles = Arrays.copyOf(cycles, cycleCount * 2);
        }
        cycles[cycleCount++] = cycleMicros;
    }

    void closedInLookback(boolean won, BigDecimal amount, long cycleMicros) {
        if (!won) {
            lostCountL++;
            return;
        }
        wonCountL++;
        if (amount != null) {
            wonAmountL = wonAmountL.add(amount);
            wonWithAmountL++;
        }
        cycleSumL.add(cycleMicros);
    }

    void open(BigDecimal amount, BigDecimal probability) {
        present = true;
        openCount++;
        expectedWins = expectedWins.add(probability);
        if (amount != null) {
            openAmount = openAmount.add(amount);
            weightedPipeline = weightedPipeline.add(amount.multiply(probability, MC));
        }
    }

    /**
     * An open deal whose p(s) is its stage's: counted and summed per stage, multiplied by p(s) once
     * in {@link #weighStages} (Σ amount × p = p × Σ amount).
     */
    void openAtStage(int stage, BigDecimal amount) {
        present = true;
        openCount++;
        if (openCountByStage == null || stage >= openCountByStage.length) {
            int size = Math.max(stage + 1, openCountByStage == null ? 8 : openCountByStage.length * 2);
            openCountByStage = openCountByStage == null ? new long[size] : Arrays.copyOf(openCountByStage, size);
            openAmountByStage = openAmountByStage == null ? new BigDecimal[size] : Arrays.copyOf(openAmountByStage, size);
        }
        openCountByStage[stage]++;
        if (amount != null) {
            openAmount = openAmount.add(amount);
            openAmountByStage[stage] = openAmountByStage[stage] == null ? amount : openAmountByStage[stage].add(amount);
        }
    }

    private long[] openCountByStage;
    private BigDecimal[] openAmountByStage;

    /** Adds the per-stage sums to the weighted pipeline and the expected wins. */
    void weighStages(java.util.function.IntFunction<BigDecimal> probabilityOfStage) {
        if (openCountByStage == null) {
            return;
        }
        for (int stage = 0; stage < openCountByStage.length; stage++) {
            if (openCountByStage[stage] == 0) {
                continue;
            }
            BigDecimal p = probabilityOfStage.apply(stage);
            expectedWins = expectedWins.add(p.multiply(BigDecimal.valueOf(openCountByStage[stage]), MC));
            if (openAmountByStage[stage] != null) {
                weightedPipeline = weightedPipeline.add(openAmountByStage[stage].multiply(p, MC));
            }
        }
        openCountByStage = null;
        openAmountByStage = null;
    }

    BigDecimal winRate() {
        return ratio(wonCount, wonCount + lostCount);
    }

    BigDecimal averageDeal() {
        return wonWithAmount == 0 ? null : wonAmount.divide(BigDecimal.valueOf(wonWithAmount), MC);
    }

    BigDecimal winRateL() {
        return ratio(wonCountL, wonCountL + lostCountL);
    }

    BigDecimal averageDealL() {
        return wonWithAmountL == 0 ? null : wonAmountL.divide(BigDecimal.valueOf(wonWithAmountL), MC);
    }

    BigDecimal cycleDaysMeanL() {
        return wonCountL == 0 ? null : cycleSumL.value().divide(BigDecimal.valueOf(wonCountL), MC)
                .divide(BigDecimal.valueOf(Micros.DAY), MC);
    }

    KpiFigures figures(BigDecimal plan) {
        BigDecimal cycleMean = null;
        BigDecimal cycleMedian = null;
        if (cycleCount > 0) {
            long[] sorted = Arrays.copyOf(cycles, cycleCount);
            Arrays.sort(sorted);
            ExactSum sum = new ExactSum();
            for (long cycle : sorted) {
                sum.add(cycle);
            }
            cycleMean = days(sum.value().divide(BigDecimal.valueOf(cycleCount), MC));
            cycleMedian = cycleCount % 2 == 1 ? days(BigDecimal.valueOf(sorted[cycleCount / 2]))
                    : days(BigDecimal.valueOf(sorted[cycleCount / 2 - 1]).add(BigDecimal.valueOf(sorted[cycleCount / 2]))
                    .divide(BigDecimal.valueOf(2), MC));
        }
        BigDecimal attainment = plan == null || plan.signum() == 0 ? null : wonAmount.divide(plan, MC);
        BigDecimal gap = plan == null ? null : plan.subtract(wonAmount);
        BigDecimal coverage = gap == null || gap.signum() <= 0 ? null : openAmount.divide(gap, MC);
        return new KpiFigures(wonAmount, wonCount, lostCount, winRate(), averageDeal(), cycleMean, cycleMedian, plan,
                attainment, openCount, openAmount, weightedPipeline, wonAmount.add(weightedPipeline), coverage,
                velocityPerDay());
    }

    /** openCount × winRate(L) × averageDeal(L) / cycleDaysMean(L). */
    private BigDecimal velocityPerDay() {
        BigDecimal winRate = winRateL();
        BigDecimal average = averageDealL();
        BigDecimal cycle = cycleDaysMeanL();
        if (winRate == null || average == null || cycle == null || cycle.signum() == 0) {
            return null;
        }
        return BigDecimal.valueOf(openCount).multiply(winRate, MC).multiply(average, MC).divide(cycle, MC);
    }

    private static BigDecimal days(BigDecimal micros) {
        return micros.divide(BigDecimal.valueOf(Micros.DAY), MC);
    }

    private static BigDecimal ratio(long part, long whole) {
        return whole == 0 ? null : BigDecimal.valueOf(part).divide(BigDecimal.valueOf(whole), MC);
    }
}
