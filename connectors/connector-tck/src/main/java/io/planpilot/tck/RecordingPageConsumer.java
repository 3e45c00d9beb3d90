package io.planpilot.tck;

import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-memory stand-in for the store: keeps every page it is given, the last non-null cursor, the
 * records merged by id (a later page wins), the last listing of each kind and all warnings. One
 * instance per read keeps the assertions of that read apart.
 */
public class RecordingPageConsumer implements PageConsumer {

    private final List<SyncPage> pages = new ArrayList<>();
    private final Map<String, Deal> deals = new LinkedHashMap<>();
    private final Map<String, Activity> activities = new LinkedHashMap<>();
    private final Map<String, StageTransition> transitions = new LinkedHashMap<>();
    private final Map<String, Rep> reps = new LinkedHashMap<>();
    private final Map<String, Pipeline> pipelines = new LinkedHashMap<>();
    private final Map<String, Stage> stages = new LinkedHashMap<>();
    private final Map<RecordKind, Listing> listings = new EnumMap<>(RecordKind.class);
    private final List<SyncWarning> warnings = new ArrayList<>();
    private String cursor;
    private int dealsEmitted;

    @Override
    public void accept(SyncPage page) {
        pages.add(page);
        page.deals().forEach(d -> deals.put(d.id(), d));
        page.activities().forEach(a -> activities.put(a.id(), a));
        page.transitions().forEach(t -> transitions.put(t.id(), t));
        page.reps().forEach(r -> reps.put(r.id(), r));
        page.pipelines().forEach(p -> pipelines.put(p.id(), p));
        page.stages().forEach(s -> stages.put(s.pipeline() + "/" + s.id(), s));
        page.listings().forEach(l -> listings.put(l.kind(), l));
        warnings.addAll(page.warnings());
        dealsEmitted += page.deals().size();
        if (page.cursor() != null) {
            cursor = page.cursor();
        }
    }

    public List<SyncPage> pages() {
        return Collections.unmodifiableList(pages);
    }

    /** The last non-null cursor of the pages, or null when none had one. */
    public String cursor() {
        return cursor;
    }

    /** The deals by id, a later page's version winning. */
    public Map<String, Deal> deals() {
        return Collections.unmodifiableMap(deals);
    }

    public Optional<Deal> deal(String id) {
        return Optional.ofNullable(deals.get(id));
    }

    /** How many deals the pages held, repeats counted. */
    public int dealsEmitted() {
        return dealsEmitted;
    }

    public Map<String, Activity> activities() {
        return Collections.unmodifiableMap(activities);
    }

    public Map<String, StageTransition> transitions() {
        return Collections.unmodifiableMap(transitions);
    }

    public Map<String, Rep> reps() {
        return Collections.unmodifiableMap(reps);
    }

    public Map<String, Pipeline> pipelines() {
        return Collections.unmodifiableMap(pipelines);
    }

    /** The stages by {@code pipeline/stage}. */
    public Map<String, Stage> stages() {
        return Collections.unmodifiableMap(stages);
    }

    /** The last listing of {@code kind}, if any page had one. */
    public Optional<Listing> listing(RecordKind kind) {
        return Optional.ofNullable(listings.get(kind));
    }

    public List<SyncWarning> warnings() {
        return Collections.unmodifiableList(warnings);
    }
}
