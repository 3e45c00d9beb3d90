package io.planpilot.core.kpi;

import io.planpilot.core.domain.PlanTarget;

import java.util.List;

/**
 * The current snapshot, kept up to date with changes as they are stored. Readers take
 * {@link #current()} and compute on it undisturbed; {@link #apply} publishes a new version.
 */
public final class LiveSnapshot {

    private final SnapshotWriter writer;
    private volatile KpiSnapshot current;

    public LiveSnapshot(CrmData data, KpiSettings settings, List<PlanTarget> plan) {
        this.writer = new SnapshotWriter(data, settings, plan);
        this.current = writer.snapshot();
    }

    public KpiSnapshot current() {
        return current;
    }

    public synchronized KpiSnapshot apply(CrmChanges changes) {
        if (!changes.isEmpty()) {
            writer.apply(changes);
            current = writer.snapshot();
        }
        return current;
    }

    public synchronized KpiSnapshot replacePlan(List<PlanTarget> plan) {
        writer.replacePlan(plan);
        current = writer.snapshot();
        return current;
    }
}
