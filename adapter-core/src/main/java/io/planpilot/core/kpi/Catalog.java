package io.planpilot.core.kpi;

import io.planpilot.core.domain.DealStatus;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
/**
 * The small things deals refer to, each numbered once: connections, pipelines with their stages,
 * reps, and the distinct values of the region, segment and product dimensions. Deal and activity
 * columns hold these numbers. Numbers are only ever added, so a snapshot taken earlier reads the
 * same entries while a writer adds new ones (hence the concurrent collections).
 */
final class Catalog {

    /** A pipeline; {@code openStages} are stage numbers in funnel order (sort index ascending). */
    record PipelineInfo(int connection, String id, String name, int[] openStages) {
        int firstOpenStage() {
            return openStages.length == 0 ? -1 : openStages[0];
        }
    }

    /** A stage; {@code openRank} is its place among the pipeline's open stages, -1 for a closed stage. */
    record StageInfo(int connection, int pipeline, String id, String name, BigDecimal sort, DealStatus semantic,
                     BigDecimal probability, int openRank) {
    }

    record RepInfo(int connection, String id, String name, String email, boolean active) {
    }

    final List<String> connections = new CopyOnWriteArrayList<>();
    final List<PipelineInfo> pipelines = new CopyOnWriteArrayList<>();
    final List<StageInfo> stages = new CopyOnWriteArrayList<>();
    final List<RepInfo> reps = new CopyOnWriteArrayList<>();
    final ValueDictionary regions = new ValueDictionary();
    final ValueDictionary segments = new ValueDictionary();
    final ValueDictionary products = new ValueDictionary();

    private final Map<String, Integer> connectionIndex = new ConcurrentHashMap<>();
    private final Map<String, Integer> pipelineIndex = new ConcurrentHashMap<>();
    private final Map<String, Integer> stageIndex = new ConcurrentHashMap<>();
    private final Map<String, Integer> repIndex = new ConcurrentHashMap<>();

    int connection(String id) {
        return connectionIndex.computeIfAbsent(id, key -> {
            connections.add(key);
            return connections.size() - 1;
        });
    }

    Integer findConnection(String id) {
        return connectionIndex.get(id);
    }

    int pipeline(int connection, String id) {
        Integer index = pipelineIndex.get(connection + "\u0000" + id);
        return index == null ? -1 : index;
    }

    int addPipeline(PipelineInfo pipeline) {
        pipelines.add(pipeline);
        pipelineIndex.put(pipeline.connection() + "\u0000" + pipeline.id(), pipelines.size() - 1);
        return pipelines.size() - 1;
    }

    int stage(int pipeline, String id) {
        Integer index = stageIndex.get(pipeline + "\u0000" + id);
        return index == null ? -1 : index;
    }

    int addStage(StageInfo stage) {
        stages.add(stage);
        stageIndex.put(stage.pipeline() + "\u0000" + stage.id(), stages.size() - 1);
        return stages.size() - 1;
    }

    int rep(int connection, String id) {
        Integer index = repIndex.get(connection + "\u0000" + id);
        return index == null ? -1 : index;
    }

    /** A rep by id, adding an unknown user (an owner the CRM did not list) as an inactive rep. */
    int repOrUnknown(int connection, String id) {
        int index = rep(connection, id);
        return index >= 0 ? index : addRep(new RepInfo(connection, id, id, null, false));
    }

    int addRep(RepInfo rep) {
        reps.add(rep);
        repIndex.put(rep.connection() + "\u0000" + rep.id(), reps.size() - 1);
        return reps.size() - 1;
    }

    /** Distinct values of one dimension, numbered from 0; -1 stands for a missing value. */
    static final class ValueDictionary {
        private final List<String> values = new CopyOnWriteArrayList<>();
        private final Map<String, Integer> index = new ConcurrentHashMap<>();

        int of(String value) {
            if (value == null || value.isEmpty()) {
                return -1;
            }
            return index.computeIfAbsent(value, key -> {
                values.add(key);
                return values.size() - 1;
            });
        }

        String value(int id) {
            return id < 0 ? io.planpilot.core.domain.Dimension.NONE : values.get(id);
        }

        int size() {
            return values.size();
        }
    }
}
