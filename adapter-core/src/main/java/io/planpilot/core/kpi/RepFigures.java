package io.planpilot.core.kpi;

import io.planpilot.core.domain.ActivityType;

import java.math.BigDecimal;
import java.util.Map;

/** One rep's row of {@code /api/v1/kpi/reps}; {@code key} is the CRM user id. */
public record RepFigures(String key, String name, BigDecimal wonAmount, long wonCount, BigDecimal winRate,
                         Map<ActivityType, Long> activitiesDone, BigDecimal activitiesPerWon, BigDecimal taskCompletion,
                         long overdueTasks, long staleDeals) {
    public RepFigures {
        activitiesDone = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(activitiesDone));
    }
}
