package io.planpilot.app.rules;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.app.webhook.WebhookIntegrationTest;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * From a CRM change to actions in the CRM: a stale, large deal of the {@code hooked} connection
 * arrives by webhook; the rules run after the change, store a task for its owner, a notice to the
 * head and a comment on the deal; the dispatcher sends them to the CRM on WireMock; running the
 * rules again through the API stores nothing new.
 */
class RulesRunTest extends WebhookIntegrationTest {

    private final WireMockServer crm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @BeforeEach
    void startCrm() {
        crm.start();
        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/tasks")).willReturn(aResponse().withStatus(404)));
        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/comments")).willReturn(aResponse().withStatus(404)));
        crm.stubFor(post(urlPathEqualTo("/tasks")).willReturn(okJson("{\"id\":\"T-7\"}")));
        crm.stubFor(post(urlPathEqualTo("/comments")).willReturn(okJson("{\"id\":\"C-7\"}")));
        CRM.writeUrl = crm.baseUrl();
    }

    @AfterEach
    void stopCrm() {
        CRM.writeUrl = null;
        crm.stop();
    }

    @Test
    void aStaleLargeDealBecomesATaskANoticeAndACommentOnceEach() {
        String dealId = unique("big");
        Instant created = Instant.now().minus(Duration.ofDays(40));
        CRM.hold(new Deal(HOOKED, dealId, "Big order", "sales", "talks", DealStatus.OPEN, new BigDecimal("500000"), "USD",
                "7", created, null, null, Map.of(), List.of(), null, false, created));
        String event = unique("big-event");
        hook(events(event + "=" + dealId)).expectStatus().isOk();
        awaitStatus(event, "PROCESSED");

        // the rules ran by themselves after the change
        List<Map<String, Object>> actions = awaitActionsFor(dealId, 3);
        assertThat(actions).extracting(a -> a.get("rule") + " " + a.get("kind") + " " + a.get("target"))
                .containsExactlyInAnyOrder("stale-deal TASK 7", "large-deal NOTIFY 900", "large-deal COMMENT " + dealId);
        awaitThat(() -> actionsFor(dealId).stream().allMatch(a -> "SENT".equals(a.get("status"))), "all three sent");
        crm.verify(1, postRequestedFor(urlPathEqualTo("/tasks"))
                .withRequestBody(matchingJsonPath("$.assignee", equalTo("7")))
                .withRequestBody(matchingJsonPath("$.dealId", equalTo(dealId)))
                .withRequestBody(matchingJsonPath("$.deadline")));
        crm.verify(1, postRequestedFor(urlPathEqualTo("/tasks"))
                .withRequestBody(matchingJsonPath("$.assignee", equalTo("900")))
                .withRequestBody(matchingJsonPath("$.description", containing("500")))); // the amount in the notice
        crm.verify(1, postRequestedFor(urlPathEqualTo("/comments")).withRequestBody(matchingJsonPath("$.dealId", equalTo(dealId))));

        // running them again, as a restart or a second replica would, stores and sends nothing new
        int sentBefore = crm.getAllServeEvents().size();
        Map<String, Object> again = web.post().uri("/api/v1/rules/run").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange().expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(((Number) again.get("created")).longValue()).isZero();
        assertThat(((Number) again.get("skippedAsDuplicate")).longValue()).isGreaterThanOrEqualTo(3);
        assertThat(actionsFor(dealId)).hasSize(3);
        pause(500);
        assertThat(crm.getAllServeEvents()).hasSize(sentBefore);
    }

    @Test
    void aBadPeriodIsA400NamingIt() {
        web.post().uri("/api/v1/rules/run?period=2026-13").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("period"));
    }

    private List<Map<String, Object>> actionsFor(String dealId) {
        Map<String, Object> body = get("/api/v1/actions?connection=hooked").exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) body.get("rows");
        return rows.stream().filter(a -> dealId.equals(a.get("dealId")) || ((String) a.get("dedupeKey")).contains(dealId)).toList();
    }

    private List<Map<String, Object>> awaitActionsFor(String dealId, int count) {
        awaitThat(() -> actionsFor(dealId).size() >= count, count + " actions about " + dealId);
        return actionsFor(dealId);
    }
}
