package io.planpilot.core.connector;

/**
 * Kinds of records that can be listed in full for reconciliation of deletions. Users, pipelines and
 * stages are never deleted: a user who left still owns history (MAPPING.md counts every user synced).
 */
public enum RecordKind {
    DEAL, ACTIVITY, STAGE_TRANSITION
}
