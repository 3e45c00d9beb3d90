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

    public PageIntake(CrmRecordStore records, KpiSnapshots snapshots) {
        this.records = records;
        this.snapshots = snapshots;
    }

    /** Stores the page and updates the snapshot; when it returns, the page is durable and visible to KPI queries. */
    public StoredPage take(String connection, SyncPage page) {
        StoredPage stored = records.save(connection, page).block();
        snapshots.apply(connection, page, stored);
        return stored;
    }
}
