package io.planpilot.core.connector;

/** A record of the CRM by kind and id, for targeted re-reads. */
public record RecordRef(RecordKind kind, String id) {

    /** The ids of the records of one kind, trimmed, without blanks and repeats, in order: what a re-read asks for. */
    public static java.util.List<String> ids(java.util.Collection<RecordRef> records, RecordKind kind) {
        return records.stream().filter(r -> r.kind() == kind).map(RecordRef::id)
                .filter(id -> id != null && !id.isBlank()).map(String::trim).distinct().toList();
    }
}
