package io.planpilot.core.kpi;

import java.math.BigDecimal;

/**
 * The result KPIs of KPI.md for one row (the department, or one key of a dimension). Money is in
 * the base currency; a figure that is undefined is null.
 */
public record KpiFigures(BigDecimal wonAmount, long wonCount, long lostCount, BigDecimal winRate, BigDecimal averageDeal,
                         BigDecimal cycleDaysMean, BigDecimal cycleDaysMedian, BigDecimal plan, BigDecimal attainment,
                         long openCount, BigDecimal openAmount, BigDecimal weightedPipeline, BigDecimal forecast,
                         BigDecimal coverage, BigDecimal velocityPerDay) {
}
