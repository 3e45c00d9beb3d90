package io.planpilot.core.kpi;

import java.time.Instant;
import java.util.Objects;

/**
 * What every KPI is computed for: a period, the moment {@code asOf} (nothing after it is seen) and
 * one connection, or all connections together when {@code connection} is null.
 */
public record KpiQuery(Period period, Instant asOf, String connection) {
    public KpiQuery {
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(asOf, "asOf");
    }
}
