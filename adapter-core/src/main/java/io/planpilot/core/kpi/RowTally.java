package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * What one row (a dimension key) adds up while the deals are scanned: the period's won, lost and
 * open deals, and the lookback window's, from which {@link #figures} computes KPI.md's results.
 * Open deals are summed per stage and weighed by p(s) once at the end ({@link #weighStages}):
 * p(s) is learned in the same scan, and Σ amount × p = p × Σ amount.
 */
final class RowTally {

    private static final MathContext MC = MathContext.DECIMAL128;

    /** Shown: a deal created or closed in P, or in the open set. */
    boolean present;

    private final MoneySum wonAmount = new MoneySum();
    long wonCount;
    long lostCount;
    long wonWithAmount;
    private long[] cycles = new long[4];
    private int cycleCount;

    long openCount;
    private final MoneySum openAmount = new MoneySum();
    private BigDecimal weightedPipeline = BigDecimal.ZERO;
    private BigDecimal expectedWins = BigDecimal.ZERO;
    /** Open deals by stage + 1 (an unknown stage is -1): count, amount, and the deals' own p sums. */
    private long[] openCountByStage;
    private MoneySum[] openAmountByStage;
    private BigDecimal[] ownProbabilityByStage;
    private BigDecimal[] ownWeightedByStage;

    private final MoneySum wonAmountL = new MoneySum();
    long wonCountL;
    long lostCountL;
    long wonWithAmountL;
    private final ExactSum cycleSumL = new ExactSum();

    void createdInPeriod() {
        present = true;
    }

    void closedInPeriod(boolean won, BigDecimal amount, long units, long cycleMicros) {
        present = true;
        if (!won) {
            lostCount++;
            return;
        }
        wonCount++;
        if (amount != null) {
            wonAmount.add(amount, units);
            wonWithAmount++;
        }
        if (cycleCount == cycles.length) {
            cycles = Arrays.copyOf(cycles, cycleCount * 2);
        }
        cycles[cycleCount++] = cycleMicros;
    }

    void closedInLookback(boolean won, BigDecimal amount, long units, long cycleMicros) {
        if (!won) {
            lostCountL++;
            return;
        }
        wonCountL++;
        if (amount != null) {
            wonAmountL.add(amount, units);
            wonWithAmountL++;
        }
        cycleSumL.add(cycleMicros);
    }

    /** An open deal of the open set at its stage at t; {@code ownProbability} is its own (CRMs that keep one), or null. */
    void open(int stage, BigDecimal amount, long units, BigDecimal ownProbability) {
        present = true;
        openCount++;
        int slot = stage + 1;
        ensureStageSlot(slot);
        openCountByStage[slot]++;
        if (amount != null) {
            openAmount.add(amount, units);
            if (openAmountByStage[slot] == null) {
                openAmountByStage[slot] = new MoneySum();
            }
            openAmountByStage[slot].add(amount, units);
        }
        if (ownProbability != null) {
            ownProbabilityByStage[slot] = add(ownProbabilityByStage[slot], ownProbability);
            if (amount != null) {
                ownWeightedByStage[slot] = add(ownWeightedByStage[slot], amount.multiply(ownProbability, MC));
            }
        }
    }

    /** Adds another part's tally of the same row (before {@link #weighStages}); sums are exact, so the split changes nothing. */
    void merge(RowTally other) {
        present |= other.present;
        wonAmount.merge(other.wonAmount);
        wonCount += other.wonCount;
        lostCount += other.lostCount;
        wonWithAmount += other.wonWithAmount;
        for (int i = 0; i < other.cycleCount; i++) {
            if (cycleCount == cycles.length) {
                cycles = Arrays.copyOf(cycles, cycleCount * 2);
            }
            cycles[cycleCount++] = other.cycles[i];
        }
        openCount += other.openCount;
        openAmount.merge(other.openAmount);
        if (other.openCountByStage != null) {
            for (int slot = 0; slot < other.openCountByStage.length; slot++) {
                if (other.openCountByStage[slot] == 0) {
                    continue;
                }
                ensureStageSlot(slot);
                openCountByStage[slot] += other.openCountByStage[slot];
                if (other.openAmountByStage[slot] != null) {
                    if (openAmountByStage[slot] == null) {
                        openAmountByStage[slot] = new MoneySum();
                    }
                    openAmountByStage[slot].merge(other.openAmountByStage[slot]);
                }
                ownProbabilityByStage[slot] = add(ownProbabilityByStage[slot], other.ownProbabilityByStage[slot]);
                ownWeightedByStage[slot] = add(ownWeightedByStage[slot], other.ownWeightedByStage[slot]);
            }
        }
        wonAmountL.merge(other.wonAmountL);
        wonCountL += other.wonCountL;
        lostCountL += other.lostCountL;
        wonWithAmountL += other.wonWithAmountL;
        cycleSumL.merge(other.cycleSumL);
    }

    private void ensureStageSlot(int slot) {
        if (openCountByStage == null || slot >= openCountByStage.length) {
            int size = Math.max(slot + 1, openCountByStage == null ? 8 : openCountByStage.length * 2);
            openCountByStage = openCountByStage == null ? new long[size] : Arrays.copyOf(openCountByStage, size);
            openAmountByStage = openAmountByStage == null ? new MoneySum[size] : Arrays.copyOf(openAmountByStage, size);
            ownProbabilityByStage = ownProbabilityByStage == null ? new BigDecimal[size] : Arrays.copyOf(ownProbabilityByStage, size);
            ownWeightedByStage = ownWeightedByStage == null ? new BigDecimal[size] : Arrays.copyOf(ownWeightedByStage, size);
        }
    }

    /**
     * Weighs the open deals: by their stage's p(s) where the stage has one, else by each deal's own
     * probability (0 without one).
     */
    void weighStages(IntFunction<BigDecimal> probabilityOfStage) {
        if (openCountByStage == null) {
            return;
        }
        for (int slot = 0; slot < openCountByStage.length; slot++) {
            if (openCountByStage[slot] == 0) {
                continue;
            }
            BigDecimal p = probabilityOfStage.apply(slot - 1);
            if (p != null) {
                expectedWins = expectedWins.add(p.multiply(BigDecimal.valueOf(openCountByStage[slot]), MC));
                if (openAmountByStage[slot] != null) {
                    weightedPipeline = weightedPipeline.add(openAmountByStage[slot].value().multiply(p, MC));
                }
            } else {
                expectedWins = add(expectedWins, ownProbabilityByStage[slot]);
                weightedPipeline = add(weightedPipeline, ownWeightedByStage[slot]);
            }
        }
        openCountByStage = null;
        openAmountByStage = null;
        ownProbabilityByStage = null;
        ownWeightedByStage = null;
    }

    private static BigDecimal add(BigDecimal sum, BigDecimal value) {
        return value == null ? sum : sum == null ? value : sum.add(value);
    }

    BigDecimal wonAmount() {
        return wonAmount.value();
    }

    BigDecimal expectedWins() {
        return expectedWins;
    }

    BigDecimal winRate() {
        return ratio(wonCount, wonCount + lostCount);
    }

    BigDecimal averageDeal() {
        return wonWithAmount == 0 ? null : wonAmount.value().divide(BigDecimal.valueOf(wonWithAmount), MC);
    }

    BigDecimal winRateL() {
        return ratio(wonCountL, wonCountL + lostCountL);
    }

    BigDecimal averageDealL() {
        return wonWithAmountL == 0 ? null : wonAmountL.value().divide(BigDecimal.valueOf(wonWithAmountL), MC);
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
        BigDecimal won = wonAmount.value();
        BigDecimal open = openAmount.value();
        BigDecimal attainment = plan == null || plan.signum() == 0 ? null : won.divide(plan, MC);
        BigDecimal gap = plan == null ? null : plan.subtract(won);
        BigDecimal coverage = gap == null || gap.signum() <= 0 ? null : open.divide(gap, MC);
        return new KpiFigures(won, wonCount, lostCount, winRate(), averageDeal(), cycleMean, cycleMedian, plan,
                attainment, openCount, open, weightedPipeline, won.add(weightedPipeline), coverage, velocityPerDay());
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
