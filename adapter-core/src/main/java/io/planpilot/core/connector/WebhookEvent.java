package io.planpilot.core.connector;

import java.time.Instant;

/**
 * One change a callback announces. {@code eventId} identifies the event across repeats (the CRM's
 * own id, or a digest of what identifies it), so a repeat is acknowledged and not processed again.
 */
public record WebhookEvent(String eventId, Change change, RecordKind kind, String recordId, Instant occurredAt) {

    public enum Change {
        CHANGED, DELETED
    }
}
