package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;

/**
 * The keys and names rows are shown under. Pipeline and rep keys are the CRM's ids, prefixed with
 * the connection ({@code <connection>:<id>}) when all of several connections are shown together.
 */
final class RowKeys {

    static final String ALL = "(all)";

    private final Catalog catalog;
    private final boolean prefixed;

    RowKeys(Catalog catalog, boolean prefixed) {
        this.catalog = catalog;
        this.prefixed = prefixed;
    }

    String repKey(int rep) {
        if (rep < 0) {
            return Dimension.NONE;
        }
        Catalog.RepInfo info = catalog.reps.get(rep);
        return prefixed ? catalog.connections.get(info.connection()) + ":" + info.id() : info.id();
    }

    String repName(int rep) {
        return rep < 0 ? Dimension.NONE : catalog.reps.get(rep).name();
    }

    String pipelineKey(int pipeline) {
        Catalog.PipelineInfo info = catalog.pipelines.get(pipeline);
        return prefixed ? catalog.connections.get(info.connection()) + ":" + info.id() : info.id();
    }

    String pipelineName(int pipeline) {
        return catalog.pipelines.get(pipeline).name();
    }

    String dealId(int connection, String id) {
        return prefixed ? catalog.connections.get(connection) + ":" + id : id;
    }

    /** The key of a dimension value number (region, segment, product dictionaries; -1 for none). */
    String key(Dimension dimension, int value) {
        return switch (dimension) {
            case DEPARTMENT -> ALL;
            case REGION -> catalog.regions.value(value);
            case SEGMENT -> catalog.segments.value(value);
            case PRODUCT -> catalog.products.value(value);
            case REP -> repKey(value);
            case PIPELINE -> pipelineKey(value);
        };
    }

    String name(Dimension dimension, int value) {
        return switch (dimension) {
            case REP -> repName(value);
            case PIPELINE -> pipelineName(value);
            default -> key(dimension, value);
        };
    }
}
