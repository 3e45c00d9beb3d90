package io.planpilot.app.sync;

import io.planpilot.app.kpi.KpiSnapshots;
import io.planpilot.app.store.CrmRecordStore;
import io.planpilot.app.store.StoredPage;
import io.planpilot.core.connector.SyncPage;
import org.springframework.stereotype.Component;

/**
 * Takes in a page a connector read, for sync runs and webhook re-reads alike: stores it (with its
 * cursor, in one transaction) and then brings it into the KPI snapshot. Blocking: call it from a
 * worker thread, never from the event loop.
 */
@Component
public class PageIntake {

    private final CrmRecordStore records;
    private final KpiSnapshots snapshots;
    private final io.planpilot.app.store.StoreChanges changes;
    private final java.time.Clock clock;

    public PageIntake(CrmRecordStore records, KpiSnapshots snapshots, io.planpilot.app.store.StoreChanges changes,
                      java.time.Clock clock) {
        this.records = records;
        this.snapshots = snapshots;
        this.changes = changes;
        this.clock = clock;
    }

    /** Stores the page and updates the snapshot; when it returns, the page is durable and visible to KPI queries. */
    public StoredPage take(String connection, SyncPage page) {
        StoredPage stored = records.save(connection, page).block();
        // before the snapshot applies it, so a replica reloading for an earlier change sees this one too
        changes.record(connection, clock.instant()).block();
        snapshots.apply(connection, page, stored);
        return stored;
    }
}
