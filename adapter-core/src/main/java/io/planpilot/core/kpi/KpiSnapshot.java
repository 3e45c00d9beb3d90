package io.planpilot.core.kpi;

import io.planpilot.core.domain.PlanTarget;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable view of all CRM data the KPIs are computed from, laid out as columns of primitives
 * with dictionary-numbered keys so that a query scans a million deals in milliseconds. Build one
 * with {@link #of}; keep one current with a {@link LiveSnapshot}.
 */
public final class KpiSnapshot {

    final KpiSettings settings;
    final Catalog catalog;
    final PlanBook plan;
    final Map<String, Set<String>> mappedDimensions;
    final DealColumns deals;
    final int dealCount;
    final ActivityColumns activities;
    final int activityCount;
    final int version;
    final int[] rowOfDealNo;

    KpiSnapshot(KpiSettings settings, Catalog catalog, PlanBook plan, Map<String, Set<String>> mappedDimensions,
                DealColumns deals, int dealCount, ActivityColumns activities, int activityCount, int version,
                int[] rowOfDealNo) {
        this.settings = settings;
        this.catalog = catalog;
        this.plan = plan;
        this.mappedDimensions = mappedDimensions;
        this.deals = deals;
        this.dealCount = dealCount;
        this.activities = activities;
        this.activityCount = activityCount;
        this.version = version;
        this.rowOfDealNo = rowOfDealNo;
    }

    public static KpiSnapshot of(CrmData data, KpiSettings settings, List<PlanTarget> plan) {
        return new SnapshotWriter(data, settings, plan).snapshot();
    }

    public KpiSettings settings() {
        return settings;
    }

    /** The connections with data in this snapshot, in the order they were first seen. */
    public List<String> connections() {
        return List.copyOf(catalog.connections);
    }

    /** The dimensions a connection's deals carry a field for, as its connector last said. */
    public Set<String> mappedDimensions(String connection) {
        return mappedDimensions.getOrDefault(connection, Set.of());
    }

    /**
     * Why a plan row's rep key names no user, or null when it names exactly one or when the users of
     * the connection (all connections for null) are not known yet.
     */
    public String planRepProblem(String key, String connection) {
        int scope = -1;
        if (connection != null) {
            Integer found = catalog.findConnection(connection);
            if (found == null) {
                return null;
            }
            scope = found;
        }
        boolean anyUser = false;
        for (Catalog.RepInfo rep : catalog.reps) {
            anyUser |= scope < 0 || rep.connection() == scope;
        }
        if (!anyUser || plan.findRep(key, scope) >= 0) {
            return null;
        }
        return "no single user has the id, e-mail or name '" + key + "'";
    }

    /** Whether deal row {@code row} is part of this snapshot. */
    boolean dealAlive(int row) {
        return deals.died[row] > version;
    }

    boolean activityAlive(int row) {
        return activities.died[row] > version;
    }

    /** The live row of a deal number in this snapshot, or -1. */
    int rowOf(int dealNo) {
        return dealNo < 0 || dealNo >= rowOfDealNo.length ? -1 : rowOfDealNo[dealNo];
    }

    /** Deals and activities alive in this snapshot. */
    public long dealCount() {
        long alive = 0;
        for (int row = 0; row < dealCount; row++) {
            if (dealAlive(row)) {
                alive++;
            }
        }
        return alive;
    }

    /** The share of rows that are replaced versions: when high, a rebuild pays off. */
    public double deadRowShare() {
        int total = dealCount + activityCount;
        if (total == 0) {
            return 0;
        }
        long dead = 0;
        for (int row = 0; row < dealCount; row++) {
            if (!dealAlive(row)) {
                dead++;
            }
        }
        for (int row = 0; row < activityCount; row++) {
            if (!activityAlive(row)) {
                dead++;
            }
        }
        return (double) dead / total;
    }
}
