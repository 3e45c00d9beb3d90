package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.util.List;

/**
 * The funnel of one pipeline for the deals created in the period.
 *
 * @param pipeline the pipeline's key (its id, prefixed with the connection when several are shown)
 */
public record Funnel(String pipeline, List<Step> stages, long won, BigDecimal funnelWinRate) {
    public Funnel {
        stages = List.copyOf(stages);
    }

    /** One open stage of the pipeline, in sort order. */
    public record Step(String id, String name, long reached, BigDecimal conversionToNext, BigDecimal medianDaysInStage) {
    }
}
