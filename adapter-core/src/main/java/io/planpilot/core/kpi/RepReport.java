package io.planpilot.core.kpi;

import io.planpilot.core.domain.ActivityType;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The reps' rows (KPI.md, "Reps"): won figures of the deals they own, and their own activities. */
final class RepReport {

    private static final ActivityType[] TYPES = ActivityType.values();

    private final Scope scope;
    private final Map<String, KpiEngine.Row> rows;
    private final Map<Integer, long[]> done = new HashMap<>();
    private final Map<Integer, long[]> tasks = new HashMap<>(); // {due, on time, overdue}
    private final Map<Integer, Long> stale = new HashMap<>();

    RepReport(Scope scope, Map<String, KpiEngine.Row> rows) {
        this.scope = scope;
        this.rows = rows;
        countActivities();
        countStaleDeals();
    }

    /** Every user the CRM marks active, and every owner of an activity created or completed in P. */
    static Set<Integer> repsToShow(Scope scope) {
        Set<Integer> reps = new LinkedHashSet<>();
        for (int rep = 0; rep < scope.catalog.reps.size(); rep++) {
            Catalog.RepInfo info = scope.catalog.reps.get(rep);
            if (info.active() && (scope.connection < 0 || info.connection() == scope.connection)) {
                reps.add(rep);
            }
        }
        ActivityColumns a = scope.activities;
        for (int row = 0; row < scope.snapshot.activityCount; row++) {
            if (a.owner[row] >= 0 && scope.activityInScope(row)
                    && (inPeriod(scope, a.created[row]) || inPeriod(scope, a.completed[row]))) {
                reps.add(a.owner[row]);
            }
        }
        return reps;
    }

    private static boolean inPeriod(Scope scope, long instant) {
        return instant != Micros.NONE && instant <= scope.t && instant >= scope.periodStart && instant < scope.periodEnd;
    }

    private void countActivities() {
        ActivityColumns a = scope.activities;
        int task = ActivityType.TASK.ordinal();
        for (int row = 0; row < scope.snapshot.activityCount; row++) {
            if (!scope.activityInScope(row)) {
                continue;
            }
            int owner = a.owner[row];
            long completed = a.completed[row];
            boolean doneByT = completed != Micros.NONE && completed <= scope.t;
            if (doneByT && completed >= scope.periodStart && completed < scope.periodEnd) {
                done.computeIfAbsent(owner, k -> new long[TYPES.length])[a.type[row]]++;
            }
            if (a.type[row] != task || a.due[row] == Micros.NONE) {
                continue;
            }
            long due = a.due[row];
            long[] counts = tasks.computeIfAbsent(owner, k -> new long[3]);
            if (due >= scope.periodStart && due < scope.periodEnd && due < scope.t) {
                counts[0]++;
                if (doneByT && completed <= due) {
                    counts[1]++;
                }
            }
            if (!doneByT && due < scope.t) {
                counts[2]++;
            }
        }
    }

    private void countStaleDeals() {
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (scope.exists(row) && scope.statusAt(row) == DealColumns.OPEN && scope.stale(row)) {
                stale.merge(scope.deals.owner[row], 1L, Long::sum);
            }
        }
    }

    List<RepFigures> rows() {
        List<RepFigures> result = new ArrayList<>();
        rows.forEach((key, row) -> {
            int rep = row.value();
            if (rep == -1) {
                return; // deals without an owner: a breakdown row, but no user
            }
            RowTally tally = row.tally();
            long[] byType = done.getOrDefault(rep, new long[TYPES.length]);
            Map<ActivityType, Long> activitiesDone = new java.util.LinkedHashMap<>();
            long total = 0;
            for (ActivityType type : TYPES) {
                activitiesDone.put(type, byType[type.ordinal()]);
                total += byType[type.ordinal()];
            }
            long[] taskCounts = tasks.getOrDefault(rep, new long[3]);
            BigDecimal perWon = tally.wonCount == 0 ? null
                    : BigDecimal.valueOf(total).divide(BigDecimal.valueOf(tally.wonCount), MathContext.DECIMAL128);
            BigDecimal completion = taskCounts[0] == 0 ? null
                    : BigDecimal.valueOf(taskCounts[1]).divide(BigDecimal.valueOf(taskCounts[0]), MathContext.DECIMAL128);
            result.add(new RepFigures(key, row.name(), tally.wonAmount, tally.wonCount, tally.winRate(), activitiesDone,
                    perWon, completion, taskCounts[2], stale.getOrDefault(rep, 0L)));
        });
        return result;
    }
}
