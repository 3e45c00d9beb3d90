package io.planpilot.core.kpi;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.StageTransition;

import java.util.List;

/**
 * What changed in the store since a snapshot was taken: records as they are now (a deal or activity
 * with {@code deleted} set counts nowhere from now on), and records removed by id. Changes to
 * pipelines or stages are not incremental: they call for a new snapshot.
 */
public record CrmChanges(List<Rep> reps, List<Deal> deals, List<RecordRef> deletedDeals,
                         List<StageTransition> transitions, List<TransitionRef> removedTransitions,
                         List<Activity> activities, List<RecordRef> deletedActivities) {

    /** A record of a connection by id. */
    public record RecordRef(String connection, String id) {
    }

    /** A stage-history entry by id, with the deal it belongs to. */
    public record TransitionRef(String connection, String id, String deal) {
    }

    public CrmChanges {
        reps = List.copyOf(reps);
        deals = List.copyOf(deals);
        deletedDeals = List.copyOf(deletedDeals);
        transitions = List.copyOf(transitions);
        removedTransitions = List.copyOf(removedTransitions);
        activities = List.copyOf(activities);
        deletedActivities = List.copyOf(deletedActivities);
    }

    public boolean isEmpty() {
        return reps.isEmpty() && deals.isEmpty() && deletedDeals.isEmpty() && transitions.isEmpty()
                && removedTransitions.isEmpty() && activities.isEmpty() && deletedActivities.isEmpty();
    }
}
