package io.planpilot.core.connector;

import java.util.Objects;
import java.util.Set;

/**
 * Every id of one kind that the CRM has now. A CRM without a delete feed lists its ids, and the
 * store marks the records it does not list as deleted. Ids of rows that could not be read belong in
 * the listing too: a bad row never removes a stored record.
 */
public record Listing(RecordKind kind, Set<String> ids) {
    public Listing {
        Objects.requireNonNull(kind, "kind");
        ids = Set.copyOf(ids);
    }
}
