package io.planpilot.connector.hubspot;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One version of HubSpot's API as the paths the connector calls, chosen by the connection's
 * {@code api-version}. The Feign client takes these prefixes as path parameters, so a new version is
 * a new entry here, not new code. Only versions whose every path was taken from HubSpot's published
 * API reference are listed: {@code v3} (objects and pipelines {@code /crm/v3}, associations
 * {@code /crm/v4}, account details {@code /account-info/v3}) and the date version {@code 2026-03}
 * ({@code /api-name/2026-03/resource}: {@code /crm/objects/2026-03/deals/search},
 * {@code /crm/pipelines/2026-03/deals}, {@code /crm/owners/2026-03}, {@code /crm/properties/2026-03/deals},
 * {@code /crm/associations/2026-03/calls/deals/batch/read}, {@code /account-info/2026-03/details}),
 * whose request and response fields the connector uses are those of v3. A released date version
 * works until its published end of life; HubSpot retires the v1-v4 paths in 2027.
 *
 * @param objects     prefix of the object endpoints ({@code crm/v3/objects}): {@code /{objects}/deals/search}
 * @param pipelines   prefix of the pipelines endpoint: {@code /{pipelines}/deals}
 * @param owners      the owners endpoint
 * @param properties  prefix of the property definitions: {@code /{properties}/deals}
 * @param associations prefix of the association batch reads: {@code /{associations}/calls/deals/batch/read}
 * @param accountInfo the account details endpoint (the company currency, time zone)
 */
public record HubSpotApiPaths(String version, String objects, String pipelines, String owners, String properties,
                              String associations, String accountInfo) {

    public static final String V3 = "v3";
    public static final String V2026_03 = "2026-03";

    private static final Map<String, HubSpotApiPaths> KNOWN = Map.of(
            V3, new HubSpotApiPaths(V3, "crm/v3/objects", "crm/v3/pipelines", "crm/v3/owners", "crm/v3/properties",
                    "crm/v4/associations", "account-info/v3/details"),
            V2026_03, dated(V2026_03));

    /** A date version: every API's name, then the date ({@code /api-name/YYYY-MM/resource}). */
    private static HubSpotApiPaths dated(String version) {
        return new HubSpotApiPaths(version, "crm/objects/" + version, "crm/pipelines/" + version, "crm/owners/" + version,
                "crm/properties/" + version, "crm/associations/" + version, "account-info/" + version + "/details");
    }

    public static Optional<HubSpotApiPaths> of(String version) {
        return Optional.ofNullable(version == null ? null : KNOWN.get(version.trim()));
    }

    public static List<String> known() {
        return KNOWN.keySet().stream().sorted().toList();
    }
}
