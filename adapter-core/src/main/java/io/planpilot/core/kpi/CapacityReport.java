package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Whether each row has the resources its plan needs (KPI.md, "Capacity"). */
final class CapacityReport {

    private static final MathContext MC = MathContext.DECIMAL128;
    private static final long THIRTY_DAYS = 30 * Micros.DAY;

    private final Scope scope;
    private final Dimension dimension;
    private final Map<String, KpiEngine.Row> rows = new LinkedHashMap<>();
    private final Map<Integer, Resources> resources = new HashMap<>();

    /** A row's reps and their work in the lookback window and the last 30 days. */
    private static final class Resources {
        final Set<Integer> reps = new HashSet<>();
        final Set<Integer> workingInLookback = new HashSet<>();
        final Set<Integer> workingLately = new HashSet<>();
        long doneInLookback;
        final Map<Integer, Long> doneInLookbackBy = new HashMap<>();
        final Set<Integer> completedInLookback = new HashSet<>();
        final Set<Integer> completedLately = new HashSet<>();
    }

    CapacityReport(Scope scope, Dimension dimension, Map<String, KpiEngine.Row> allRows) {
        this.scope = scope;
        this.dimension = dimension;
        allRows.forEach((key, row) -> {
            if (dimension == Dimension.DEPARTMENT || row.plan() != null) {
                rows.put(key, row);
                Resources r = resources.computeIfAbsent(row.value(), v -> new Resources());
                if (dimension == Dimension.REP && row.value() >= 0) {
                    r.reps.add(row.value()); // a rep row's rep is the rep, deals or not
                }
            }
        });
        scanDeals();
        scanActivities();
    }

    private void scanDeals() {
        DealColumns deals = scope.deals;
        long lateFrom = scope.t - THIRTY_DAYS;
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (!scope.exists(row)) {
                continue;
            }
            int owner = deals.owner[row];
            if (owner < 0) {
                continue;
            }
            boolean inLookback = scope.createdIn(row, scope.lookbackStart, scope.lookbackEnd)
                    || scope.closedIn(row, scope.lookbackStart, scope.lookbackEnd);
            boolean lately = scope.createdIn(row, lateFrom, scope.t + 1) || scope.closedIn(row, lateFrom, scope.t + 1);
            for (int value : values(row)) {
                Resources r = resources.get(value);
                if (r == null) {
                    continue;
                }
                r.reps.add(owner);
                if (inLookback) {
                    r.workingInLookback.add(owner);
                }
                if (lately) {
                    r.workingLately.add(owner);
                }
            }
        }
    }

    private void scanActivities() {
        ActivityColumns a = scope.activities;
        long lateFrom = scope.t - THIRTY_DAYS;
        for (int row = 0; row < scope.snapshot.activityCount; row++) {
            long completed = a.completed[row];
            if (completed == Micros.NONE || completed > scope.t || !scope.activityInScope(row)) {
                continue;
            }
            boolean inLookback = completed >= scope.lookbackStart && completed < scope.lookbackEnd;
            boolean lately = completed >= lateFrom;
            if (!inLookback && !lately) {
                continue;
            }
            int owner = a.owner[row];
            for (int value : activityValues(row)) {
                Resources r = resources.get(value);
                if (r == null) {
                    continue;
                }
                if (inLookback) {
                    r.doneInLookback++;
                    r.doneInLookbackBy.merge(owner, 1L, Long::sum);
                    r.completedInLookback.add(owner);
                }
                if (lately) {
                    r.completedLately.add(owner);
                }
            }
        }
    }

    /** The row values a deal counts under. */
    private int[] values(int row) {
        DealColumns deals = scope.deals;
        return switch (dimension) {
            case DEPARTMENT -> new int[] {0};
            case REGION -> new int[] {deals.region[row]};
            case SEGMENT -> new int[] {deals.segment[row]};
            case REP -> new int[] {deals.owner[row]};
            case PIPELINE -> new int[] {deals.pipeline[row]};
            case PRODUCT -> deals.lineProducts[row];
        };
    }

    /** A department's activities are all; a rep's are its own; any other row's are its deals'. */
    private int[] activityValues(int row) {
        return switch (dimension) {
            case DEPARTMENT -> new int[] {0};
            case REP -> new int[] {scope.activities.owner[row]};
            default -> {
                int deal = scope.snapshot.rowOf(scope.activities.dealNo[row]);
                yield deal >= 0 && scope.exists(deal) ? values(deal) : new int[0];
            }
        };
    }

    List<CapacityRow> rows() {
        List<CapacityRow> result = new ArrayList<>();
        rows.forEach((key, row) -> result.add(row(key, row, resources.get(row.value()))));
        return result;
    }

    private CapacityRow row(String key, KpiEngine.Row row, Resources r) {
        RowTally tally = row.tally();
        Set<Integer> workingInLookback = working(r.reps, r.workingInLookback, r.completedInLookback);
        Set<Integer> workingLately = working(r.reps, r.workingLately, r.completedLately);
        BigDecimal plan = row.plan();
        BigDecimal won = tally.wonAmount;
        BigDecimal averageDealL = tally.averageDealL();
        BigDecimal winRateL = tally.winRateL();
        BigDecimal activitiesPerWonL = tally.wonCountL == 0 ? null
                : BigDecimal.valueOf(r.doneInLookback).divide(BigDecimal.valueOf(tally.wonCountL), MC);
        int lookbackDays = scope.snapshot.settings.workingDays(scope.query.period().start().minusDays(
                scope.snapshot.settings.lookbackDays()), scope.query.period().start());
        long doneByWorking = workingInLookback.stream().mapToLong(rep -> r.doneInLookbackBy.getOrDefault(rep, 0L)).sum();
        BigDecimal activitiesPerRepDayL = workingInLookback.isEmpty() || lookbackDays == 0 ? null
                : BigDecimal.valueOf(doneByWorking).divide(BigDecimal.valueOf((long) workingInLookback.size() * lookbackDays), MC);
        LocalDate from = scope.today.isAfter(scope.query.period().start()) ? scope.today : scope.query.period().start();
        int workingDaysLeft = from.isBefore(scope.query.period().end())
                ? scope.snapshot.settings.workingDays(from, scope.query.period().end()) : 0;
        int repsActive = workingLately.size();

        List<String> reason = new ArrayList<>();
        if (plan == null) {
            reason.add("plan");
        }
        if (averageDealL == null || averageDealL.signum() == 0) {
            reason.add("averageDealL");
        }
        if (winRateL == null || winRateL.signum() == 0) {
            reason.add("winRateL");
        }
        if (activitiesPerWonL == null || activitiesPerWonL.signum() == 0) {
            reason.add("activitiesPerWonL");
        }
        if (activitiesPerRepDayL == null || activitiesPerRepDayL.signum() == 0) {
            reason.add("activitiesPerRepDayL");
        }
        if (workingDaysLeft == 0) {
            reason.add("workingDaysLeft");
        }

        BigDecimal remaining = plan == null ? null : plan.subtract(won).max(BigDecimal.ZERO);
        Long winsNeeded = remaining == null ? null
                : remaining.signum() == 0 ? Long.valueOf(0)
                : nonZero(averageDealL) ? ceil(remaining.divide(averageDealL, MC)) : null;
        BigDecimal expectedWins = tally.expectedWins;
        Long opportunitiesNeeded = winsNeeded == null || !nonZero(winRateL) ? null
                : ceil(BigDecimal.valueOf(winsNeeded).subtract(expectedWins).max(BigDecimal.ZERO).divide(winRateL, MC));
        BigDecimal activitiesNeeded = winsNeeded == null || activitiesPerWonL == null ? null
                : BigDecimal.valueOf(winsNeeded).multiply(activitiesPerWonL, MC);
        BigDecimal activitiesAvailable = activitiesPerRepDayL == null ? null
                : BigDecimal.valueOf(repsActive).multiply(activitiesPerRepDayL, MC).multiply(BigDecimal.valueOf(workingDaysLeft), MC);
        BigDecimal capacityPerRep = activitiesPerRepDayL == null ? null
                : activitiesPerRepDayL.multiply(BigDecimal.valueOf(workingDaysLeft), MC);
        Long repsNeeded = activitiesNeeded == null || !nonZero(capacityPerRep) ? null
                : ceil(activitiesNeeded.divide(capacityPerRep, MC));
        Long gapReps = repsNeeded == null ? null : Math.max(repsNeeded - repsActive, 0);
        BigDecimal achievable = activitiesAvailable == null || !nonZero(activitiesPerWonL) || winsNeeded == null
                || averageDealL == null ? null
                : won.add(activitiesAvailable.divide(activitiesPerWonL, MC).min(BigDecimal.valueOf(winsNeeded))
                .multiply(averageDealL, MC));
        CapacityRow.Verdict verdict = gapReps == null ? null
                : gapReps == 0 ? CapacityRow.Verdict.ON_TRACK : CapacityRow.Verdict.EXPAND_OR_LOWER_PLAN;
        return new CapacityRow(key, row.name(), plan, won, averageDealL, winRateL, activitiesPerWonL, activitiesPerRepDayL,
                remaining, winsNeeded, expectedWins, opportunitiesNeeded, activitiesNeeded, workingDaysLeft, repsActive,
                activitiesAvailable, repsNeeded, gapReps, achievable, verdict, reason);
    }

    /** The row's reps who own one of its deals created or closed in the window, or completed one of its activities. */
    private static Set<Integer> working(Set<Integer> reps, Set<Integer> byDeals, Set<Integer> byActivities) {
        Set<Integer> working = new HashSet<>(byDeals);
        for (int rep : byActivities) {
            if (reps.contains(rep)) {
                working.add(rep);
            }
        }
        return working;
    }

    private static boolean nonZero(BigDecimal value) {
        return value != null && value.signum() != 0;
    }

    /**
     * {@code ceil} of a quotient computed in DECIMAL128 from inputs that are themselves rounded
     * quotients: a result within rounding noise of a whole number is that number (12 / (4/189) is
     * 567, not the 567.000…1 the rounded divisor gives).
     */
    static long ceil(BigDecimal value) {
        BigDecimal nearest = value.setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal noise = value.abs().max(BigDecimal.ONE).multiply(ROUNDING_NOISE);
        if (value.subtract(nearest).abs().compareTo(noise) <= 0) {
            return nearest.longValueExact();
        }
        return value.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    private static final BigDecimal ROUNDING_NOISE = new BigDecimal("1e-25");
}
