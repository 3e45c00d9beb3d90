package io.planpilot.core.kpi;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything the store holds of the connections, as the KPI engine takes it. Deleted deals and
 * activities may be included; they count nowhere.
 *
 * @param currencies        each connection's own currency rates, when its CRM gives them
 * @param mappedDimensions  per connection, the dimensions it maps (region, segment, product), for
 *                          the MISSING_DIMENSION data-quality issue
 */
public record CrmData(List<Pipeline> pipelines, List<Stage> stages, List<Rep> reps, List<Deal> deals,
                      List<StageTransition> transitions, List<Activity> activities,
                      Map<String, CrmCurrencies> currencies, Map<String, Set<String>> mappedDimensions) {
    public CrmData {
        pipelines = List.copyOf(pipelines);
        stages = List.copyOf(stages);
        reps = List.copyOf(reps);
        deals = List.copyOf(deals);
        transitions = List.copyOf(transitions);
        activities = List.copyOf(activities);
        currencies = Map.copyOf(currencies);
        mappedDimensions = Map.copyOf(mappedDimensions);
    }
}
