package io.planpilot.app.sync;

/**
 * Published when CRM records of a connection were stored and the KPI snapshot follows them: after a
 * sync run succeeded, or after webhook events changed records other than the adapter's own writes.
 *
 * @param cause {@code sync} or {@code webhook}
 */
public record CrmDataChanged(String connection, String cause) {
}
