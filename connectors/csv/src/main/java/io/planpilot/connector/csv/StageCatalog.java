package io.planpilot.connector.csv;

import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Stage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The pipelines and stages read from stages.csv, and the lookup of a deal's stage by (pipeline, stage). */
final class StageCatalog {

    private final List<Pipeline> pipelines;
    private final List<Stage> stages;
    private final List<SyncWarning> warnings;
    private final Map<Key, Stage> byKey = new HashMap<>();

    StageCatalog(List<Pipeline> pipelines, List<Stage> stages, List<SyncWarning> warnings) {
        this.pipelines = List.copyOf(pipelines);
        this.stages = List.copyOf(stages);
        this.warnings = List.copyOf(warnings);
        stages.forEach(s -> byKey.put(new Key(s.pipeline(), s.id()), s));
    }

    List<Pipeline> pipelines() {
        return pipelines;
    }

    List<Stage> stages() {
        return stages;
    }

    /** The rows of stages.csv that were skipped or only partly read. */
    List<SyncWarning> warnings() {
        return warnings;
    }

    /** The stage {@code stage} of {@code pipeline}, or null when stages.csv has no such stage. */
    Stage stage(String pipeline, String stage) {
        return byKey.get(new Key(pipeline, stage));
    }

    private record Key(String pipeline, String stage) {
    }
}
