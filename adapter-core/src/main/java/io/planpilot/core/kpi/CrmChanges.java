package io.planpilot.core.kpi;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.StageTransition;

import java.util.List;

/**
 * What changed in the store since a snapshot was taken: records as they are now (a deal or activity
 * with {@code deleted} set counts nowhere from now on) and removed stage-history entries. Changes to
 * pipelines or stages are not incremental: they call for a new snapshot.
 *
 * @param removedTransitions the removed history entries, as {@code (connection, id, deal)}; stage
 *                           and time are not read
 */
public record CrmChanges(List<Rep> reps, List<Deal> deals, List<StageTransition> transitions,
                         List<StageTransition> removedTransitions, List<Activity> activities) {
    public CrmChanges {
        reps = List.copyOf(reps);
        deals = List.copyOf(deals);
        transitions = List.copyOf(transitions);
        removedTransitions = List.copyOf(removedTransitions);
        activities = List.copyOf(activities);
    }

    public boolean isEmpty() {
        return reps.isEmpty() && deals.isEmpty() && transitions.isEmpty() && removedTransitions.isEmpty()
                && activities.isEmpty();
    }
}
