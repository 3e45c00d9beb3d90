package io.planpilot.connector.pipedrive;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.RateLimit;
import io.planpilot.core.connector.SettingProblem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipedriveConnectorPropertiesTest {

    private static ConnectionSettings settings(Map<String, String> options) {
        return new ConnectionSettings("pd", "pipedrive", ZoneId.of("UTC"), "EUR", Map.of(), options);
    }

    @Test
    void theDefaultsAreTheApiAddressAndTheSmallestPlansBurstWindow() {
        PipedriveConnectorProperties properties = PipedriveConnectorProperties.of(settings(Map.of("api-token", "abc123")));

        assertThat(properties.baseUrl()).hasToString("https://api.pipedrive.com");
        assertThat(properties.policy().rateLimit().text()).isEqualTo("18/PT2S");
        assertThat(properties.flowCallsPerRead()).isEqualTo(200);
        assertThat(properties.webhooksConfigured()).isFalse();
        assertThat(properties.toString()).doesNotContain("abc123");
    }

    @Test
    void everyWrongOrUnknownKeyIsNamed() {
        assertThat(PipedriveConnectorProperties.problems(settings(Map.of("base-url", "http://acme.pipedrive.com",
                "webhook-username", "u", "flow-calls-per-read", "-1", "apitoken", "x"))))
                .extracting(SettingProblem::key)
                .containsExactly("api-token", "apitoken", "base-url", "flow-calls-per-read", "webhook-password");
        assertThat(PipedriveConnectorProperties.problems(settings(Map.of("api-token", "t", "base-url",
                "https://api.pipedrive.com/v1")))).singleElement().satisfies(p -> assertThat(p.problem()).contains("without a path"));
        assertThatThrownBy(() -> PipedriveConnectorProperties.of(settings(Map.of())))
                .hasMessageContaining("api-token: is required");
    }

    @Test
    void theConnectionsRateLimitWins() {
        ConnectionSettings base = settings(Map.of("api-token", "t"));
        ConnectionSettings limited = new ConnectionSettings("pd", "pipedrive", base.zone(), "EUR", Map.of(), base.options(),
                new RateLimit(80, Duration.ofSeconds(2), null));

        assertThat(PipedriveConnectorProperties.of(limited).policy().rateLimit().text()).isEqualTo("80/PT2S");
        assertThat(PipedriveConnector.spacing(PipedriveConnectorProperties.of(limited))).isEqualTo(Duration.ofNanos(26_250_000));
    }
}
