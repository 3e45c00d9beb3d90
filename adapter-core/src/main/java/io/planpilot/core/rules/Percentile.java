package io.planpilot.core.rules;

import java.math.BigDecimal;
import java.util.List;

/**
 * The nearest-rank percentile: of n values sorted ascending, the {@code ceil(p/100 × n)}-th. It is
 * always one of the values (no interpolation), so "above the 95th percentile" means above a real
 * deal's amount, and it is the same on every machine.
 */
final class Percentile {

    private Percentile() {
    }

    /** @param sorted ascending, not empty */
    static BigDecimal nearestRank(List<BigDecimal> sorted, int percentile) {
        int n = sorted.size();
        long rank = ((long) percentile * n + 99) / 100; // ceil in whole numbers
        return sorted.get((int) Math.max(rank, 1) - 1);
    }
}
