package io.planpilot.connector.hubspot;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.SettingProblem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HubSpotConnectorPropertiesTest {

    private static ConnectionSettings settings(Map<String, String> options) {
        return new ConnectionSettings("hs", "hubspot", ZoneId.of("UTC"), "USD", Map.of(), options);
    }

    @Test
    void defaultsAreHubSpotsDocumentedOnes() {
        HubSpotConnectorProperties properties = HubSpotConnectorProperties.of(settings(Map.of("access-token", "pat-1")));

        assertThat(properties.baseUrl()).hasToString("https://api.hubapi.com");
        assertThat(properties.paths().objects()).isEqualTo("crm/v3/objects");
        assertThat(properties.policy().rateLimit().requests()).isEqualTo(100);
        assertThat(properties.policy().rateLimit().per()).isEqualTo(Duration.ofSeconds(10));
        assertThat(properties.searchLimit().requests()).isEqualTo(5);
        assertThat(properties.toString()).doesNotContain("pat-1");
    }

    @Test
    void theDateVersionCallsHubSpotsDatedPaths() {
        HubSpotApiPaths paths = HubSpotConnectorProperties.of(settings(Map.of("access-token", "pat-1", "api-version", "2026-03")))
                .paths();

        assertThat(paths).isEqualTo(new HubSpotApiPaths("2026-03", "crm/objects/2026-03", "crm/pipelines/2026-03",
                "crm/owners/2026-03", "crm/properties/2026-03", "crm/associations/2026-03", "account-info/2026-03/details"));
        assertThat(HubSpotApiPaths.known()).containsExactly("2026-03", "v3");
    }

    @Test
    void everyWrongOrUnknownKeyIsNamed() {
        assertThat(HubSpotConnectorProperties.problems(settings(Map.of("base-url", "http://api.hubapi.com", "api-version", "v9",
                "search-rate-limit.requests", "0", "tokn", "x")))).extracting(SettingProblem::key)
                .containsExactly("access-token", "api-version", "base-url", "search-rate-limit.per", "search-rate-limit.requests", "tokn");
        assertThatThrownBy(() -> HubSpotConnectorProperties.of(settings(Map.of("access-token", "t", "portal", "1"))))
                .hasMessageContaining("portal: unknown option of a hubspot connection");
    }
}
