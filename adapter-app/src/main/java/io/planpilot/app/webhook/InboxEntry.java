package io.planpilot.app.webhook;

import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.WebhookEvent;

import java.time.Instant;

/**
 * One row of the webhook inbox: an event a CRM announced (or, with status MALFORMED and no event, a
 * callback that could not be read), where its processing stands, and the raw request it came in.
 *
 * @param attempts      tries so far: each claim by a worker counts, so a try cut off by a stop counts too
 * @param lastError     the last failure in words; kept after a later success
 * @param nextAttemptAt when a FAILED entry is tried again
 * @param requestId     the raw request ({@code webhook_request}) it came in
 */
public record InboxEntry(long id, String connection, String eventId, WebhookEvent.Change change, RecordKind kind,
                         String recordId, Status status, int attempts, Instant receivedAt, Instant processedAt,
                         String lastError, Instant nextAttemptAt, long requestId) {

    public enum Status {
        RECEIVED, PROCESSING, PROCESSED, FAILED, DEAD, MALFORMED
    }

    /** The record this entry announces a change of. */
    public RecordRef record() {
        return new RecordRef(kind, recordId);
    }
}
