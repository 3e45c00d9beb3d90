package io.planpilot.app.placement;

import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.app.security.SecretBox;
import io.planpilot.app.security.SignedLinks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Bitrix24 local application end to end: the portal (CRM_FAKE, answering as b24restdocs shows)
 * installs it, then opens its placements; whoever is not that portal, or brings a token the portal
 * refuses, gets a 403.
 */
class Bitrix24PlacementTest extends AdapterIntegrationTest {

    private static final String MEMBER_ID = "a223c6b3710f85df22e9377d6c4f7553";
    private static final String TIME = "\"time\":{\"start\":1722841503.0585,\"finish\":1722841503.09885,\"duration\":0.04,"
            + "\"processing\":0.005,\"date_start\":\"2026-11-27T10:00:00+00:00\",\"date_finish\":\"2026-11-27T10:00:00+00:00\",\"operating\":0}";

    @Autowired
    SignedLinks links;

    @Autowired
    SecretBox box;

    @Autowired
    Bitrix24AppTokens tokens;

    @BeforeEach
    void freshPortal() {
        CRM_FAKE.resetAll();
        db.sql("delete from crm_app_install where connection = 'b24'").then().block();
    }

    private String domain() {
        return "localhost:" + CRM_FAKE.port();
    }

    private void portalKnowsTheApplication(String auth) {
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/app.info.json")).withRequestBody(matchingJsonPath("$.auth", equalTo(auth)))
                .willReturn(okJson("{\"result\":{\"ID\":\"7\",\"CODE\":\"" + B24_CLIENT_ID + "\",\"VERSION\":1,\"STATUS\":\"L\","
                        + "\"INSTALLED\":false,\"PAYMENT_EXPIRED\":\"N\",\"DAYS\":null,\"LICENSE\":\"ru_project\"}," + TIME + "}")));
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/placement.unbind.json")).willReturn(okJson("{\"result\":{\"count\":0}," + TIME + "}")));
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/placement.bind.json")).willReturn(okJson("{\"result\":true," + TIME + "}")));
    }

    private void portalKnowsTheUser(String auth) {
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/user.current.json")).withRequestBody(matchingJsonPath("$.auth", equalTo(auth)))
                .willReturn(okJson("{\"result\":{\"ID\":\"3\",\"ACTIVE\":true,\"NAME\":\"Anna\",\"LAST_NAME\":\"Petrova\","
                        + "\"EMAIL\":\"anna@example.ru\",\"UF_DEPARTMENT\":[1]}," + TIME + "}")));
    }

    private MultiValueMap<String, String> installForm(String auth, String memberId, String expiresIn) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("AUTH_ID", auth);
        form.add("AUTH_EXPIRES", expiresIn);
        form.add("REFRESH_ID", "refresh-of-" + auth);
        form.add("member_id", memberId);
        form.add("status", "L");
        form.add("PLACEMENT", "DEFAULT");
        form.add("PLACEMENT_OPTIONS", "{\"any\":\"6\\/\"}");
        return form;
    }

    /** Bitrix24 posts the tokens and puts DOMAIN, PROTOCOL, LANG and APP_SID in the query. */
    private WebTestClient.ResponseSpec install(MultiValueMap<String, String> form, String domain) {
        return web.post().uri(URI.create("http://localhost:" + port() + "/crm/bitrix24/b24/install?DOMAIN=" + domain
                        + "&PROTOCOL=1&LANG=ru&APP_SID=9a2b"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    private void installed() {
        portalKnowsTheApplication("install-auth");
        install(installForm("install-auth", MEMBER_ID, "3600"), domain()).expectStatus().isOk();
        CRM_FAKE.resetRequests();
    }

    private WebTestClient.ResponseSpec open(String placement, String options, String auth, String memberId, String domain) {
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("AUTH_ID", auth);
        form.add("AUTH_EXPIRES", "3600");
        form.add("REFRESH_ID", "user-refresh");
        form.add("member_id", memberId);
        form.add("status", "L");
        form.add("PLACEMENT", placement);
        form.add("PLACEMENT_OPTIONS", options);
        return web.post().uri(URI.create("http://localhost:" + port() + "/crm/bitrix24/b24/placement?DOMAIN=" + domain
                        + "&PROTOCOL=1&LANG=en&APP_SID=77f1"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData(form))
                .exchange();
    }

    @Test
    void theInstallChecksTheApplicationStoresItsTokensSealedBindsBothPlacementsAndFinishes() {
        portalKnowsTheApplication("install-auth");

        var answer = install(installForm("install-auth", MEMBER_ID, "3600"), domain()).expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML)
                .expectBody(String.class).returnResult();

        assertThat(answer.getResponseBody()).contains("BX24.installFinish()").contains("https://api.bitrix24.com/api/v1/")
                .contains("PlanPilot установлен");
        String csp = answer.getResponseHeaders().getFirst("Content-Security-Policy");
        assertThat(csp).contains("frame-ancestors http://" + domain()).contains("script-src https://api.bitrix24.com/api/v1/ 'nonce-");
        String handler = "http://localhost:" + port() + "/crm/bitrix24/b24/placement";
        CRM_FAKE.verify(postRequestedFor(urlEqualTo("/rest/placement.bind.json")).withRequestBody(equalToJson(
                "{\"auth\":\"install-auth\",\"PLACEMENT\":\"CRM_ANALYTICS_MENU\",\"HANDLER\":\"" + handler + "\","
                        + "\"TITLE\":\"PlanPilot: план продаж\",\"LANG_ALL\":{\"ru\":{\"TITLE\":\"PlanPilot: план продаж\"},"
                        + "\"en\":{\"TITLE\":\"PlanPilot: sales plan\"}}}")));
        CRM_FAKE.verify(postRequestedFor(urlEqualTo("/rest/placement.bind.json"))
                .withRequestBody(matchingJsonPath("$.PLACEMENT", equalTo("CRM_DEAL_DETAIL_TAB")))
                .withRequestBody(matchingJsonPath("$.HANDLER", equalTo(handler))));

        Map<String, Object> row = db.sql("select * from crm_app_install where connection = 'b24'").fetch().one().block();
        assertThat(row).containsEntry("domain", domain()).containsEntry("member_id", MEMBER_ID);
        assertThat((String) row.get("access_token")).startsWith("v1:").doesNotContain("install-auth");
        assertThat(box.open((String) row.get("access_token"))).isEqualTo("install-auth");
        assertThat(box.open((String) row.get("refresh_token"))).isEqualTo("refresh-of-install-auth");
    }

    @Test
    void anInstallFromAnotherPortalIsRefusedWithoutAskingAnyone() {
        portalKnowsTheApplication("install-auth");

        String body = install(installForm("install-auth", MEMBER_ID, "3600"), "evil.bitrix24.ru").expectStatus().isForbidden()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(body).contains("does not come from the portal of connection 'b24'");
        CRM_FAKE.verify(0, anyRequestedFor(anyUrl()));
        assertThat(count("select count(*) from crm_app_install where connection = 'b24'")).isZero();
    }

    @Test
    void anInstallWithAnotherApplicationsTokenOrARefusedTokenIsRefused() {
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/app.info.json")).withRequestBody(matchingJsonPath("$.auth", equalTo("other-app")))
                .willReturn(okJson("{\"result\":{\"ID\":\"9\",\"CODE\":\"local.0000000000000.99999999\",\"VERSION\":1,"
                        + "\"STATUS\":\"L\",\"INSTALLED\":true,\"PAYMENT_EXPIRED\":\"N\",\"DAYS\":null,\"LICENSE\":\"ru_project\"}," + TIME + "}")));
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/app.info.json")).withRequestBody(matchingJsonPath("$.auth", equalTo("stolen")))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"invalid_token\",\"error_description\":\"The access token provided is invalid.\"}")));

        assertThat(install(installForm("other-app", MEMBER_ID, "3600"), domain()).expectStatus().isForbidden()
                .expectBody(String.class).returnResult().getResponseBody()).contains("belongs to another application");
        assertThat(install(installForm("stolen", MEMBER_ID, "3600"), domain()).expectStatus().isForbidden()
                .expectBody(String.class).returnResult().getResponseBody()).contains("did not accept").contains("invalid_token");
        CRM_FAKE.verify(0, postRequestedFor(urlEqualTo("/rest/placement.bind.json")));
        assertThat(count("select count(*) from crm_app_install where connection = 'b24'")).isZero();
    }

    @Test
    void theMemberIdOfTheFirstInstallIsKept() {
        installed();
        portalKnowsTheApplication("second-auth");

        install(installForm("second-auth", "ffffffffffffffffffffffffffffffff", "3600"), domain()).expectStatus().isForbidden();
        install(installForm("second-auth", MEMBER_ID, "3600"), domain()).expectStatus().isOk();

        assertThat(tokens.accessToken("b24").block()).isEqualTo("second-auth");
    }

    @Test
    void theAnalyticsMenuOpensTheOverviewWithASignedLinkOfTheConnection() {
        installed();
        portalKnowsTheUser("user-auth");

        String location = open("CRM_ANALYTICS_MENU", "{}", "user-auth", MEMBER_ID, domain())
                .expectStatus().isSeeOther().returnResult(Void.class).getResponseHeaders().getFirst(HttpHeaders.LOCATION);

        assertThat(location).startsWith("/ui?t=").endsWith("&embed=bitrix24&lang=en");
        String token = java.net.URLDecoder.decode(location.substring("/ui?t=".length(), location.indexOf('&')),
                java.nio.charset.StandardCharsets.UTF_8);
        SignedLinks.Grant grant = links.verify(token).orElseThrow();
        assertThat(grant.scope()).isEqualTo("connection:b24");
        assertThat(grant.expires()).isBetween(Instant.now().plus(Duration.ofMinutes(9)), Instant.now().plus(Duration.ofMinutes(11)));
        CRM_FAKE.verify(1, postRequestedFor(urlEqualTo("/rest/user.current.json")));
        // the application's own page (its handler path, opened from the left menu) is the overview too
        assertThat(open("DEFAULT", "", "user-auth", MEMBER_ID, domain()).expectStatus().isSeeOther()
                .returnResult(Void.class).getResponseHeaders().getFirst(HttpHeaders.LOCATION)).startsWith("/ui?t=");
    }

    @Test
    void theDealTabOpensThatDealsPage() {
        installed();
        portalKnowsTheUser("user-auth");

        String location = open("CRM_DEAL_DETAIL_TAB", "{\"ID\":\"123\"}", "user-auth", MEMBER_ID, domain())
                .expectStatus().isSeeOther().returnResult(Void.class).getResponseHeaders().getFirst(HttpHeaders.LOCATION);

        assertThat(location).startsWith("/ui/deals/b24/123?t=").contains("&embed=bitrix24");
        String token = java.net.URLDecoder.decode(location.substring(location.indexOf("t=") + 2, location.indexOf('&')),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(links.verify(token).orElseThrow().scope()).isEqualTo("deal:b24:123");
    }

    @Test
    void aPlacementCallFromAnotherPortalAccountOrWithARefusedTokenIsForbidden() {
        installed();
        portalKnowsTheUser("user-auth");
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/user.current.json")).withRequestBody(matchingJsonPath("$.auth", equalTo("expired")))
                .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":\"expired_token\",\"error_description\":\"The access token provided has expired.\"}")));

        assertThat(open("CRM_ANALYTICS_MENU", "{}", "user-auth", MEMBER_ID, "evil.bitrix24.ru").expectStatus().isForbidden()
                .expectBody(String.class).returnResult().getResponseBody()).contains("only inside the portal of connection 'b24'");
        assertThat(open("CRM_ANALYTICS_MENU", "{}", "user-auth", "0000", domain()).expectStatus().isForbidden()
                .expectBody(String.class).returnResult().getResponseBody()).contains("does not come from the Bitrix24 account");
        assertThat(open("CRM_ANALYTICS_MENU", "{}", "expired", MEMBER_ID, domain()).expectStatus().isForbidden()
                .expectHeader().doesNotExist(HttpHeaders.LOCATION)
                .expectBody(String.class).returnResult().getResponseBody()).contains("expired_token");
        // only the last one reached the portal: the first two were refused on their own evidence
        CRM_FAKE.verify(1, postRequestedFor(urlEqualTo("/rest/user.current.json")));
    }

    @Test
    void aDealTabWithoutADealIdAndAnUnknownPlacementAreBadRequests() {
        installed();
        portalKnowsTheUser("user-auth");

        open("CRM_DEAL_DETAIL_TAB", "{\"ID\":\"1; drop\"}", "user-auth", MEMBER_ID, domain()).expectStatus().isBadRequest();
        open("CRM_LEAD_DETAIL_TAB", "{\"ID\":\"5\"}", "user-auth", MEMBER_ID, domain()).expectStatus().isBadRequest();
    }

    @Test
    void aPlacementBeforeAnyInstallIsForbidden() {
        portalKnowsTheUser("user-auth");

        assertThat(open("CRM_ANALYTICS_MENU", "{}", "user-auth", MEMBER_ID, domain()).expectStatus().isForbidden()
                .expectBody(String.class).returnResult().getResponseBody()).contains("not installed");
    }

    @Test
    void anExpiredApplicationTokenIsRenewedWithTheRefreshTokenAndTheNewPairStored() {
        portalKnowsTheApplication("short-lived");
        install(installForm("short-lived", MEMBER_ID, "30"), domain()).expectStatus().isOk();
        CRM_FAKE.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/oauth/token/"))
                .withQueryParam("grant_type", equalTo("refresh_token"))
                .withQueryParam("client_id", equalTo(B24_CLIENT_ID))
                .withQueryParam("client_secret", equalTo("test-app-secret"))
                .withQueryParam("refresh_token", equalTo("refresh-of-short-lived"))
                .willReturn(okJson("{\"access_token\":\"renewed-access\",\"expires\":" + Instant.now().plusSeconds(3600).getEpochSecond()
                        + ",\"expires_in\":3600,\"scope\":\"app\",\"domain\":\"oauth.bitrix.info\","
                        + "\"server_endpoint\":\"https://oauth.bitrix.info/rest/\",\"status\":\"L\",\"client_endpoint\":\"http://"
                        + domain() + "/rest/\",\"member_id\":\"" + MEMBER_ID + "\",\"user_id\":1,\"refresh_token\":\"renewed-refresh\"}")));

        assertThat(tokens.accessToken("b24").block()).isEqualTo("renewed-access");
        assertThat(tokens.accessToken("b24").block()).isEqualTo("renewed-access");

        CRM_FAKE.verify(1, getRequestedFor(urlPathEqualTo("/oauth/token/")));
        Map<String, Object> row = db.sql("select refresh_token from crm_app_install where connection = 'b24'").fetch().one().block();
        assertThat(box.open((String) row.get("refresh_token"))).isEqualTo("renewed-refresh");
    }

    @Test
    void anUnknownConnectionIsNotFound() {
        web.post().uri("/crm/bitrix24/nope/placement").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("DOMAIN", domain())).exchange().expectStatus().isNotFound();
        web.post().uri("/crm/bitrix24/small/install").contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("DOMAIN", domain())).exchange().expectStatus().isNotFound();
    }
}
