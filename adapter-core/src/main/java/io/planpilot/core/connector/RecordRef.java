package io.planpilot.core.connector;

/** A record of the CRM by kind and id, for targeted re-reads. */
public record RecordRef(RecordKind kind, String id) {
}
