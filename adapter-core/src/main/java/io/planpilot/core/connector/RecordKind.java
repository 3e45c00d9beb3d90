package io.planpilot.core.connector;

/** Kinds of records that can be listed in full for reconciliation of deletions. */
public enum RecordKind {
    DEAL, ACTIVITY, STAGE_TRANSITION
}
