package io.planpilot.core.kpi;

import java.time.LocalDate;

/**
 * A query resolved against a snapshot: the instants of the period, the lookback window and
 * {@code asOf} in microseconds, the connection filter, and the deal facts every KPI starts from
 * (status, stage and reach as of t). Nothing after t is seen.
 */
final class Scope {

    final KpiSnapshot snapshot;
    final KpiQuery query;
    final DealColumns deals;
    final ActivityColumns activities;
    final Catalog catalog;
    /** The connection's number in the catalog; -1 for all connections; {@link #NO_RECORDS} when none is known. */
    final int connection;
    /** The connection asked for, or null for all. */
    final String connectionId;
    final long t;
    final LocalDate today;
    final long periodStart;
    final long periodEnd;
    final long lookbackStart;
    final long lookbackEnd;
    final int periodStartDay;
    final int periodEndDay;
    final RowKeys keys;
    /** Each stage's open rank, read per deal: an array, not the catalog's list. */
    final int[] openRanks;

    /** Matches no row, rep or pipeline: a connection the snapshot has no records of. */
    static final int NO_RECORDS = Integer.MAX_VALUE;

    Scope(KpiSnapshot snapshot, KpiQuery query) {
        this.snapshot = snapshot;
        this.query = query;
        this.deals = snapshot.deals;
        this.activities = snapshot.activities;
        this.catalog = snapshot.catalog;
        this.connectionId = query.connection();
        if (query.connection() == null) {
            this.connection = -1;
        } else {
            // a connection the snapshot has no record of yet (configured, never synced) has no rows
            Integer found = catalog.findConnection(query.connection());
            this.connection = found == null ? NO_RECORDS : found;
        }
        var zone = snapshot.settings.zone();
        this.t = Micros.of(query.asOf());
        this.today = query.asOf().atZone(zone).toLocalDate();
        Period period = query.period();
        this.periodStart = Micros.startOf(period.start(), zone);
        this.periodEnd = Micros.startOf(period.end(), zone);
        LocalDate lookbackFrom = period.start().minusDays(snapshot.settings.lookbackDays());
        this.lookbackStart = Micros.startOf(lookbackFrom, zone);
        this.lookbackEnd = periodStart;
        this.periodStartDay = (int) period.start().toEpochDay();
        this.periodEndDay = (int) period.end().toEpochDay();
        this.keys = new RowKeys(catalog, connection < 0 && catalog.connections.size() > 1);
        this.openRanks = catalog.stages.stream().mapToInt(Catalog.StageInfo::openRank).toArray();
    }

    /** A deal row of this snapshot and connection that exists at t. */
    boolean exists(int row) {
        return snapshot.dealAlive(row) && (connection < 0 || deals.connection[row] == connection) && deals.created[row] <= t;
    }

    boolean activityInScope(int row) {
        return snapshot.activityAlive(row) && (connection < 0 || activities.connection[row] == connection)
                && activities.created[row] <= t;
    }

    byte statusAt(int row) {
        long closed = deals.closed[row];
        return closed != Micros.NONE && closed <= t ? deals.status[row] : DealColumns.OPEN;
    }

    /** Closed (WON or LOST at t) within {@code [from, to)}. */
    boolean closedIn(int row, long from, long to) {
        long closed = deals.closed[row];
        return closed != Micros.NONE && closed <= t && closed >= from && closed < to;
    }

    boolean createdIn(int row, long from, long to) {
        long created = deals.created[row];
        return created <= t && created >= from && created < to;
    }

    /** Open at t with an expected close date in the period or none (the open set of P). */
    boolean inOpenSet(int row) {
        if (statusAt(row) != DealColumns.OPEN) {
            return false;
        }
        int expected = deals.expectedClose[row];
        return expected == DealColumns.NO_DATE || (expected >= periodStartDay && expected < periodEndDay);
    }

    /** The stage at t (KPI.md, "Stage at t"); -1 when the deal's stage is unknown. */
    int stageAt(int row) {
        if (statusAt(row) != DealColumns.OPEN) {
            return deals.stage[row];
        }
        long[] times = deals.historyTimes[row];
        int last = -1;
        if (times.length > 0 && deals.lastHistory[row] <= t) {
            last = times.length - 1; // the usual case: the whole history is before t
        } else {
            for (int i = 0; i < times.length && times[i] <= t; i++) {
                last = i;
            }
        }
        if (last >= 0) {
            return deals.historyStages[row][last];
        }
        int current = deals.stage[row];
        if (current >= 0 && openRanks[current] >= 0) {
            return current;
        }
        return catalog.pipelines.get(deals.pipeline[row]).firstOpenStage();
    }

    /**
     * The highest open-stage rank the deal reached by t (KPI.md, "Funnel"): from its history, or,
     * without open-stage history at or before t, its stage at t (the first stage for a LOST deal).
     * A deal WON at t reached every stage. -1 when its pipeline has no open stages.
     */
    int reachedRank(int row) {
        byte status = statusAt(row);
        if (status == DealColumns.WON) {
            return Integer.MAX_VALUE;
        }
        long[] times = deals.historyTimes[row];
        int max = -1;
        if (times.length > 0 && deals.lastHistory[row] <= t) {
            max = deals.topRank[row]; // the usual case: the whole history is before t
        } else {
            int[] stages = deals.historyStages[row];
            for (int i = 0; i < times.length && times[i] <= t; i++) {
                max = Math.max(max, openRanks[stages[i]]);
            }
        }
        if (max >= 0) {
            return max;
        }
        Catalog.PipelineInfo pipeline = catalog.pipelines.get(deals.pipeline[row]);
        if (pipeline.openStages().length == 0) {
            return -1;
        }
        if (status == DealColumns.LOST) {
            return 0;
        }
        int stage = stageAt(row);
        int rank = stage < 0 ? -1 : openRanks[stage];
        return Math.max(rank, 0);
    }

    /** The last activity instant of the deal at or before t; its creation when it has none. */
    long lastActivity(int row) {
        long[] instants = deals.activityInstants[row];
        int index = java.util.Arrays.binarySearch(instants, t);
        int last = index >= 0 ? lastEqual(instants, index) : -index - 2;
        return last >= 0 ? instants[last] : deals.created[row];
    }

    private static int lastEqual(long[] values, int index) {
        int i = index;
        while (i + 1 < values.length && values[i + 1] == values[index]) {
            i++;
        }
        return i;
    }

    boolean stale(int row) {
        return lastActivity(row) < t - snapshot.settings.staleDays() * Micros.DAY;
    }
}
