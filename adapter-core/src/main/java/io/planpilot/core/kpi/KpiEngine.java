package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every result of KPI.md, computed from one snapshot: pure functions of the snapshot and the query.
 * The engine keeps no state of its own; create one per snapshot.
 */
public final class KpiEngine {

    private final KpiSnapshot snapshot;

    public KpiEngine(KpiSnapshot snapshot) {
        this.snapshot = snapshot;
    }

    public KpiFigures summary(KpiQuery query) {
        return breakdown(query, Dimension.DEPARTMENT).get(0).figures();
    }

    /** One row per key with deals created or closed in the period, open, or planned; sorted by key. */
    public List<BreakdownRow> breakdown(KpiQuery query, Dimension dimension) {
        Scope scope = new Scope(snapshot, query);
        List<BreakdownRow> rows = new ArrayList<>();
        rows(scope, dimension).forEach((key, row) -> rows.add(new BreakdownRow(key, row.name(), row.tally().figures(row.plan()))));
        return rows;
    }

    /** @param pipeline the pipeline key; null for the only pipeline in scope */
    public Funnel funnel(KpiQuery query, String pipeline) {
        return new FunnelReport(new Scope(snapshot, query)).funnel(pipeline);
    }

    public List<RepFigures> reps(KpiQuery query) {
        Scope scope = new Scope(snapshot, query);
        return new RepReport(scope, rows(scope, Dimension.REP)).rows();
    }

    /** The department's row, or one row per key of the dimension that has a plan in the period. */
    public List<CapacityRow> capacity(KpiQuery query, Dimension dimension) {
        Scope scope = new Scope(snapshot, query);
        return new CapacityReport(scope, dimension, rows(scope, dimension)).rows();
    }

    public DataQuality dataQuality(KpiQuery query) {
        return new DataQualityReport(new Scope(snapshot, query)).report();
    }

    /** Deal by deal, what rules act on: open deals, won deals, stage visit times (not a KPI.md result). */
    public DealFacts dealFacts(KpiQuery query) {
        return new DealFactsReport(new Scope(snapshot, query)).report();
    }

    /** The deals behind a figure, sorted by key (read-only: the same scope and row keys as the figures). */
    public List<DealList.Line> deals(KpiQuery query, DealList.Filter filter) {
        return DealList.list(new Scope(snapshot, query), filter);
    }

    /** The snapshot the figures come from (its settings: currency, zone, working days). */
    public KpiSnapshot snapshot() {
        return snapshot;
    }

    /** A row being shown: its name, its tally and its plan (null when none). */
    record Row(String name, RowTally tally, BigDecimal plan, int value) {
    }

    /** The rows of a dimension, by key (KPI.md, "Which rows"). */
    static Map<String, Row> rows(Scope scope, Dimension dimension) {
        RowTallies tallies = new RowTallies(scope, dimension);
        RowKeys keys = scope.keys;
        Map<String, BigDecimal> plans = scope.snapshot.plan.plans(scope.query.period(), dimension, scope.connection, scope.connectionId, keys);
        Map<String, Integer> values = valuesByKey(scope, dimension);
        Map<String, Row> rows = new TreeMap<>();
        tallies.all().forEach((value, tally) -> {
            if (tally.present || dimension == Dimension.DEPARTMENT) {
                String key = keys.key(dimension, value);
                rows.put(key, new Row(keys.name(dimension, value), tally, plans.get(key), value));
            }
        });
        if (dimension == Dimension.DEPARTMENT && rows.isEmpty()) {
            rows.put(RowKeys.ALL, new Row(RowKeys.ALL, new RowTally(), plans.get(RowKeys.ALL), 0));
        }
        plans.forEach((key, plan) -> rows.computeIfAbsent(key, k -> row(scope, dimension, tallies, values, k, plan)));
        if (dimension == Dimension.REP) {
            for (int rep : RepReport.repsToShow(scope)) {
                String key = keys.repKey(rep);
                rows.computeIfAbsent(key, k -> row(scope, dimension, tallies, values, k, plans.get(k)));
            }
        }
        return rows;
    }

    /** Every value of a dimension by its row key, so a planned row finds its deals even when none is tallied. */
    private static Map<String, Integer> valuesByKey(Scope scope, Dimension dimension) {
        Map<String, Integer> values = new TreeMap<>();
        RowKeys keys = scope.keys;
        Catalog catalog = scope.catalog;
        if (dimension != Dimension.DEPARTMENT && dimension != Dimension.PIPELINE) {
            values.put(Dimension.NONE, -1);
        }
        switch (dimension) {
            case DEPARTMENT -> values.put(RowKeys.ALL, 0);
            case REGION -> addAll(values, dimension, keys, catalog.regions.size());
            case SEGMENT -> addAll(values, dimension, keys, catalog.segments.size());
            case PRODUCT -> addAll(values, dimension, keys, catalog.products.size());
            case REP -> {
                for (int rep = 0; rep < catalog.reps.size(); rep++) {
                    if (scope.connection < 0 || catalog.reps.get(rep).connection() == scope.connection) {
                        values.put(keys.repKey(rep), rep);
                    }
                }
            }
            case PIPELINE -> {
                for (int pipeline = 0; pipeline < catalog.pipelines.size(); pipeline++) {
                    if (scope.connection < 0 || catalog.pipelines.get(pipeline).connection() == scope.connection) {
                        values.put(keys.pipelineKey(pipeline), pipeline);
                    }
                }
            }
        }
        return values;
    }

    private static void addAll(Map<String, Integer> values, Dimension dimension, RowKeys keys, int size) {
        for (int value = 0; value < size; value++) {
            values.put(keys.key(dimension, value), value);
        }
    }

    private static Row row(Scope scope, Dimension dimension, RowTallies tallies, Map<String, Integer> values, String key,
                           BigDecimal plan) {
        Integer value = values.get(key);
        if (value == null) {
            return new Row(key, new RowTally(), plan, Integer.MIN_VALUE);
        }
        RowTally tally = tallies.all().getOrDefault(value, new RowTally());
        return new Row(scope.keys.name(dimension, value), tally, plan, value);
    }
}
