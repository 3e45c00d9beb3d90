package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Whether each row has the resources its plan needs (KPI.md, "Capacity"). */
final class CapacityReport {

    private static final MathContext MC = MathContext.DECIMAL128;
    private static final long THIRTY_DAYS = 30 * Micros.DAY;

    private final Scope scope;
    private final Dimension dimension;
    private final Map<String, KpiEngine.Row> rows = new LinkedHashMap<>();
    /** Capacity rows by value + 1 of the dimension; null where the value has no row. */
    private final Resources[] resourcesByValue;

    /**
     * A row's reps and their work in the lookback window and the last 30 days, by rep number:
     * arrays, since every deal and activity in scope passes through here.
     */
    private static final class Resources {
        final boolean[] reps;
        final boolean[] workingInLookback;
        final boolean[] workingLately;
        final boolean[] completedInLookback;
        final boolean[] completedLately;
        final long[] doneInLookbackBy;
        long doneInLookback;

        /** Adds the counts of the same row from another part of the rows. */
        void merge(Resources other) {
            for (int rep = 0; rep < reps.length; rep++) {
                reps[rep] |= other.reps[rep];
                workingInLookback[rep] |= other.workingInLookback[rep];
                workingLately[rep] |= other.workingLately[rep];
                completedInLookback[rep] |= other.completedInLookback[rep];
                completedLately[rep] |= other.completedLately[rep];
                doneInLookbackBy[rep] += other.doneInLookbackBy[rep];
            }
            doneInLookback += other.doneInLookback;
        }

        Resources(int reps) {
            this.reps = new boolean[reps];
            this.workingInLookback = new boolean[reps];
            this.workingLately = new boolean[reps];
            this.completedInLookback = new boolean[reps];
            this.completedLately = new boolean[reps];
            this.doneInLookbackBy = new long[reps];
        }
    }

    CapacityReport(Scope scope, Dimension dimension, Map<String, KpiEngine.Row> allRows) {
        this.scope = scope;
        this.dimension = dimension;
        int reps = scope.catalog.reps.size();
        this.resourcesByValue = new Resources[DimensionValues.count(scope.catalog, dimension) + 1];
        allRows.forEach((key, row) -> {
            if (dimension == Dimension.DEPARTMENT || row.plan() != null) {
                rows.put(key, row);
                if (row.value() >= -1 && row.value() + 1 < resourcesByValue.length) {
                    Resources r = resourcesByValue[row.value() + 1];
                    if (r == null) {
                        r = new Resources(reps);
                        resourcesByValue[row.value() + 1] = r;
                    }
                    if (dimension == Dimension.REP && row.value() >= 0) {
                        r.reps[row.value()] = true; // a rep row's rep is the rep, deals or not
                    }
                }
            }
        });
        int deals = scope.snapshot.dealCount;
        int activities = scope.snapshot.activityCount;
        if (deals > RowTallies.splitAbove && Runtime.getRuntime().availableProcessors() > 1) {
            // two cores: the second half of the rows into a second set of counts, merged after
            Resources[] second = emptyLike(resourcesByValue, reps);
            java.util.concurrent.CompletableFuture<Void> other = java.util.concurrent.CompletableFuture.runAsync(() -> {
                scanDeals(second, deals / 2, deals);
                scanActivities(second, activities / 2, activities);
            });
            scanDeals(resourcesByValue, 0, deals / 2);
            scanActivities(resourcesByValue, 0, activities / 2);
            other.join();
            for (int i = 0; i < resourcesByValue.length; i++) {
                if (resourcesByValue[i] != null) {
                    resourcesByValue[i].merge(second[i]);
                }
            }
        } else {
            scanDeals(resourcesByValue, 0, deals);
            scanActivities(resourcesByValue, 0, activities);
        }
    }

    private static Resources[] emptyLike(Resources[] template, int reps) {
        Resources[] copy = new Resources[template.length];
        for (int i = 0; i < template.length; i++) {
            if (template[i] != null) {
                copy[i] = new Resources(reps);
            }
        }
        return copy;
    }

    private static Resources resources(Resources[] byValue, int value) {
        return value + 1 < byValue.length ? byValue[value + 1] : null;
    }

    private Resources resources(int value) {
        return resources(resourcesByValue, value);
    }

    private void scanDeals(Resources[] into, int from, int to) {
        DealColumns deals = scope.deals;
        long lateFrom = scope.t - THIRTY_DAYS;
        for (int row = from; row < to; row++) {
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
            if (dimension == Dimension.PRODUCT) {
                for (int product : deals.lineProducts[row]) {
                    ownedDeal(resources(into, product), owner, inLookback, lately);
                }
            } else {
                ownedDeal(resources(into, DimensionValues.of(scope.deals, dimension, row)), owner, inLookback, lately);
            }
        }
    }

    private static void ownedDeal(Resources r, int owner, boolean inLookback, boolean lately) {
        if (r == null) {
            return;
        }
        r.reps[owner] = true;
        r.workingInLookback[owner] |= inLookback;
        r.workingLately[owner] |= lately;
    }

    private void scanActivities(Resources[] into, int from, int to) {
        ActivityColumns a = scope.activities;
        long lateFrom = scope.t - THIRTY_DAYS;
        for (int row = from; row < to; row++) {
            long completed = a.completed[row];
            if (completed == Micros.NONE || completed > scope.t || completed < Math.min(scope.lookbackStart, lateFrom)) {
                continue;
            }
            boolean inLookback = completed >= scope.lookbackStart && completed < scope.lookbackEnd;
            boolean lately = completed >= lateFrom;
            if ((!inLookback && !lately) || !scope.activityInScope(row)) {
                continue;
            }
            int owner = a.owner[row];
            switch (dimension) {
                case DEPARTMENT -> completedActivity(resources(into, 0), owner, inLookback, lately);
                case REP -> completedActivity(resources(into, owner), owner, inLookback, lately);
                default -> {
                    int deal = scope.snapshot.rowOf(a.dealNo[row]);
                    if (deal < 0 || !scope.exists(deal)) {
                        continue;
                    }
                    if (dimension == Dimension.PRODUCT) {
                        for (int product : scope.deals.lineProducts[deal]) {
                            completedActivity(resources(into, product), owner, inLookback, lately);
                        }
                    } else {
                        completedActivity(resources(into, DimensionValues.of(scope.deals, dimension, deal)), owner, inLookback,
                                lately);
                    }
                }
            }
        }
    }

    private static void completedActivity(Resources r, int owner, boolean inLookback, boolean lately) {
        if (r == null) {
            return;
        }
        if (inLookback) {
            r.doneInLookback++;
            if (owner >= 0) {
                r.doneInLookbackBy[owner]++;
                r.completedInLookback[owner] = true;
            }
        }
        if (lately && owner >= 0) {
            r.completedLately[owner] = true;
        }
    }

    List<CapacityRow> rows() {
        List<CapacityRow> result = new ArrayList<>();
        int reps = scope.catalog.reps.size();
        rows.forEach((key, row) -> {
            Resources r = row.value() >= -1 ? resources(row.value()) : null;
            result.add(row(key, row, r == null ? new Resources(reps) : r));
        });
        return result;
    }

    private CapacityRow row(String key, KpiEngine.Row row, Resources r) {
        RowTally tally = row.tally();
        boolean[] workingInLookback = working(r.reps, r.workingInLookback, r.completedInLookback);
        boolean[] workingLately = working(r.reps, r.workingLately, r.completedLately);
        int workingInLookbackCount = count(workingInLookback);
        BigDecimal plan = row.plan();
        BigDecimal won = tally.wonAmount();
        BigDecimal averageDealL = tally.averageDealL();
        BigDecimal winRateL = tally.winRateL();
        BigDecimal activitiesPerWonL = tally.wonCountL == 0 ? null
                : BigDecimal.valueOf(r.doneInLookback).divide(BigDecimal.valueOf(tally.wonCountL), MC);
        int lookbackDays = scope.snapshot.settings.workingDays(scope.query.period().start().minusDays(
                scope.snapshot.settings.lookbackDays()), scope.query.period().start());
        long doneByWorking = 0;
        for (int rep = 0; rep < workingInLookback.length; rep++) {
            if (workingInLookback[rep]) {
                doneByWorking += r.doneInLookbackBy[rep];
            }
        }
        BigDecimal activitiesPerRepDayL = workingInLookbackCount == 0 || lookbackDays == 0 ? null
                : BigDecimal.valueOf(doneByWorking).divide(BigDecimal.valueOf((long) workingInLookbackCount * lookbackDays), MC);
        LocalDate from = scope.today.isAfter(scope.query.period().start()) ? scope.today : scope.query.period().start();
        int workingDaysLeft = from.isBefore(scope.query.period().end())
                ? scope.snapshot.settings.workingDays(from, scope.query.period().end()) : 0;
        int repsActive = count(workingLately);

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
        BigDecimal expectedWins = tally.expectedWins();
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
    private static boolean[] working(boolean[] reps, boolean[] byDeals, boolean[] byActivities) {
        boolean[] working = new boolean[reps.length];
        for (int rep = 0; rep < reps.length; rep++) {
            working[rep] = byDeals[rep] || (reps[rep] && byActivities[rep]);
        }
        return working;
    }

    private static int count(boolean[] flags) {
        int count = 0;
        for (boolean flag : flags) {
            if (flag) {
                count++;
            }
        }
        return count;
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
