package io.planpilot.connector.bitrix24;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.RateLimit;
import io.planpilot.core.connector.SettingProblem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class Bitrix24ConnectorPropertiesTest {

    private static final String URL = "https://acme.bitrix24.com/rest/1/abc123xyz/";

    private static ConnectionSettings settings(Map<String, String> options) {
        return new ConnectionSettings("b24", "bitrix24", ZoneId.of("UTC"), "RUB", Map.of(), options);
    }

    @Test
    void aWebhookUrlAndTokenAreAllItTakesWithBitrix24sDocumentedLimit() {
        Bitrix24ConnectorProperties properties = Bitrix24ConnectorProperties.of(settings(Map.of("base-url", URL,
                "application-token", "tok")));

        assertThat(properties.baseUrl().toString()).isEqualTo(URL);
        assertThat(properties.portal()).isEqualTo("https://acme.bitrix24.com");
        assertThat(properties.policy().rateLimit().text()).isEqualTo("2/PT1S");
        assertThat(properties.productRows()).isTrue();
        assertThat(properties.reconcileEvery()).isEqualTo(Duration.ofHours(1));
        assertThat(properties.toString()).doesNotContain("abc123xyz").doesNotContain("tok").contains("/rest/1/***");
    }

    @Test
    void theConnectionsRateLimitWins() {
        ConnectionSettings enterprise = new ConnectionSettings("b24", "bitrix24", ZoneId.of("UTC"), "RUB", Map.of(),
                Map.of("base-url", URL), new RateLimit(5, Duration.ofSeconds(1), 250));

        assertThat(Bitrix24ConnectorProperties.of(enterprise).policy().rateLimit().text()).isEqualTo("5/PT1S burst 5");
    }

    @Test
    void everyWrongOrUnknownKeyIsNamed() {
        Map<String, String> options = new HashMap<>();
        options.put("base-url", "https://acme.bitrix24.com/crm/deal/list/");
        options.put("product-rows", "maybe");
        options.put("reconcile-every", "hourly");
        options.put("app-client-secret", "s");
        options.put("token", "x");
        options.put("retry.max-attempts", "0");

        assertThat(Bitrix24ConnectorProperties.problems(settings(options))).extracting(SettingProblem::key)
                .containsExactly("app-client-id", "base-url", "product-rows", "reconcile-every", "retry.max-attempts", "token");
    }

    @Test
    void baseUrlMustBeAnHttpsIncomingWebhook() {
        assertThat(Bitrix24ConnectorProperties.webhookUrlProblem("http://acme.bitrix24.com/rest/1/abc/"))
                .hasValueSatisfying(p -> assertThat(p).contains("https"));
        assertThat(Bitrix24ConnectorProperties.webhookUrlProblem("https://acme.bitrix24.com/rest/1/abc/crm.deal.list.json"))
                .hasValueSatisfying(p -> assertThat(p).contains("/rest/{userId}/{secret}/").doesNotContain("abc"));
        assertThat(Bitrix24ConnectorProperties.webhookUrlProblem("https://acme.bitrix24.com/rest/1/abc/?x=1")).isPresent();
        assertThat(Bitrix24ConnectorProperties.webhookUrlProblem("https://acme.bitrix24.com/rest/1/abc")).isEmpty();
        assertThat(Bitrix24ConnectorProperties.webhookUrlProblem("http://localhost:8089/rest/1/abc/")).as("a local fake").isEmpty();
        assertThat(Bitrix24ConnectorProperties.problems(settings(Map.of()))).extracting(SettingProblem::key).containsExactly("base-url");
    }
}
