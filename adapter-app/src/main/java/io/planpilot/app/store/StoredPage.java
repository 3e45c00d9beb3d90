package io.planpilot.app.store;

import io.planpilot.core.connector.RecordKind;

import java.util.ArrayList;
import java.util.List;

/**
 * What storing a page did beyond writing the page's records: the rows it wrote, whether pipelines
 * or stages changed, and what listings removed.
 */
public record StoredPage(long rowsWritten, boolean catalogChanged, List<Removed> deletedDeals,
                         List<Removed> deletedActivities, List<Removed> removedTransitions) {

    public StoredPage {
        deletedDeals = List.copyOf(deletedDeals);
        deletedActivities = List.copyOf(deletedActivities);
        removedTransitions = List.copyOf(removedTransitions);
    }

    /** A removed record: its id and the deal it belongs to (a deal's own id for a deal). */
    public record Removed(String connection, String id, String deal) {
    }

    record Reconciled(RecordKind kind, List<Removed> removed) {
    }

    static StoredPage of(long rowsWritten, boolean catalogChanged, List<Reconciled> reconciled) {
        List<Removed> deals = new ArrayList<>();
        List<Removed> activities = new ArrayList<>();
        List<Removed> transitions = new ArrayList<>();
        for (Reconciled listing : reconciled) {
            switch (listing.kind()) {
                case DEAL -> deals.addAll(listing.removed());
                case ACTIVITY -> activities.addAll(listing.removed());
                case STAGE_TRANSITION -> transitions.addAll(listing.removed());
            }
        }
        long removed = deals.size() + activities.size() + transitions.size();
        return new StoredPage(rowsWritten + removed, catalogChanged, deals, activities, transitions);
    }
}
