package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The funnel of one pipeline for the deals created in the period (KPI.md, "Funnel"). */
final class FunnelReport {

    private static final MathContext MC = MathContext.DECIMAL128;

    private final Scope scope;

    FunnelReport(Scope scope) {
        this.scope = scope;
    }

    Funnel funnel(String pipelineKey) {
        int pipeline = pipeline(pipelineKey);
        Catalog.PipelineInfo info = scope.catalog.pipelines.get(pipeline);
        int stages = info.openStages().length;
        long[] reached = new long[stages];
        long won = 0;
        List<List<Long>> times = new ArrayList<>();
        for (int i = 0; i < stages; i++) {
            times.add(new ArrayList<>());
        }
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (!scope.exists(row) || scope.deals.pipeline[row] != pipeline
                    || !scope.createdIn(row, scope.periodStart, scope.periodEnd)) {
                continue;
            }
            int last = Math.min(scope.reachedRank(row), stages - 1);
            for (int rank = 0; rank <= last; rank++) {
                reached[rank]++;
            }
            if (scope.statusAt(row) == DealColumns.WON) {
                won++;
            }
            long[] total = new long[stages];
            boolean[] left = new boolean[stages];
            finishedVisits(row, info, total, left);
            for (int rank = 0; rank < stages; rank++) {
                if (left[rank]) {
                    times.get(rank).add(total[rank]);
                }
            }
        }
        List<Funnel.Step> steps = new ArrayList<>();
        for (int rank = 0; rank < stages; rank++) {
            Catalog.StageInfo stage = scope.catalog.stages.get(info.openStages()[rank]);
            long next = rank + 1 < stages ? reached[rank + 1] : won;
            BigDecimal conversion = reached[rank] == 0 ? null
                    : BigDecimal.valueOf(next).divide(BigDecimal.valueOf(reached[rank]), MC);
            steps.add(new Funnel.Step(stage.id(), stage.name(), reached[rank], conversion, medianDays(times.get(rank))));
        }
        BigDecimal winRate = stages == 0 || reached[0] == 0 ? null
                : BigDecimal.valueOf(won).divide(BigDecimal.valueOf(reached[0]), MC);
        return new Funnel(scope.keys.pipelineKey(pipeline), steps, won, winRate);
    }

    private int pipeline(String key) {
        List<Integer> candidates = new ArrayList<>();
        for (int p = 0; p < scope.catalog.pipelines.size(); p++) {
            if (scope.connection < 0 || scope.catalog.pipelines.get(p).connection() == scope.connection) {
                candidates.add(p);
            }
        }
        if (key == null || key.isEmpty()) {
            if (candidates.size() == 1) {
                return candidates.get(0);
            }
            List<String> keys = candidates.stream().map(scope.keys::pipelineKey).sorted().toList();
            throw new KpiParameterException("pipeline", candidates.isEmpty() ? "there is no pipeline yet"
                    : "required: there are " + candidates.size() + " pipelines " + keys);
        }
        for (int p : candidates) {
            if (scope.keys.pipelineKey(p).equals(key)) {
                return p;
            }
        }
        throw new UnknownKeyException("pipeline", key);
    }

    /**
     * Adds up the deal's finished visits to each open stage: from its history at or before t, with
     * the first stage entered at createdAt when the history lacks it, and its closed stage entered
     * at closedAt when the history does not end with it. A visit still going at t is left out.
     */
    private void finishedVisits(int row, Catalog.PipelineInfo info, long[] total, boolean[] left) {
        DealColumns deals = scope.deals;
        long[] historyTimes = deals.historyTimes[row];
        int[] historyStages = deals.historyStages[row];
        int seen = 0;
        while (seen < historyTimes.length && historyTimes[seen] <= scope.t) {
            seen++;
        }
        int first = info.firstOpenStage();
        boolean closed = scope.statusAt(row) != DealColumns.OPEN;
        int closedStage = deals.stage[row];
        boolean hasFirst = false;
        for (int i = 0; i < seen; i++) {
            hasFirst |= historyStages[i] == first;
        }
        // closedAt is when the deal last entered its closed stage: the history has that entry only
        // when its last entry is the closed stage (an earlier close, then a reopening, does not count)
        boolean hasClosed = seen > 0 && historyStages[seen - 1] == closedStage;
        int[] stages = new int[seen + 2];
        long[] times = new long[seen + 2];
        int n = 0;
        if (!hasFirst && first >= 0) {
            stages[n] = first;
            times[n++] = deals.created[row];
        }
        for (int i = 0; i < seen; i++) {
            stages[n] = historyStages[i];
            times[n++] = historyTimes[i];
        }
        if (closed && !hasClosed) {
            stages[n] = closedStage;
            times[n++] = deals.closed[row];
        }
        sortByTime(stages, times, n);
        for (int i = 0; i + 1 < n; i++) {
            int rank = stages[i] < 0 ? -1 : scope.catalog.stages.get(stages[i]).openRank();
            if (rank >= 0 && scope.catalog.stages.get(stages[i]).pipeline() == scope.deals.pipeline[row]) {
                total[rank] += times[i + 1] - times[i];
                left[rank] = true;
            }
        }
    }

    /** A stable insertion sort: histories are a few entries long. */
    private static void sortByTime(int[] stages, long[] times, int n) {
        for (int i = 1; i < n; i++) {
            int stage = stages[i];
            long time = times[i];
            int j = i - 1;
            while (j >= 0 && times[j] > time) {
                stages[j + 1] = stages[j];
                times[j + 1] = times[j];
                j--;
            }
            stages[j + 1] = stage;
            times[j + 1] = time;
        }
    }

    private static BigDecimal medianDays(List<Long> values) {
        if (values.isEmpty()) {
            return null;
        }
        long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        int n = sorted.length;
        BigDecimal middle = n % 2 == 1 ? BigDecimal.valueOf(sorted[n / 2])
                : BigDecimal.valueOf(sorted[n / 2 - 1]).add(BigDecimal.valueOf(sorted[n / 2])).divide(BigDecimal.valueOf(2), MC);
        return middle.divide(BigDecimal.valueOf(Micros.DAY), MC);
    }
}
