package io.planpilot.core.rules;

import java.time.ZoneId;
import java.util.Objects;
import java.util.Set;

/**
 * What rules depend on from the adapter's own configuration.
 *
 * @param connections   the configured connection ids (recipients must name one of them)
 * @param locale        the language of texts: {@code ru} or {@code en} (adapter.locale); anything else reads as en
 * @param publicBaseUrl the adapter's URL for dashboard links (adapter.public-base-url); empty: no link
 * @param staleDays     adapter.rules.stale-days, the stale-deal rule's window (KPI.md "staleDeals")
 * @param zone          adapter.time-zone: local dates, ISO weeks and task deadlines
 */
public record RuleContext(Set<String> connections, String locale, String publicBaseUrl, int staleDays, ZoneId zone) {
    public RuleContext {
        connections = Set.copyOf(connections);
        locale = locale == null ? "en" : locale.trim().toLowerCase(java.util.Locale.ROOT);
        publicBaseUrl = publicBaseUrl == null ? "" : publicBaseUrl.trim();
        Objects.requireNonNull(zone, "zone");
    }
}
