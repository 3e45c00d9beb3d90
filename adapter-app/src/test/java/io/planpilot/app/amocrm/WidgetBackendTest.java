package io.planpilot.app.amocrm;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.app.kpi.KpiSnapshots;
import io.planpilot.app.security.SignedLinks;
import io.planpilot.app.sync.PageIntake;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import io.planpilot.core.kpi.DealFacts;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;
import io.planpilot.core.kpi.RepFigures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The amoCRM widget's backend against the running adapter: the {@code amo} connection's leads are put
 * into the store as a sync would; the widget calls with an {@code X-Auth-Token} made as amoCRM makes
 * it (HS256 with the integration's secret key, amoCRM's claims).
 */
class WidgetBackendTest extends AdapterIntegrationTest {

    private static final String AMO = "amo";
    private static final String ORIGIN = "https://acme.amocrm.ru";
    private static final String LEAD = "7001";
    /** A stage visit of 2, 3, 4, 6 and 9 days each: the 75th percentile (nearest rank) is 6. */
    private static final int[] VISIT_DAYS = {2, 3, 4, 6, 9};
    private static volatile boolean stored;

    @Autowired
    private PageIntake intake;
    @Autowired
    private KpiSnapshots snapshots;
    @Autowired
    private SignedLinks links;

    @LocalServerPort
    private int port;

    @BeforeEach
    void storeTheAccountOnce() {
        if (stored) {
            return;
        }
        Instant now = Instant.now();
        ZoneId zone = ZoneId.of("Europe/Moscow");
        // the norm comes from the lookback window, which ends where this month starts
        Instant monthStart = LocalDate.now(zone).withDayOfMonth(1).atStartOfDay(zone).toInstant();
        Instant created = monthStart.minus(Duration.ofDays(45));
        List<Deal> deals = new ArrayList<>();
        List<StageTransition> transitions = new ArrayList<>();
        for (int i = 0; i < VISIT_DAYS.length; i++) {
            String id = "600" + i;
            Instant talks = created.plus(Duration.ofDays(1));
            Instant won = talks.plus(Duration.ofDays(VISIT_DAYS[i]));
            deals.add(new Deal(AMO, id, "Won " + id, "p1", "142", DealStatus.WON, new BigDecimal("20000"), "USD", "501",
                    created, won, null, Map.of(), List.of(), null, false, won));
            transitions.add(new StageTransition(AMO, id + "-new", id, "s-new", created));
            transitions.add(new StageTransition(AMO, id + "-talks", id, "s-talks", talks));
            transitions.add(new StageTransition(AMO, id + "-won", id, "142", won));
        }
        // and one won this month, for the owner's figures
        Instant wonNow = now.minus(Duration.ofHours(1));
        deals.add(new Deal(AMO, "6100", "Won 6100", "p1", "142", DealStatus.WON, new BigDecimal("20000"), "USD", "501",
                now.minus(Duration.ofDays(2)), wonNow, null, Map.of(), List.of(), null, false, wonNow));
        transitions.add(new StageTransition(AMO, "6100-new", "6100", "s-new", now.minus(Duration.ofDays(2))));
        transitions.add(new StageTransition(AMO, "6100-won", "6100", "142", wonNow));
        Instant leadCreated = now.minus(Duration.ofDays(5));
        Instant inTalks = now.minus(Duration.ofDays(2));
        deals.add(new Deal(AMO, LEAD, "Order 7001", "p1", "s-talks", DealStatus.OPEN, new BigDecimal("30000"), "USD", "501",
                leadCreated, null, LocalDate.now(zone), Map.of(), List.of(), null, false,
                inTalks));
        transitions.add(new StageTransition(AMO, LEAD + "-new", LEAD, "s-new", leadCreated));
        transitions.add(new StageTransition(AMO, LEAD + "-talks", LEAD, "s-talks", inTalks));
        Instant called = now.minus(Duration.ofDays(1));
        SyncPage page = SyncPage.builder()
                .reps(List.of(new Rep(AMO, "501", "Anna Petrova", "anna@acme.test", true, null)))
                .pipelines(List.of(new Pipeline(AMO, "p1", "Sales")))
                .stages(List.of(
                        new Stage(AMO, "p1", "s-new", "New", BigDecimal.ONE, DealStatus.OPEN, null),
                        new Stage(AMO, "p1", "s-talks", "Talks", BigDecimal.valueOf(2), DealStatus.OPEN, null),
                        new Stage(AMO, "p1", "142", "Won", BigDecimal.valueOf(3), DealStatus.WON, null),
                        new Stage(AMO, "p1", "143", "Lost", BigDecimal.valueOf(4), DealStatus.LOST, null)))
                .deals(deals)
                .transitions(transitions)
                .activities(List.of(new Activity(AMO, "call-1", ActivityType.CALL, "501", LEAD, called, null, called, false)))
                .build();
        intake.take(AMO, page);
        // the rules' actions about the lead, already settled (SENT and FAILED are never dispatched again)
        insertAction("stuck-in-stage", LEAD, "SENT", "Deal 7001 is stuck");
        insertAction("stale-deal", LEAD, "FAILED", "Call about 7001");
        insertAction("stale-deal", "6000", "SENT", "Not about 7001");
        stored = true;
    }

    @Test
    void aLeadCardGetsItsStageAgainstTheNormItsOwnersFiguresItsActionsAndASignedLink() {
        Map<String, Object> answer = widget("?lead=" + LEAD, token(UnaryOperator.identity()))
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        KpiQuery query = new KpiQuery(Period.monthOf(Instant.now(), ZoneId.of("Europe/Moscow")), Instant.now(), AMO);
        KpiEngine engine = new KpiEngine(snapshots.current());
        DealFacts facts = engine.dealFacts(query);
        DealFacts.OpenDeal deal = facts.open().stream().filter(d -> d.id().equals(LEAD)).findFirst().orElseThrow();
        DealFacts.StageVisits visits = facts.stageVisitsInLookback().stream()
                .filter(v -> v.stageId().equals("s-talks")).findFirst().orElseThrow();

        @SuppressWarnings("unchecked")
        Map<String, Object> lead = (Map<String, Object>) answer.get("lead");
        assertThat(lead).containsEntry("id", LEAD).containsEntry("state", "OPEN").containsEntry("stale", false)
                .containsEntry("overNorm", false).containsEntry("ownerName", "Anna Petrova");
        assertThat(lead.get("stage")).isEqualTo(Map.of("id", "s-talks", "name", "Talks"));
        assertThat(new BigDecimal(lead.get("amount").toString())).isEqualByComparingTo(deal.amount());
        assertThat(Instant.parse((String) lead.get("stageEnteredAt"))).isEqualTo(deal.stageEnteredAt());
        assertThat(Double.parseDouble(lead.get("daysInStage").toString())).isCloseTo(2.0, within(0.11));
        @SuppressWarnings("unchecked")
        Map<String, Object> norm = (Map<String, Object>) lead.get("stageNorm");
        assertThat(visits.days()).hasSize(VISIT_DAYS.length);
        assertThat(new BigDecimal(norm.get("days").toString())).isEqualByComparingTo(visits.days().get(3))
                .isEqualByComparingTo("6");
        assertThat(norm).containsEntry("percentile", 75).containsEntry("visits", 5);

        RepFigures anna = engine.reps(query).stream().filter(r -> r.key().equals("501")).findFirst().orElseThrow();
        @SuppressWarnings("unchecked")
        Map<String, Object> owner = (Map<String, Object>) answer.get("owner");
        assertThat(owner).containsEntry("key", "501").containsEntry("name", "Anna Petrova")
                .containsEntry("wonCount", (int) anna.wonCount()).containsEntry("staleDeals", (int) anna.staleDeals());
        assertThat(new BigDecimal(owner.get("wonAmount").toString())).isEqualByComparingTo(anna.wonAmount())
                .isEqualByComparingTo("20000");

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> actions = (List<Map<String, Object>>) answer.get("actions");
        assertThat(actions).extracting(a -> a.get("rule") + " " + a.get("status") + " " + a.get("title"))
                .containsExactly("stale-deal FAILED Call about 7001", "stuck-in-stage SENT Deal 7001 is stuck");

        String link = (String) answer.get("link");
        String prefix = "http://localhost:" + port + "/ui/deals/amo/" + LEAD + "?t=";
        assertThat(link).startsWith(prefix);
        SignedLinks.Grant grant = links.verify(link.substring(prefix.length())).orElseThrow();
        assertThat(grant.scope()).isEqualTo("deal:amo:" + LEAD);
        assertThat(grant.expires()).isBetween(Instant.now().plus(Duration.ofMinutes(9)), Instant.now().plus(Duration.ofMinutes(11)));
        assertThat(answer).containsEntry("connection", AMO).containsEntry("currency", "USD")
                .containsEntry("period", query.period().label());
    }

    @Test
    void withoutALeadTheDepartmentsFiguresAndALinkToTheOverview() {
        Map<String, Object> answer = widget("", token(UnaryOperator.identity()))
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        KpiFigures expected = new KpiEngine(snapshots.current())
                .summary(new KpiQuery(Period.monthOf(Instant.now(), ZoneId.of("Europe/Moscow")), Instant.now(), AMO));
        @SuppressWarnings("unchecked")
        Map<String, Object> department = (Map<String, Object>) answer.get("department");
        assertThat(department).containsEntry("wonCount", (int) expected.wonCount())
                .containsEntry("openCount", (int) expected.openCount());
        assertThat(decimal(department.get("wonAmount"))).isEqualByComparingTo(expected.wonAmount());
        assertThat(decimal(department.get("openAmount"))).isEqualByComparingTo(expected.openAmount()).isEqualByComparingTo("30000");
        assertThat(decimal(department.get("wonAmount"))).isEqualByComparingTo("20000");
        assertThat(decimal(department.get("forecast"))).isEqualTo(decimalOrNull(expected.forecast()));
        assertThat(decimal(department.get("plan"))).isEqualTo(decimalOrNull(expected.plan()));
        assertThat(decimal(department.get("attainment"))).isEqualTo(decimalOrNull(expected.attainment()));
        assertThat(department).containsKeys("plan", "wonAmount", "forecast", "attainment");

        String prefix = "http://localhost:" + port + "/ui?t=";
        String link = (String) answer.get("link");
        assertThat(link).startsWith(prefix);
        assertThat(links.verify(link.substring(prefix.length())).orElseThrow().scope()).isEqualTo("connection:amo");
    }

    @Test
    void anExpiredTokenIsRefused() {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        refused(token(claims -> claims.issueTime(Date.from(past)).notBeforeTime(Date.from(past))
                .expirationTime(Date.from(past.plus(Duration.ofMinutes(30))))));
    }

    @Test
    void aTokenNotYetValidIsRefused() {
        Instant later = Instant.now().plus(Duration.ofMinutes(10));
        refused(token(claims -> claims.notBeforeTime(Date.from(later))));
    }

    @Test
    void aTokenSignedWithAnotherSecretIsRefused() {
        refused(sign(claims(UnaryOperator.identity()), AMO_CLIENT_SECRET.replace('Y', 'Z')));
    }

    @Test
    void aTokenWithATamperedPayloadIsRefused() {
        String genuine = token(UnaryOperator.identity());
        String[] parts = genuine.split("\\.");
        String other = token(claims -> claims.claim("user_id", 1L)).split("\\.")[1];
        refused(parts[0] + "." + other + "." + parts[2]);
    }

    @Test
    void aTokenForAnotherAudienceIsRefused() {
        refused(token(claims -> claims.audience("https://other-integration.example.com")));
    }

    @Test
    void aTokenOfAnotherAccountIsRefused() {
        refused(token(claims -> claims.claim("account_id", 31000001L)));
        refused(token(claims -> claims.claim("subdomain", "rival")));
    }

    @Test
    void aMissingOrMalformedTokenIsRefused() {
        refused(null);
        refused("not-a-jwt");
        // unsigned: the adapter decides the algorithm, not the token
        String[] parts = token(UnaryOperator.identity()).split("\\.");
        String none = java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        refused(none + "." + parts[1] + ".");
    }

    @Test
    void aBadLeadIdIsA400NamingItAndAnUnknownConnectionA404() {
        widget("?lead=7001;drop", token(UnaryOperator.identity())).expectStatus().isBadRequest()
                .expectBody().jsonPath("$.parameter").isEqualTo("lead");
        web.get().uri("/crm/amocrm/nope/widget").header(WidgetController.AUTH_HEADER, token(UnaryOperator.identity()))
                .exchange().expectStatus().isNotFound();
        // a connection of another type has no widget
        web.get().uri("/crm/amocrm/small/widget").header(WidgetController.AUTH_HEADER, token(UnaryOperator.identity()))
                .exchange().expectStatus().isNotFound();
    }

    @Test
    void corsAllowsExactlyTheAccountsOriginAndTheTokenHeader() {
        web.options().uri("/crm/amocrm/amo/widget?lead=" + LEAD)
                .header(HttpHeaders.ORIGIN, ORIGIN)
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "x-auth-token")
                .exchange()
                .expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN)
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS,
                        headers -> assertThat(headers).containsIgnoringCase("x-auth-token"))
                .expectHeader().value(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, methods -> assertThat(methods).contains("GET"));

        web.options().uri("/crm/amocrm/amo/widget")
                .header(HttpHeaders.ORIGIN, "https://rival.amocrm.ru")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET")
                .header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "X-Auth-Token")
                .exchange()
                .expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);

        // the call itself, and a refusal too, so that the widget can read why
        web.get().uri("/crm/amocrm/amo/widget").header(HttpHeaders.ORIGIN, ORIGIN)
                .header(WidgetController.AUTH_HEADER, token(UnaryOperator.identity()))
                .exchange().expectStatus().isOk()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN);
        web.get().uri("/crm/amocrm/amo/widget").header(HttpHeaders.ORIGIN, ORIGIN)
                .exchange().expectStatus().isUnauthorized()
                .expectHeader().valueEquals(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, ORIGIN);
        web.get().uri("/crm/amocrm/amo/widget").header(HttpHeaders.ORIGIN, "https://rival.amocrm.ru")
                .header(WidgetController.AUTH_HEADER, token(UnaryOperator.identity()))
                .exchange().expectStatus().isForbidden();
    }

    @Test
    void theAudienceIsTheAdaptersBaseAddressWithOrWithoutItsPort() {
        assertThat(WidgetController.audiences("https://planpilot.example.com"))
                .containsExactly("https://planpilot.example.com");
        assertThat(WidgetController.audiences("https://PlanPilot.example.com:8443/"))
                .containsExactly("https://planpilot.example.com:8443", "https://planpilot.example.com");
        assertThat(WidgetController.base("https://planpilot.example.com/", java.net.URI.create("http://10.0.0.5:8080/crm")))
                .isEqualTo("https://planpilot.example.com");
        assertThat(WidgetController.base("", java.net.URI.create("http://localhost:8080/crm/amocrm/amo/widget")))
                .isEqualTo("http://localhost:8080");
    }

    // ------------------------------------------------------------------ helpers

    private WebTestClient.ResponseSpec widget(String query, String token) {
        return web.get().uri("/crm/amocrm/amo/widget" + query).header(WidgetController.AUTH_HEADER, token).exchange();
    }

    private void refused(String token) {
        WebTestClient.RequestHeadersSpec<?> call = web.get().uri("/crm/amocrm/amo/widget?lead=" + LEAD);
        if (token != null) {
            call = call.header(WidgetController.AUTH_HEADER, token);
        }
        call.exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().valueEquals(HttpHeaders.WWW_AUTHENTICATE, "X-Auth-Token")
                .expectBody().jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("X-Auth-Token"))
                .jsonPath("$.lead").doesNotExist();
    }

    /** A token as amoCRM's $authorizedAjax() sends it, for a user of the account, changed by {@code change}. */
    private String token(UnaryOperator<JWTClaimsSet.Builder> change) {
        return sign(claims(change), AMO_CLIENT_SECRET);
    }

    private JWTClaimsSet claims(UnaryOperator<JWTClaimsSet.Builder> change) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ORIGIN)
                .audience("http://localhost:" + port)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(30))))
                .claim("account_id", Long.parseLong(AMO_ACCOUNT_ID))
                .claim("subdomain", "acme")
                .claim("user_id", 501L)
                .claim("client_uuid", "c0a8b3e2-5f1d-4c2a-9e7b-3d4f5a6b7c8d");
        return change.apply(claims).build();
    }

    private static String sign(JWTClaimsSet claims, String secret) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void insertAction(String rule, String dealId, String status, String title) {
        db.sql("""
                        insert into action (rule, kind, connection, target, deal_id, dedupe_key, title, body, status,
                                            crm_id, attempts, next_attempt_at, created_at, sent_at)
                        values (:rule, 'TASK', 'amo', '501', :deal, :key, :title, 'body', :status, :crm, 1, now(), now(),
                                case when :status = 'SENT' then now() end)""")
                .bind("rule", rule).bind("deal", dealId).bind("key", "widget-test:" + UUID.randomUUID())
                .bind("title", title).bind("status", status).bind("crm", "T-" + UUID.randomUUID())
                .fetch().rowsUpdated().block();
    }

    private static BigDecimal decimal(Object value) {
        return value == null ? null : new BigDecimal(value.toString());
    }

    private static BigDecimal decimalOrNull(BigDecimal value) {
        return value == null ? null : new BigDecimal(value.toString());
    }
}
