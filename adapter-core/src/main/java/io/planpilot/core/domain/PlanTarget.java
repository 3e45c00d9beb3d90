package io.planpilot.core.domain;

import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.Objects;

/**
 * One month's sales target for a dimension key, in the base currency.
 *
 * @param key        the dimension value; empty for the department
 * @param connection the connection whose figures it applies to, or null when it applies to all together
 */
public record PlanTarget(YearMonth month, Dimension dimension, String key, BigDecimal amount, String connection) {
    public PlanTarget {
        Objects.requireNonNull(month, "month");
        Objects.requireNonNull(dimension, "dimension");
        Objects.requireNonNull(amount, "amount");
        key = key == null ? "" : key;
    }
}
