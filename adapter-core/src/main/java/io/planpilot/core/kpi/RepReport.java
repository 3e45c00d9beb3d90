package io.planpilot.core.kpi;

import io.planpilot.core.domain.ActivityType;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The reps' rows (KPI.md, "Reps"): won figures of the deals they own, and their own activities. */
final class RepReport {

    private static final ActivityType[] TYPES = ActivityType.values();

    private final Scope scope;
    private final Map<String, KpiEngine.Row> rows;
    /** By rep number + 1 (no owner is -1): done by type, tasks {due, on time, overdue}, stale deals. */
    private final long[][] done;
    private final long[][] tasks;
    private final long[] stale;

    RepReport(Scope scope, Map<String, KpiEngine.Row> rows) {
        this.scope = scope;
        this.rows = rows;
        int reps = scope.catalog.reps.size() + 1;
        this.done = new long[reps][TYPES.length];
        this.tasks = new long[reps][3];
        this.stale = new long[reps];
        countActivities();
        countStaleDeals();
    }

    /** Every user the CRM marks active, and every owner of an activity created or completed in P. */
    static Set<Integer> repsToShow(Scope scope) {
        boolean[] shown = new boolean[scope.catalog.reps.size()];
        for (int rep = 0; rep < shown.length; rep++) {
            Catalog.RepInfo info = scope.catalog.reps.get(rep);
            shown[rep] = info.active() && (scope.connection < 0 || info.connection() == scope.connection);
        }
        ActivityColumns a = scope.activities;
        for (int row = 0; row < scope.snapshot.activityCount; row++) {
            int owner = a.owner[row];
            if (owner >= 0 && owner < shown.length && !shown[owner]
                    && (inPeriod(scope, a.created[row]) || inPeriod(scope, a.completed[row])) && scope.activityInScope(row)) {
                shown[owner] = true;
            }
        }
        Set<Integer> reps = new LinkedHashSet<>();
        for (int rep = 0; rep < shown.length; rep++) {
            if (shown[rep]) {
                reps.add(rep);
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
            if (owner + 1 >= done.length) {
                continue; // a rep added after this snapshot was taken
            }
            if (doneByT && completed >= scope.periodStart && completed < scope.periodEnd) {
                done[owner + 1][a.type[row]]++;
            }
            if (a.type[row] != task || a.due[row] == Micros.NONE) {
                continue;
            }
            long due = a.due[row];
            long[] counts = tasks[owner + 1];
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
            if (scope.exists(row) && scope.statusAt(row) == DealColumns.OPEN && scope.deals.owner[row] + 1 < stale.length
                    && scope.stale(row)) {
                stale[scope.deals.owner[row] + 1]++;
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
            boolean known = rep >= 0 && rep + 1 < done.length;
            long[] byType = known ? done[rep + 1] : new long[TYPES.length];
            Map<ActivityType, Long> activitiesDone = new java.util.LinkedHashMap<>();
            long total = 0;
            for (ActivityType type : TYPES) {
                activitiesDone.put(type, byType[type.ordinal()]);
                total += byType[type.ordinal()];
            }
            long[] taskCounts = known ? tasks[rep + 1] : new long[3];
            BigDecimal perWon = tally.wonCount == 0 ? null
                    : BigDecimal.valueOf(total).divide(BigDecimal.valueOf(tally.wonCount), MathContext.DECIMAL128);
            BigDecimal completion = taskCounts[0] == 0 ? null
                    : BigDecimal.valueOf(taskCounts[1]).divide(BigDecimal.valueOf(taskCounts[0]), MathContext.DECIMAL128);
            result.add(new RepFigures(key, row.name(), tally.wonAmount(), tally.wonCount, tally.winRate(), activitiesDone,
                    perWon, completion, taskCounts[2], known ? stale[rep + 1] : 0L));
        });
        return result;
    }
}
