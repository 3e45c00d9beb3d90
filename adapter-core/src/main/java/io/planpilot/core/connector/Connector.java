package io.planpilot.core.connector;

/**
 * One configured CRM connection. Implementations are blocking and are called from a worker thread,
 * one read at a time per connection.
 */
public interface Connector {

    /**
     * Reads what changed since {@code cursor} (everything when the mode is FULL or the cursor is
     * null), page by page, handing each page to {@code pages} before reading the next.
     *
     * @throws ConnectorException when the read fails as a whole
     */
    void read(SyncMode mode, String cursor, PageConsumer pages);
}
