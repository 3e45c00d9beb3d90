package io.planpilot.app.placement;

import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.app.security.SignedLinks;
import io.planpilot.app.sync.PageIntake;
import io.planpilot.connector.hubspot.HubSpotSignatureV3;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HubSpot card endpoints over a small HubSpot pipeline stored for `hs`: five deals that spent 2,
 * 4, 6, 8 and 10 days in the first stage, and deal 9001 there for 12 days. Calls are signed as
 * HubSpot signs them (v3); anything else is refused.
 */
class HubSpotCardTest extends AdapterIntegrationTest {

    private static final String FIRST = "appointmentscheduled";

    @Autowired
    PageIntake intake;

    @Autowired
    SignedLinks links;

    private final List<RecordRef> stored = new ArrayList<>();
    private Instant now;

    @BeforeEach
    void pipeline() {
        now = Instant.now();
        List<Deal> deals = new ArrayList<>();
        List<StageTransition> transitions = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            Instant created = now.minus(Duration.ofDays(40));
            String id = "h" + i;
            deals.add(deal(id, "closedwon", DealStatus.WON, created, now.minus(Duration.ofMinutes(i))));
            transitions.add(new StageTransition("hs", id + "-1", id, FIRST, created));
            transitions.add(new StageTransition("hs", id + "-2", id, "presentationscheduled", created.plus(Duration.ofDays(2L * i))));
            transitions.add(new StageTransition("hs", id + "-3", id, "closedwon", now.minus(Duration.ofMinutes(i))));
        }
        Instant entered = now.minus(Duration.ofDays(12));
        deals.add(deal("9001", FIRST, DealStatus.OPEN, entered, null));
        transitions.add(new StageTransition("hs", "9001-1", "9001", FIRST, entered));
        List<Activity> activities = List.of(
                new Activity("hs", "t1", ActivityType.TASK, "51", "9001", now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(2)),
                        now.minus(Duration.ofDays(2)), false),
                new Activity("hs", "t2", ActivityType.TASK, "51", "9001", now.minus(Duration.ofDays(3)), now.minus(Duration.ofDays(1)),
                        null, false));
        intake.take("hs", SyncPage.builder()
                .reps(List.of(new Rep("hs", "51", "Anna Petrova", "anna@example.com", true, null)))
                .pipelines(List.of(new Pipeline("hs", "default", "Sales Pipeline")))
                .stages(List.of(
                        new Stage("hs", "default", FIRST, "Appointment scheduled", BigDecimal.ONE, DealStatus.OPEN, new BigDecimal("0.2")),
                        new Stage("hs", "default", "presentationscheduled", "Presentation scheduled", BigDecimal.valueOf(2), DealStatus.OPEN, new BigDecimal("0.6")),
                        new Stage("hs", "default", "closedwon", "Closed won", BigDecimal.valueOf(3), DealStatus.WON, BigDecimal.ONE),
                        new Stage("hs", "default", "closedlost", "Closed lost", BigDecimal.valueOf(4), DealStatus.LOST, BigDecimal.ZERO)))
                .deals(deals).transitions(transitions).activities(activities)
                .build());
        deals.forEach(d -> stored.add(new RecordRef(RecordKind.DEAL, d.id())));
        activities.forEach(a -> stored.add(new RecordRef(RecordKind.ACTIVITY, a.id())));
        db.sql("delete from action where connection = 'hs' and rule = 'test'").then().block();
        db.sql("""
                insert into action (rule, kind, connection, target, deal_id, dedupe_key, title, body, status, crm_id,
                                    next_attempt_at, created_at, sent_at)
                values ('test', 'TASK', 'hs', '51', '9001', 'test-9001', 'Call the client about 9001', 'body', 'SENT', '777',
                        now(), now(), now())""").then().block();
    }

    @AfterEach
    void forget() {
        intake.take("hs", SyncPage.builder().deletions(stored).build());
        db.sql("delete from action where connection = 'hs'").then().block();
    }

    private Deal deal(String id, String stage, DealStatus status, Instant created, Instant closed) {
        return new Deal("hs", id, "Deal " + id, "default", stage, status, new BigDecimal("2500"), "USD", "51", created, closed,
                null, Map.of(), List.of(), null, false, closed == null ? created : closed);
    }

    private WebTestClient.ResponseSpec signed(String method, String pathAndQuery, String body, long timestamp) {
        String uri = "http://localhost:" + port() + pathAndQuery;
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String signature = HubSpotSignatureV3.sign(HS_CLIENT_SECRET, method, uri, bytes, Long.toString(timestamp));
        var spec = web.method(org.springframework.http.HttpMethod.valueOf(method)).uri(URI.create(uri))
                .header(HubSpotSignatureV3.SIGNATURE_HEADER, signature)
                .header(HubSpotSignatureV3.TIMESTAMP_HEADER, Long.toString(timestamp));
        return body.isEmpty() ? spec.exchange() : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(bytes).exchange();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAppCardGetsTheDealsStageAgainstTheNormItsOwnersFiguresItsActionsAndALink() {
        // hubspot.fetch adds userId, portalId, userEmail and appId to the query, all covered by the signature
        Map<String, Object> answer = signed("POST", "/crm/hubspot/hs/card?userId=123&portalId=456&userEmail=a%40example.com&appId=99",
                "{\"dealId\":\"9001\"}", System.currentTimeMillis())
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        Map<String, Object> deal = (Map<String, Object>) answer.get("deal");
        Map<String, Object> stage = (Map<String, Object>) deal.get("stage");
        assertThat(stage).containsEntry("id", FIRST).containsEntry("name", "Appointment scheduled")
                .containsEntry("normPercentile", 75).containsEntry("normVisits", 5).containsEntry("overNorm", true);
        assertThat(((Number) stage.get("daysInStage")).doubleValue()).isEqualTo(12.0);
        assertThat(((Number) stage.get("norm")).doubleValue()).isEqualTo(8.0); // nearest rank 75% of 2, 4, 6, 8, 10
        assertThat(((Number) deal.get("amount")).intValue()).isEqualTo(2500);

        Map<String, Object> owner = (Map<String, Object>) deal.get("owner");
        Map<String, Object> rep = ((List<Map<String, Object>>) get("/api/v1/kpi/reps?connection=hs").exchange()
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody().get("rows")).stream()
                .filter(row -> "51".equals(row.get("key"))).findFirst().orElseThrow();
        assertThat(owner).containsEntry("id", "51").containsEntry("name", "Anna Petrova");
        for (String figure : List.of("wonAmount", "wonCount", "winRate", "taskCompletion", "overdueTasks", "staleDeals")) {
            assertThat(String.valueOf(owner.get(figure))).as(figure).isEqualTo(String.valueOf(rep.get(figure)));
        }
        assertThat(((Number) owner.get("wonCount")).intValue()).isEqualTo(5);

        assertThat((List<Map<String, Object>>) deal.get("actions"))
                .anySatisfy(action -> assertThat(action).containsEntry("title", "Call the client about 9001")
                        .containsEntry("status", "SENT").containsEntry("crmId", "777"));

        String link = (String) answer.get("dashboardUrl");
        assertThat(link).startsWith("http://localhost:" + port() + "/ui/deals/hs/9001?t=");
        String token = java.net.URLDecoder.decode(link.substring(link.indexOf("t=") + 2), StandardCharsets.UTF_8);
        assertThat(links.verify(token).orElseThrow().scope()).isEqualTo("deal:hs:9001");
    }

    @Test
    void aGetWithTheDealInTheQueryWorksToo() {
        signed("GET", "/crm/hubspot/hs/card?dealId=9001&portalId=456", "", System.currentTimeMillis())
                .expectStatus().isOk().expectBody().jsonPath("$.deal.dealId").isEqualTo("9001");
    }

    @Test
    void aWrongAStaleOrAMissingSignatureIsRefused() {
        long fresh = System.currentTimeMillis();
        String uri = "http://localhost:" + port() + "/crm/hubspot/hs/card?dealId=9001";
        web.get().uri(URI.create(uri))
                .header(HubSpotSignatureV3.SIGNATURE_HEADER, HubSpotSignatureV3.sign("another-secret", "GET", uri, new byte[0], Long.toString(fresh)))
                .header(HubSpotSignatureV3.TIMESTAMP_HEADER, Long.toString(fresh))
                .exchange().expectStatus().isUnauthorized().expectBody().jsonPath("$.error").value(e -> assertThat((String) e).contains("does not match"));
        signed("GET", "/crm/hubspot/hs/card?dealId=9001", "", fresh - Duration.ofMinutes(6).toMillis())
                .expectStatus().isUnauthorized().expectBody().jsonPath("$.error").value(e -> assertThat((String) e).contains("5 minutes"));
        web.get().uri(URI.create(uri)).exchange().expectStatus().isUnauthorized();
        // the body is signed: a deal swapped in transit does not pass
        String signedFor = HubSpotSignatureV3.sign(HS_CLIENT_SECRET, "POST", "http://localhost:" + port() + "/crm/hubspot/hs/card",
                "{\"dealId\":\"9001\"}".getBytes(StandardCharsets.UTF_8), Long.toString(fresh));
        web.post().uri(URI.create("http://localhost:" + port() + "/crm/hubspot/hs/card"))
                .header(HubSpotSignatureV3.SIGNATURE_HEADER, signedFor).header(HubSpotSignatureV3.TIMESTAMP_HEADER, Long.toString(fresh))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"dealId\":\"h1\"}").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aClosedOrUnknownDealAndAnUnknownConnectionAreNotFound() {
        signed("GET", "/crm/hubspot/hs/card?dealId=h1", "", System.currentTimeMillis()).expectStatus().isNotFound()
                .expectBody().jsonPath("$.error").value(e -> assertThat((String) e).contains("not an open deal"));
        signed("GET", "/crm/hubspot/b24/card?dealId=9001", "", System.currentTimeMillis()).expectStatus().isNotFound();
        signed("GET", "/crm/hubspot/hs/card", "", System.currentTimeMillis()).expectStatus().isBadRequest();
    }

    @Test
    @SuppressWarnings("unchecked")
    void theLegacyCardGetsTheSameFiguresInItsOwnShape() {
        Map<String, Object> answer = signed("GET", "/crm/hubspot/hs/card/legacy?userId=1&userEmail=a%40example.com"
                        + "&associatedObjectId=9001&associatedObjectType=DEAL&portalId=456", "", System.currentTimeMillis())
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        List<Map<String, Object>> results = (List<Map<String, Object>>) answer.get("results");
        assertThat(results).hasSize(1);
        assertThat(results.get(0)).containsEntry("objectId", 9001).containsEntry("title", "PlanPilot: longer in stage than usual");
        assertThat((String) results.get(0).get("link")).contains("/ui/deals/hs/9001?t=");
        assertThat((List<Map<String, Object>>) results.get(0).get("properties"))
                .anySatisfy(p -> assertThat(p).containsEntry("label", "Days in stage").containsEntry("value", "12"))
                .anySatisfy(p -> assertThat(p).containsEntry("label", "Usual days in this stage (75th percentile)").containsEntry("value", "8"))
                .anySatisfy(p -> assertThat(p).containsEntry("label", "Owner's won this month").containsEntry("dataType", "CURRENCY")
                        .containsEntry("value", "12500").containsEntry("currencyCode", "USD"));

        Map<String, Object> closed = signed("GET", "/crm/hubspot/hs/card/legacy?associatedObjectId=h2", "", System.currentTimeMillis())
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat((List<?>) closed.get("results")).isEmpty();
    }
}
