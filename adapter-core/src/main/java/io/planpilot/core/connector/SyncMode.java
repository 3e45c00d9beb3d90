package io.planpilot.core.connector;

/** FULL reads everything and ignores the cursor; INCREMENTAL reads what changed since it. */
public enum SyncMode {
    FULL, INCREMENTAL
}
