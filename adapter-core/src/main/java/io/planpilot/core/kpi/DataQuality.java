package io.planpilot.core.kpi;

import java.util.List;
import java.util.Map;

/**
 * CRM hygiene: issue counts for the department and per rep, and the issues deal by deal. Every
 * issue name in scope is present in the counts (0 when none).
 */
public record DataQuality(Map<String, Long> counts, Map<String, Map<String, Long>> byRep, List<Item> items) {
    public DataQuality {
        // ordered copies: issue names in their fixed order, reps by key
        counts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(counts));
        byRep = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(byRep));
        items = List.copyOf(items);
    }

    /** One issue of one deal; {@code rep} is the owner's key, {@code (none)} without an owner. */
    public record Item(String dealId, String rep, String issue) {
    }
}
