package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The deal-by-deal facts rules act on ({@link DealFacts}), from the same scope as every KPI. */
final class DealFactsReport {

    private final Scope scope;

    DealFactsReport(Scope scope) {
        this.scope = scope;
    }

    DealFacts report() {
        DealColumns deals = scope.deals;
        List<DealFacts.OpenDeal> open = new ArrayList<>();
        List<DealFacts.ClosedDeal> wonInPeriod = new ArrayList<>();
        List<DealFacts.ClosedDeal> wonInLookback = new ArrayList<>();
        long createdInPeriod = 0;
        // by stage number: the finished visits that ended in L, in micros
        Map<Integer, List<Long>> visits = new TreeMap<>();
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (!scope.exists(row)) {
                continue;
            }
            if (scope.createdIn(row, scope.periodStart, scope.periodEnd)) {
                createdInPeriod++;
            }
            byte status = scope.statusAt(row);
            if (status == DealColumns.OPEN) {
                open.add(openDeal(row));
            } else if (status == DealColumns.WON) {
                if (scope.closedIn(row, scope.periodStart, scope.periodEnd)) {
                    wonInPeriod.add(closedDeal(row));
                } else if (scope.closedIn(row, scope.lookbackStart, scope.lookbackEnd)) {
                    wonInLookback.add(closedDeal(row));
                }
            }
            collectVisits(row, visits);
        }
        Comparator<DealFacts.OpenDeal> byOpenKey = Comparator.comparing(DealFacts.OpenDeal::key);
        Comparator<DealFacts.ClosedDeal> byClosedKey = Comparator.comparing(DealFacts.ClosedDeal::key);
        open.sort(byOpenKey);
        wonInPeriod.sort(byClosedKey);
        wonInLookback.sort(byClosedKey);
        List<DealFacts.StageVisits> stageVisits = new ArrayList<>();
        visits.forEach((stage, micros) -> {
            Catalog.StageInfo info = scope.catalog.stages.get(stage);
            List<BigDecimal> days = micros.stream().sorted().map(m -> Micros.days(0, m)).toList();
            stageVisits.add(new DealFacts.StageVisits(scope.catalog.connections.get(info.connection()),
                    scope.catalog.pipelines.get(info.pipeline()).id(), info.id(), info.name(), days));
        });
        stageVisits.sort(Comparator.comparing(DealFacts.StageVisits::connection)
                .thenComparing(DealFacts.StageVisits::pipelineId)
                .thenComparing(v -> scope.catalog.stages.get(scope.catalog.stage(
                        scope.catalog.pipeline(scope.catalog.findConnection(v.connection()), v.pipelineId()), v.stageId()))
                        .openRank()));
        return new DealFacts(open, wonInPeriod, wonInLookback, createdInPeriod, stageVisits);
    }

    private DealFacts.OpenDeal openDeal(int row) {
        DealColumns deals = scope.deals;
        int stage = scope.stageAt(row);
        Catalog.StageInfo info = stage < 0 ? null : scope.catalog.stages.get(stage);
        // entered its stage at t with its last history entry at or before t (repeats of the same stage
        // just before it are one visit); without history it has been there since createdAt
        long entered = deals.created[row];
        int last = lastSeen(row);
        if (last >= 0) {
            int[] stages = deals.historyStages[row];
            while (last > 0 && stages[last - 1] == stages[last]) {
                last--;
            }
            entered = deals.historyTimes[row][last];
        }
        int owner = deals.owner[row];
        int expected = deals.expectedClose[row];
        return new DealFacts.OpenDeal(scope.catalog.connections.get(deals.connection[row]), deals.id[row],
                scope.keys.dealId(deals.connection[row], deals.id[row]),
                owner < 0 ? null : scope.catalog.reps.get(owner).id(), scope.keys.repKey(owner), scope.keys.repName(owner),
                scope.catalog.pipelines.get(deals.pipeline[row]).id(),
                info == null ? null : info.id(), info == null ? null : info.name(), info != null && info.openRank() >= 0,
                Micros.instant(entered), Micros.instant(deals.created[row]), Micros.instant(scope.lastActivity(row)),
                scope.stale(row), deals.amount[row],
                expected == DealColumns.NO_DATE ? null : java.time.LocalDate.ofEpochDay(expected));
    }

    /** The index of the deal's last history entry at or before t, or -1. */
    private int lastSeen(int row) {
        long[] times = scope.deals.historyTimes[row];
        int last = -1;
        for (int i = 0; i < times.length && times[i] <= scope.t; i++) {
            last = i;
        }
        return last;
    }

    private DealFacts.ClosedDeal closedDeal(int row) {
        DealColumns deals = scope.deals;
        int owner = deals.owner[row];
        return new DealFacts.ClosedDeal(scope.catalog.connections.get(deals.connection[row]), deals.id[row],
                scope.keys.dealId(deals.connection[row], deals.id[row]),
                owner < 0 ? null : scope.catalog.reps.get(owner).id(), scope.keys.repKey(owner), scope.keys.repName(owner),
                deals.amount[row], Micros.instant(deals.closed[row]));
    }

    /**
     * Each visit of the deal to an open stage of its pipeline that ended within L: the same
     * sequence of entries as the funnel's time in stage (history at or before t, the first stage
     * entered at createdAt when the history lacks it, the closed stage entered at closedAt when the
     * history does not end with it), a visit lasting until the next entry.
     */
    private void collectVisits(int row, Map<Integer, List<Long>> visits) {
        DealColumns deals = scope.deals;
        Catalog.PipelineInfo info = scope.catalog.pipelines.get(deals.pipeline[row]);
        long[] historyTimes = deals.historyTimes[row];
        int[] historyStages = deals.historyStages[row];
        int seen = 0;
        while (seen < historyTimes.length && historyTimes[seen] <= scope.t) {
            seen++;
        }
        boolean closed = scope.statusAt(row) != DealColumns.OPEN;
        if (seen == 0 && !closed) {
            return; // one visit, still going
        }
        int first = info.firstOpenStage();
        int closedStage = deals.stage[row];
        boolean hasFirst = false;
        for (int i = 0; i < seen; i++) {
            hasFirst |= historyStages[i] == first;
        }
        boolean hasClosed = seen > 0 && historyStages[seen - 1] == closedStage;
        int n = 0;
        int[] stages = new int[seen + 2];
        long[] times = new long[seen + 2];
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
            long left = times[i + 1];
            if (stages[i] < 0 || left < scope.lookbackStart || left >= scope.lookbackEnd) {
                continue;
            }
            Catalog.StageInfo stage = scope.catalog.stages.get(stages[i]);
            if (stage.openRank() >= 0 && stage.pipeline() == deals.pipeline[row]) {
                visits.computeIfAbsent(stages[i], k -> new ArrayList<>()).add(left - times[i]);
            }
        }
    }

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
}
