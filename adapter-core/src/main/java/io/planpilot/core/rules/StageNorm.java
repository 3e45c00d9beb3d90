package io.planpilot.core.rules;

import io.planpilot.core.kpi.DealFacts;

import java.math.BigDecimal;
import java.util.List;

/**
 * How long a visit to a stage usually lasts: the nearest-rank percentile of the stage's finished visits
 * in the lookback window (the stuck-in-stage rule's {@code percentile}, default 75th). The one norm the
 * rule, the dashboard's deal page, the HubSpot card and the amoCRM widget all show.
 *
 * @param days       the norm in days
 * @param percentile which percentile
 * @param visits     how many finished visits it is taken from
 */
public record StageNorm(BigDecimal days, int percentile, int visits) {

    /** The finished visits in the lookback window to the stage an open deal is in, in days, ascending. */
    public static List<BigDecimal> visits(DealFacts facts, DealFacts.OpenDeal deal) {
        return facts.stageVisitsInLookback().stream()
                .filter(v -> v.connection().equals(deal.connection()) && v.pipelineId().equals(deal.pipelineId())
                        && v.stageId().equals(deal.stageId()))
                .findFirst().map(DealFacts.StageVisits::days).orElse(List.of());
    }

    /** The norm of visits sorted ascending; null with fewer than the rule's {@code min-visits} (or none). */
    public static StageNorm of(List<BigDecimal> sortedDays, RuleSettings.StuckInStage settings) {
        if (sortedDays.isEmpty() || sortedDays.size() < settings.minVisits()) {
            return null;
        }
        return new StageNorm(Percentile.nearestRank(sortedDays, settings.percentile()), settings.percentile(), sortedDays.size());
    }

    /** The norm of the stage an open deal is in; null when there are too few visits. */
    public static StageNorm of(DealFacts facts, DealFacts.OpenDeal deal, RuleSettings.StuckInStage settings) {
        return of(visits(facts, deal), settings);
    }
}
