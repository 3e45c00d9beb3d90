package io.planpilot.connector.hubspot;

import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.SyncMode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole contract kit again with {@code api-version: 2026-03}: the fake serves only the date
 * version's paths ({@code /crm/objects/2026-03/...}; a v3 path is a 404), so every read, re-read,
 * write and check of the kit passing means the connection calls HubSpot's 2026-03 API throughout.
 */
class HubSpotDateVersionContractTest extends HubSpotConnectorContractTest {

    @Override
    HubSpotApiPaths paths() {
        return HubSpotApiPaths.of(HubSpotApiPaths.V2026_03).orElseThrow();
    }

    @Test
    void fullAndIncrementalSyncsCallOnlyTheDateVersionsPaths() {
        fake.seedDeals(3);
        Connector connector = connector();

        String cursor = read(connector, SyncMode.FULL, null).cursor();
        String changed = fake.updateOneDeal();
        assertThat(read(connector, SyncMode.INCREMENTAL, cursor).deals()).containsKey(changed);

        List<String> calls = fake.callsMade();
        assertThat(calls).contains("GET /crm/objects/2026-03/deals", "POST /crm/objects/2026-03/deals/search",
                "GET /crm/pipelines/2026-03/deals", "GET /crm/owners/2026-03", "GET /account-info/2026-03/details");
        assertThat(calls).allSatisfy(call -> assertThat(call).contains("/2026-03"))
                .noneSatisfy(call -> assertThat(call).containsAnyOf("/v3/", "/v4/"));
    }
}
