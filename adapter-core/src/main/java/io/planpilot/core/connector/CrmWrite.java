package io.planpilot.core.connector;

import java.time.Instant;

/**
 * Something the adapter writes into the CRM. Each carries the adapter's idempotency key: the
 * connector puts it where the CRM keeps it (a field, a marker in the text) so that a write retried
 * after an outage is found and not made twice.
 */
public sealed interface CrmWrite permits CrmWrite.Task, CrmWrite.Notification, CrmWrite.Comment {

    String idempotencyKey();

    /** A task for a user, linked to a deal when {@code dealId} is set. */
    record Task(String idempotencyKey, String assignee, String dealId, String title, String description,
                Instant deadline) implements CrmWrite {
    }

    /** A notification to a user. */
    record Notification(String idempotencyKey, String userId, String text) implements CrmWrite {
    }

    /** A comment on a deal. */
    record Comment(String idempotencyKey, String dealId, String text) implements CrmWrite {
    }
}
