package io.planpilot.connector.csv;

import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts what a read produces into pages of at most {@link #PAGE_SIZE} deals, transitions,
 * activities and warnings each, handing a page over as soon as one of them is full (the reps,
 * pipelines and stages go on the first page). Intermediate pages carry
 * no cursor (a crash mid-run reads everything again); the listings and the cursor go on the last page.
 */
final class SyncPageAssembler {

    static final int PAGE_SIZE = 1_000;

    private final PageConsumer consumer;
    private SyncPage.Builder page = SyncPage.builder();
    private final List<Deal> deals = new ArrayList<>();
    private final List<StageTransition> transitions = new ArrayList<>();
    private final List<Activity> activities = new ArrayList<>();
    private final List<SyncWarning> warnings = new ArrayList<>();
    private java.util.Set<String> mappedDimensions;

    SyncPageAssembler(PageConsumer consumer) {
        this.consumer = consumer;
    }

    void reps(List<Rep> reps) {
        page.reps(reps);
    }

    void pipelines(List<Pipeline> pipelines) {
        page.pipelines(pipelines);
    }

    void stages(List<Stage> stages) {
        page.stages(stages);
    }

    void warning(SyncWarning warning) {
        warnings.add(warning);
        if (warnings.size() == PAGE_SIZE) {
            handOver(null);
        }
    }

    void warnings(List<SyncWarning> values) {
        values.forEach(this::warning);
    }

    void deal(Deal deal) {
        deals.add(deal);
        if (deals.size() == PAGE_SIZE) {
            handOver(null);
        }
    }

    void transition(StageTransition transition) {
        transitions.add(transition);
        if (transitions.size() == PAGE_SIZE) {
            handOver(null);
        }
    }

    void activity(Activity activity) {
        activities.add(activity);
        if (activities.size() == PAGE_SIZE) {
            handOver(null);
        }
    }

    /** The dimensions deals.csv carries a column for (told on the last page). */
    void mappedDimensions(java.util.Set<String> dimensions) {
        mappedDimensions = dimensions;
    }

    /** Hands over the last page, with the listings, the mapped dimensions and the cursor to resume from. */
    void finish(List<Listing> listings, String cursor) {
        listings.forEach(page::listing);
        page.mappedDimensions(mappedDimensions);
        handOver(cursor);
    }

    private void handOver(String cursor) {
        consumer.accept(page.deals(deals).transitions(transitions).activities(activities).warnings(warnings)
                .cursor(cursor).build());
        page = SyncPage.builder();
        deals.clear();
        transitions.clear();
        activities.clear();
        warnings.clear();
    }
}
