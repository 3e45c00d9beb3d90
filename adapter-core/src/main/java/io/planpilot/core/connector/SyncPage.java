package io.planpilot.core.connector;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;

import java.util.ArrayList;
import java.util.List;

/**
 * One page of changes read from a CRM, with the cursor to resume from once the page is stored.
 * The store writes a page and its cursor in one transaction.
 *
 * @param deletions records the CRM deleted, by id (a delete feed, a webhook, a re-read that found
 *               the record gone); a page may also carry a deleted record as a whole with its flag set
 * @param currencies the CRM's own currency rates (KPI.md, "Amount"), or null when this page does not tell
 * @param mappedDimensions the dimensions (region, segment, product) the connection's deals carry a
 *               field for, whether filled or not; null when this page does not tell
 * @param cursor the opaque position after this page; null keeps the previous cursor. A page with
 *               nothing but a cursor is a real page: it must be stored like any other.
 */
public record SyncPage(List<Rep> reps, List<Pipeline> pipelines, List<Stage> stages, List<Deal> deals,
                       List<StageTransition> transitions, List<Activity> activities, List<RecordRef> deletions,
                       List<Listing> listings, List<SyncWarning> warnings, io.planpilot.core.kpi.CrmCurrencies currencies,
                       java.util.Set<String> mappedDimensions, String cursor) {

    public SyncPage {
        reps = List.copyOf(reps);
        pipelines = List.copyOf(pipelines);
        stages = List.copyOf(stages);
        deals = List.copyOf(deals);
        transitions = List.copyOf(transitions);
        activities = List.copyOf(activities);
        deletions = List.copyOf(deletions);
        listings = List.copyOf(listings);
        warnings = List.copyOf(warnings);
        mappedDimensions = mappedDimensions == null ? null : java.util.Set.copyOf(mappedDimensions);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Whether the page holds no records, listings or warnings; it may still carry a cursor. */
    public boolean isEmpty() {
        return reps.isEmpty() && pipelines.isEmpty() && stages.isEmpty() && deals.isEmpty()
                && transitions.isEmpty() && activities.isEmpty() && deletions.isEmpty() && listings.isEmpty()
                && warnings.isEmpty();
    }

    /** Collects one page; not thread-safe. */
    public static final class Builder {
        private final List<Rep> reps = new ArrayList<>();
        private final List<Pipeline> pipelines = new ArrayList<>();
        private final List<Stage> stages = new ArrayList<>();
        private final List<Deal> deals = new ArrayList<>();
        private final List<StageTransition> transitions = new ArrayList<>();
        private final List<Activity> activities = new ArrayList<>();
        private final List<RecordRef> deletions = new ArrayList<>();
        private final List<Listing> listings = new ArrayList<>();
        private final List<SyncWarning> warnings = new ArrayList<>();
        private java.util.Set<String> mappedDimensions;
        private io.planpilot.core.kpi.CrmCurrencies currencies;
        private String cursor;

        public Builder reps(List<Rep> values) { reps.addAll(values); return this; }
        public Builder pipelines(List<Pipeline> values) { pipelines.addAll(values); return this; }
        public Builder stages(List<Stage> values) { stages.addAll(values); return this; }
        public Builder deals(List<Deal> values) { deals.addAll(values); return this; }
        public Builder transitions(List<StageTransition> values) { transitions.addAll(values); return this; }
        public Builder activities(List<Activity> values) { activities.addAll(values); return this; }
        public Builder deletions(List<RecordRef> values) { deletions.addAll(values); return this; }
        public Builder listing(Listing value) { listings.add(value); return this; }
        public Builder warnings(List<SyncWarning> values) { warnings.addAll(values); return this; }
        public Builder mappedDimensions(java.util.Set<String> values) { mappedDimensions = values; return this; }
        public Builder currencies(io.planpilot.core.kpi.CrmCurrencies value) { currencies = value; return this; }
        public Builder cursor(String value) { cursor = value; return this; }

        public SyncPage build() {
            return new SyncPage(reps, pipelines, stages, deals, transitions, activities, deletions, listings, warnings,
                    currencies, mappedDimensions, cursor);
        }
    }
}
