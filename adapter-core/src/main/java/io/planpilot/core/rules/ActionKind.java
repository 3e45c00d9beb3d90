package io.planpilot.core.rules;

/** What an action becomes in the CRM (CONTRACT.md, {@code GET /api/v1/actions}). */
public enum ActionKind {
    /** A task for a CRM user, linked to a deal when there is one, with a deadline. */
    TASK,
    /** A message to a CRM user; a task for that user where the CRM has no notification API. */
    NOTIFY,
    /** A comment on a deal. */
    COMMENT
}
