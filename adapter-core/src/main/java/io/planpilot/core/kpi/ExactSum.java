package io.planpilot.core.kpi;

import java.math.BigDecimal;

/** A sum of longs that cannot overflow: it spills into a BigDecimal when a long would. */
final class ExactSum {
    private long partial;
    private BigDecimal spilled = BigDecimal.ZERO;

    void add(long value) {
        try {
            partial = Math.addExact(partial, value);
        } catch (ArithmeticException overflow) {
            spilled = spilled.add(BigDecimal.valueOf(partial)).add(BigDecimal.valueOf(value));
            partial = 0;
        }
    }

    void merge(ExactSum other) {
        spilled = spilled.add(other.spilled);
        add(other.partial);
    }

    BigDecimal value() {
        return spilled.add(BigDecimal.valueOf(partial));
    }
}
