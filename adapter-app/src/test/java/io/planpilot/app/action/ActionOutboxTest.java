package io.planpilot.app.action;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.app.webhook.HookedCrm;
import io.planpilot.core.rules.ActionKind;
import io.planpilot.core.rules.ProposedAction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox against a CRM on WireMock (the {@code hooked} test connector's write API): stored once
 * per dedupe key, delivered once, kept while the CRM is down, found again after an answer was lost,
 * failed in words when the CRM refuses, sent again on request.
 */
class ActionOutboxTest extends AdapterIntegrationTest {

    private static final WireMockServer crm = new WireMockServer(WireMockConfiguration.options().dynamicPort());

    @Autowired
    ActionOutbox outbox;

    @BeforeAll
    static void startCrm() {
        crm.start();
    }

    @AfterAll
    static void stopCrm() {
        crm.stop();
    }

    @BeforeEach
    void pointConnectorAtCrm() {
        crm.resetAll();
        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/tasks")).willReturn(aResponse().withStatus(404)));
        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/comments")).willReturn(aResponse().withStatus(404)));
        HookedCrm.of("hooked").writeUrl = crm.baseUrl();
    }

    @AfterEach
    void detachCrm() {
        HookedCrm.of("hooked").writeUrl = null;
    }

    @Test
    void aProposalIsStoredOnceAndDeliveredOnce() {
        crm.stubFor(post(urlPathEqualTo("/tasks")).willReturn(okJson("{\"id\":\"T-1\"}")));
        String key = key("stale");
        ProposedAction task = task(key);

        ActionOutbox.Proposed first = outbox.propose(List.of(task), Instant.now()).block();
        ActionOutbox.Proposed again = outbox.propose(List.of(task, task), Instant.now()).block();

        assertThat(first).isEqualTo(new ActionOutbox.Proposed(1, 0));
        assertThat(again).isEqualTo(new ActionOutbox.Proposed(0, 2));
        Map<String, Object> sent = awaitAction(key, a -> "SENT".equals(a.get("status")));
        assertThat(sent).containsEntry("crmId", "T-1").containsEntry("kind", "TASK").containsEntry("connection", "hooked")
                .containsEntry("target", "7").containsEntry("rule", "stale-deal").containsEntry("attempts", 1)
                .containsEntry("dealId", "D-1");
        crm.verify(1, postRequestedFor(urlPathEqualTo("/tasks"))
                .withRequestBody(matchingJsonPath("$.idempotencyKey", equalTo(key)))
                .withRequestBody(matchingJsonPath("$.assignee", equalTo("7")))
                .withRequestBody(matchingJsonPath("$.dealId", equalTo("D-1"))));
    }

    @Test
    void actionsWaitWhileTheCrmIsDownAndAreDeliveredOnceWhenItRecovers() {
        crm.stubFor(post(urlPathEqualTo("/tasks")).willReturn(aResponse().withStatus(503).withBody("maintenance")));
        List<String> keys = List.of(key("outage"), key("outage"), key("outage"));
        outbox.propose(keys.stream().map(this::task).toList(), Instant.now()).block();

        for (String key : keys) {
            Map<String, Object> waiting = awaitAction(key, a -> ((Number) a.get("attempts")).intValue() >= 3);
            assertThat(waiting.get("status")).isEqualTo("PENDING");
            assertThat((String) waiting.get("lastError")).contains("503").contains("maintenance");
        }

        crm.stubFor(post(urlPathEqualTo("/tasks")).willReturn(okJson("{\"id\":\"T-2\"}")));
        for (String key : keys) {
            awaitAction(key, a -> "SENT".equals(a.get("status")));
            assertThat(created("/tasks", key)).isEqualTo(1);
            assertThat(attempted("/tasks", key)).as("refused while down, then created").isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void anAnswerLostAfterTheCrmCreatedTheTaskDoesNotMakeASecondOne() {
        String key = key("lost");
        // the CRM creates the task but the answer is a 502; afterwards the key is found
        crm.stubFor(post(urlPathEqualTo("/tasks")).inScenario("lost").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(502)).willSetStateTo("created"));
        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/tasks")).inScenario("lost").whenScenarioStateIs("created")
                .withQueryParam("key", equalTo(key)).willReturn(okJson("{\"id\":\"T-9\"}")));
        outbox.propose(List.of(task(key)), Instant.now()).block();

        Map<String, Object> sent = awaitAction(key, a -> "SENT".equals(a.get("status")));

        assertThat(sent).containsEntry("crmId", "T-9").containsEntry("attempts", 2);
        crm.verify(1, postRequestedFor(urlPathEqualTo("/tasks")));
        crm.verify(2, getRequestedFor(urlPathEqualTo("/tasks")).withQueryParam("key", equalTo(key)));
    }

    @Test
    void aRefusedActionFailsInWordsAndIsSentAgainOnRequest() {
        crm.stubFor(post(urlPathEqualTo("/comments")).willReturn(aResponse().withStatus(400).withBody("deal D-404 does not exist")));
        String key = key("large");
        outbox.propose(List.of(new ProposedAction("large-deal", ActionKind.COMMENT, "hooked", "D-404", "D-404", key,
                "A large deal", "Consider taking part in person.", null)), Instant.now()).block();

        Map<String, Object> failed = awaitAction(key, a -> "FAILED".equals(a.get("status")));
        assertThat((String) failed.get("lastError")).contains("400").contains("deal D-404 does not exist");
        assertThat(failed.get("crmId")).isNull();

        crm.stubFor(post(urlPathEqualTo("/comments")).willReturn(okJson("{\"id\":\"C-1\"}")));
        Number id = (Number) failed.get("id");
        Map<String, Object> requeued = web.post().uri("/api/v1/actions/{id}/retry", id)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(requeued).containsEntry("status", "PENDING");
        assertThat(awaitAction(key, a -> "SENT".equals(a.get("status")))).containsEntry("crmId", "C-1");
        assertThat(created("/comments", key)).isEqualTo(1);
        crm.verify(2, postRequestedFor(urlPathEqualTo("/comments"))
                .withRequestBody(matchingJsonPath("$.dealId", equalTo("D-404")))
                .withRequestBody(matchingJsonPath("$.text", equalTo("A large deal\n\nConsider taking part in person."))));

        web.post().uri("/api/v1/actions/{id}/retry", id).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isEqualTo(409);
        web.post().uri("/api/v1/actions/{id}/retry", 999_999_999).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isNotFound();
    }

    @Test
    void theListFiltersByStatusAndNamesABadOne() {
        get("/api/v1/actions?status=sideways").exchange().expectStatus().isBadRequest()
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("status").contains("sideways"));
        web.get().uri("/api/v1/actions").exchange().expectStatus().isUnauthorized();
    }

    /** POSTs carrying the key that the CRM answered with 2xx: what it created. */
    private static long created(String path, String key) {
        return crm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("POST") && e.getRequest().getUrl().equals(path))
                .filter(e -> e.getRequest().getBodyAsString().contains(key))
                .filter(e -> e.getResponse().getStatus() / 100 == 2)
                .count();
    }

    private static long attempted(String path, String key) {
        return crm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("POST") && e.getRequest().getUrl().equals(path))
                .filter(e -> e.getRequest().getBodyAsString().contains(key))
                .count();
    }

    private ProposedAction task(String key) {
        return new ProposedAction("stale-deal", ActionKind.TASK, "hooked", "7", "D-1", key, "Call the customer",
                "No activity for 20 days.", Instant.parse("2026-11-30T15:00:00Z"));
    }

    private static String key(String what) {
        return "test:" + what + ":" + UUID.randomUUID();
    }

    private List<Map<String, Object>> actions() {
        Map<String, Object> body = get("/api/v1/actions?connection=hooked").exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) body.get("rows");
        return rows;
    }

    private Map<String, Object> awaitAction(String key, Predicate<Map<String, Object>> condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, Object> last = null;
        while (System.nanoTime() < deadline) {
            last = actions().stream().filter(a -> key.equals(a.get("dedupeKey"))).findFirst().orElse(null);
            if (last != null && condition.test(last)) {
                return last;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("action " + key + " did not get there in 30 s: " + last);
    }
}
