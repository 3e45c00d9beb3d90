package io.planpilot.core.kpi;

import java.math.BigDecimal;

/**
 * An exact sum of money. Amounts that are whole numbers of {@link #UNIT} (10^-8 of the base
 * currency, as nearly every deal amount is) add up as longs; any other amount is added as a
 * BigDecimal. The sum is exact either way: nothing is rounded.
 */
final class MoneySum {

    static final int SCALE = 8;
    static final BigDecimal UNIT = BigDecimal.ONE.movePointLeft(SCALE);
    private static final long MAX_UNITS = Long.MAX_VALUE / 4;

    private final ExactSum units = new ExactSum();
    private BigDecimal other = BigDecimal.ZERO;

    /** The amount in units when it is a whole number of them that fits comfortably in a long; else NOT_UNITS. */
    static long toUnits(BigDecimal amount) {
        if (amount == null || amount.scale() > SCALE) {
            return NOT_UNITS;
        }
        BigDecimal units = amount.movePointRight(SCALE);
        if (units.abs().compareTo(BigDecimal.valueOf(MAX_UNITS)) > 0) {
            return NOT_UNITS;
        }
        return units.longValueExact();
    }

    static final long NOT_UNITS = Long.MIN_VALUE;

    void add(BigDecimal amount, long amountUnits) {
        if (amountUnits != NOT_UNITS) {
            units.add(amountUnits);
        } else {
            other = other.add(amount);
        }
    }

    void merge(MoneySum sum) {
        units.merge(sum.units);
        other = other.add(sum.other);
    }

    /** The sum without trailing zeros (and never in exponent form: 1000, not 1E+3). */
    BigDecimal value() {
        BigDecimal sum = units.value().movePointLeft(SCALE).add(other).stripTrailingZeros();
        return sum.scale() < 0 ? sum.setScale(0) : sum;
    }
}
