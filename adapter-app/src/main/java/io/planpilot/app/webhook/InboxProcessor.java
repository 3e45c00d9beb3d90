package io.planpilot.app.webhook;

import io.planpilot.app.action.ActionOutbox;
import io.planpilot.app.sync.Connections;
import io.planpilot.app.sync.CrmDataChanged;
import io.planpilot.app.sync.PageIntake;
import io.planpilot.app.sync.SyncService;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.connector.WebhookEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Processes entries a worker claimed: per connection, the records they name are re-read through the
 * connector (one re-read per record however many events announced it; up to {@value #REREAD_CHUNK}
 * records per call), the page is stored and brought into the KPI snapshot, and the entries are
 * marked PROCESSED; a failure marks them FAILED (or DEAD) with the error in words. A CRM that is
 * down or limiting (a transient failure) pauses the connection ({@link CrmOutages}) and its entries
 * wait without using up attempts. Records whose
 * every event says DELETED are deleted without asking the CRM. A connector that cannot re-read by
 * id gets an incremental sync instead. Blocking: runs on the inbox's worker threads.
 */
@Component
public class InboxProcessor {

    /** Records re-read in one call at most. */
    static final int REREAD_CHUNK = 100;

    private static final Logger log = LoggerFactory.getLogger(InboxProcessor.class);

    private final Connections connections;
    private final PageIntake intake;
    private final SyncService sync;
    private final WebhookInbox inbox;
    private final WebhookMetrics metrics;
    private final ActionOutbox outbox;
    private final CrmOutages outages;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public InboxProcessor(Connections connections, PageIntake intake, SyncService sync, WebhookInbox inbox,
                          WebhookMetrics metrics, ActionOutbox outbox, CrmOutages outages, ApplicationEventPublisher events,
                          Clock clock) {
        this.outbox = outbox;
        this.outages = outages;
        this.events = events;
        this.connections = connections;
        this.intake = intake;
        this.sync = sync;
        this.inbox = inbox;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Processes what the holder of {@code token} claimed, and finishes each entry. */
    public void process(UUID token, List<InboxEntry> claimed) {
        Map<String, List<InboxEntry>> byConnection = new LinkedHashMap<>();
        claimed.forEach(entry -> byConnection.computeIfAbsent(entry.connection(), c -> new ArrayList<>()).add(entry));
        byConnection.forEach((connectionId, entries) -> {
            Connections.Connection connection = connections.find(connectionId).orElse(null);
            if (connection == null) {
                fail(token, connectionId, entries, "the connection '" + connectionId + "' is not configured (any more)");
                return;
            }
            process(token, connection, entries);
        });
    }

    private void process(UUID token, Connections.Connection connection, List<InboxEntry> entries) {
        Map<RecordRef, List<InboxEntry>> byRecord = new LinkedHashMap<>();
        entries.forEach(entry -> byRecord.computeIfAbsent(entry.record(), r -> new ArrayList<>()).add(entry));
        List<RecordRef> changed = new ArrayList<>();
        List<RecordRef> deleted = new ArrayList<>();
        byRecord.forEach((record, events) -> {
            boolean onlyDeleted = events.stream().allMatch(e -> e.change() == WebhookEvent.Change.DELETED);
            (onlyDeleted ? deleted : changed).add(record);
        });
        if (!deleted.isEmpty()) {
            run(token, connection, deleted, byRecord, false, () -> SyncPage.builder().deletions(deleted).build());
        }
        boolean rereads = connection.connector().capabilities().rereadById();
        for (int from = 0; from < changed.size(); from += REREAD_CHUNK) {
            List<RecordRef> chunk = changed.subList(from, Math.min(changed.size(), from + REREAD_CHUNK));
            if (rereads) {
                run(token, connection, chunk, byRecord, true, () -> connection.connector().reread(List.copyOf(chunk)));
            } else {
                // the CRM cannot be asked for single records: the incremental sync picks the changes up
                run(token, connection, chunk, byRecord, true, () -> {
                    sync.start(connection, SyncMode.INCREMENTAL).block();
                    return null;
                });
            }
        }
    }

    /**
     * Tells the rules that the connection's data changed, unless every record is one the adapter
     * itself created in the CRM (its own task or comment echoed back): those are stored like any
     * record, but running the rules for them would only find what they were made from.
     */
    private void announce(String connection, List<RecordRef> records) {
        List<String> activities = records.stream().filter(r -> r.kind() == io.planpilot.core.connector.RecordKind.ACTIVITY)
                .map(RecordRef::id).distinct().toList();
        java.util.Set<String> own = activities.size() < records.size() ? java.util.Set.of()
                : outbox.ownWrites(connection, activities).blockOptional().orElse(java.util.Set.of());
        if (own.size() < records.size()) {
            events.publishEvent(new CrmDataChanged(connection, "webhook"));
        } else {
            log.debug("Webhook events of '{}' were the adapter's own writes {}: no rules run", connection, own);
        }
    }

    /** Reads the records ({@code asksCrm}: through the CRM), stores them and finishes their entries. */
    private void run(UUID token, Connections.Connection connection, List<RecordRef> records,
                     Map<RecordRef, List<InboxEntry>> byRecord, boolean asksCrm, java.util.function.Supplier<SyncPage> read) {
        List<InboxEntry> entries = records.stream().flatMap(r -> byRecord.get(r).stream()).toList();
        Instant pausedUntil = asksCrm ? outages.pausedUntil(connection.id(), clock.instant()) : null;
        if (pausedUntil != null) {
            // an earlier chunk of this batch found the CRM down: do not ask it again now
            inbox.waitForCrm(token, ids(entries), pausedUntil, "waiting for the CRM of '" + connection.id()
                    + "', which is down or limiting the adapter").block();
            return;
        }
        try {
            SyncPage page = read.get();
            if (asksCrm) {
                outages.answered(connection.id());
            }
            if (page != null) {
                SyncPage safe = withoutPosition(page);
                logWarnings(connection.id(), safe.warnings());
                intake.take(connection.id(), safe);
            }
        } catch (RuntimeException e) {
            String error = describe(connection.id(), records, e);
            if (e instanceof ConnectorException failure && failure.isTransient()) {
                Instant until = outages.failed(connection.id(), clock.instant());
                log.warn("Webhook events of '{}' wait until {}: {}", connection.id(), until, error);
                inbox.waitForCrm(token, ids(entries), until, error).block();
                metrics.failed(connection.id(), entries.size());
                return;
            }
            log.warn("Webhook events of '{}' failed: {}", connection.id(), error, e instanceof ConnectorException ? null : e);
            fail(token, connection.id(), entries, error);
            return;
        }
        long finished = inbox.finish(token, ids(entries), clock.instant()).blockOptional().orElse(0L);
        if (finished < entries.size()) {
            log.warn("{} of {} webhook events of '{}' were taken over by another worker while this one processed them "
                    + "(its lease of adapter.webhooks.lease ran out)", entries.size() - finished, entries.size(), connection.id());
        }
        metrics.processed(connection.id(), finished);
        if (finished > 0) {
            announce(connection.id(), records);
        }
    }

    private void fail(UUID token, String connection, List<InboxEntry> entries, String error) {
        List<InboxEntry.Status> statuses = inbox.fail(token, ids(entries), clock.instant(), error).collectList().block();
        long dead = statuses == null ? 0 : statuses.stream().filter(s -> s == InboxEntry.Status.DEAD).count();
        metrics.failed(connection, entries.size());
        if (dead > 0) {
            metrics.dead(connection, dead);
            log.warn("{} webhook events of '{}' are DEAD (adapter.webhooks.max-attempts used up): {}", dead, connection, error);
        }
    }

    /**
     * A re-read never moves the sync's cursor (it would skip what changed before it) and never
     * reconciles deletions by listing (it lists only the records asked for).
     */
    static SyncPage withoutPosition(SyncPage page) {
        if (page.cursor() == null && page.listings().isEmpty()) {
            return page;
        }
        return new SyncPage(page.reps(), page.pipelines(), page.stages(), page.deals(), page.transitions(),
                page.activities(), page.deletions(), List.of(), page.warnings(), page.currencies(), page.mappedDimensions(), null);
    }

    private static void logWarnings(String connection, List<SyncWarning> warnings) {
        for (SyncWarning warning : warnings) {
            log.warn("A re-read of '{}' skipped or patched a record: {} {} {}: {}", connection, warning.file(),
                    warning.line() == null ? "" : "line " + warning.line(), warning.column() == null ? "" : warning.column(),
                    warning.reason());
        }
    }

    private static String describe(String connection, List<RecordRef> records, RuntimeException e) {
        String what = records.size() == 1
                ? records.get(0).kind().name().toLowerCase(java.util.Locale.ROOT) + " " + records.get(0).id()
                : records.size() + " records";
        String cause = e instanceof ConnectorException
                ? e.getMessage()
                : "unexpected " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        return "processing " + what + " of '" + connection + "' failed: " + cause;
    }

    private static List<Long> ids(List<InboxEntry> entries) {
        return entries.stream().map(InboxEntry::id).toList();
    }
}
