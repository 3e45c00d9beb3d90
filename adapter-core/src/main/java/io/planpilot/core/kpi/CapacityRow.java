package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.util.List;

/**
 * Whether a row has the resources its plan needs (KPI.md, "Capacity"); the JSON names are exactly
 * these. A null input, or 0 where it divides, makes what depends on it null and is named in
 * {@code reason}.
 */
public record CapacityRow(String key, String name, BigDecimal plan, BigDecimal wonAmount, BigDecimal averageDealL,
                          BigDecimal winRateL, BigDecimal activitiesPerWonL, BigDecimal activitiesPerRepDayL,
                          BigDecimal remaining, Long winsNeeded, BigDecimal expectedWinsFromPipeline,
                          Long opportunitiesNeeded, BigDecimal activitiesNeeded, Integer workingDaysLeft,
                          Integer repsActive, BigDecimal activitiesAvailable, Long repsNeeded, Long gapReps,
                          BigDecimal achievable, Verdict verdict, List<String> reason) {

    public CapacityRow {
        reason = List.copyOf(reason);
    }

    public enum Verdict {
        ON_TRACK, EXPAND_OR_LOWER_PLAN
    }
}
