package io.planpilot.core.connector;

import java.util.List;

/**
 * One configured CRM connection. Implementations are blocking and are called from worker threads;
 * reads of one connection run one at a time, and every call to the CRM account (sync, re-reads,
 * writes) shares the connection's rate limiter.
 *
 * <p>Sync semantics every connector keeps (the contract kit checks them): the cursor is opaque and
 * versioned (an unknown version means a full read); its lower bound is inclusive and records are
 * de-duplicated by id; it never moves past the moment the read started minus a safety delay, so
 * records changed during a read are read next time; each page carries the position after it, so a
 * read killed mid-way resumes there; deletions come from the CRM's delete feed or from a
 * {@link Listing} of every id.
 */
public interface Connector {

    Capabilities capabilities();

    /**
     * Reads what changed since {@code cursor} (everything when the mode is FULL or the cursor is
     * null), page by page, handing each page to {@code pages} before reading the next.
     *
     * @throws ConnectorException when the read fails as a whole
     */
    void read(SyncMode mode, String cursor, PageConsumer pages);

    /** Tells an admin exactly what is wrong with the connection; empty when it works. */
    default ConnectionCheck check() {
        return ConnectionCheck.ok();
    }

    /** Pipelines, stages, users, currencies and the deal fields available for dimensions. */
    default Discovery discover() {
        throw new UnsupportedCapabilityException(getClass().getSimpleName(), "discover the account");
    }

    /** Reads the given records now (a webhook announced them); deleted ones come back deleted. */
    default SyncPage reread(List<RecordRef> records) {
        throw new UnsupportedCapabilityException(getClass().getSimpleName(), "re-read records by id");
    }

    /**
     * Verifies a callback (signature or token, freshness) and parses the changes it announces.
     * Verify first: a body too broken to find the credential in is a rejection too. Any other
     * exception means the sender was verified but the body is malformed: the app answers 400 and
     * keeps the raw request for inspection. An empty list (a ping) is acknowledged and stores nothing.
     *
     * @throws WebhookRejectedException when the sender is not proven genuine (a wrong, missing or
     *                                  stale signature or token): 401, logged, never stored
     */
    default List<WebhookEvent> receive(WebhookRequest request) {
        throw new UnsupportedCapabilityException(getClass().getSimpleName(), "take webhooks");
    }

    /**
     * Where a person opens the deal in the CRM's own web interface, for the dashboard's links;
     * empty when the CRM has no such page or the connector cannot tell it (a CSV export).
     */
    default java.util.Optional<String> dealUrl(String dealId) {
        return java.util.Optional.empty();
    }

    /**
     * Writes into the CRM and returns the CRM's id of what it created. A write whose idempotency key
     * the CRM already holds returns the existing id and creates nothing.
     */
    default String write(CrmWrite write) {
        throw new UnsupportedCapabilityException(getClass().getSimpleName(), "write " + write.getClass().getSimpleName());
    }

    /** The limiter's and breaker's state now. */
    default ConnectorStatus status() {
        return ConnectorStatus.local();
    }
}
