package io.planpilot.app.action;

import io.planpilot.core.rules.ActionKind;

import java.time.Instant;

/**
 * An action of the outbox as {@code GET /api/v1/actions} shows it: the CONTRACT.md fields, then what
 * was sent ({@code dealId}, {@code title}, {@code body}, {@code deadline}) and when
 * ({@code nextAttemptAt}, {@code sentAt}).
 */
public record Action(long id, String rule, ActionKind kind, String connection, String target, String dedupeKey,
                     Status status, String crmId, int attempts, String lastError, Instant createdAt,
                     String dealId, String title, String body, Instant deadline, Instant nextAttemptAt,
                     Instant sentAt) {

    public enum Status {
        PENDING, SENT, FAILED
    }
}
