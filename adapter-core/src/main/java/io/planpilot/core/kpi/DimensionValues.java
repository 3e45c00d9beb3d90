package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;

/** The value numbers of a dimension: how many there are, and which one a deal row has. */
final class DimensionValues {

    private DimensionValues() {
    }

    /** How many values a dimension has (not counting the missing one, -1). */
    static int count(Catalog catalog, Dimension dimension) {
        return switch (dimension) {
            case DEPARTMENT -> 1;
            case REGION -> catalog.regions.size();
            case SEGMENT -> catalog.segments.size();
            case PRODUCT -> catalog.products.size();
            case REP -> catalog.reps.size();
            case PIPELINE -> catalog.pipelines.size();
        };
    }

    /** The value a deal counts under; not for product, where a deal counts under each of its lines. */
    static int of(DealColumns deals, Dimension dimension, int row) {
        return switch (dimension) {
            case DEPARTMENT -> 0;
            case REGION -> deals.region[row];
            case SEGMENT -> deals.segment[row];
            case REP -> deals.owner[row];
            case PIPELINE -> deals.pipeline[row];
            case PRODUCT -> throw new IllegalStateException("a deal has several products");
        };
    }
}
