package io.planpilot.connector.bitrix24;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.planpilot.core.connector.ConnectionSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The local application's calls against a WireMock portal answering as Bitrix24 documents. */
class Bitrix24ApplicationTest {

    static final String CLIENT_ID = "local.56017020f07e17.98523769";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T10:00:00Z"), ZoneOffset.UTC);
    private static final String TIME = "\"time\":{\"start\":1722841503.0585,\"finish\":1722841503.09885,\"duration\":0.04}";

    private WireMockServer server;
    private Bitrix24Application app;

    @BeforeEach
    void start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
        Map<String, String> options = new LinkedHashMap<>();
        options.put("base-url", "http://localhost:" + server.port() + "/rest/1/webhooksecret/");
        options.put("app-client-id", CLIENT_ID);
        options.put("app-client-secret", "app-secret");
        options.put("retry.initial-backoff", "PT0.01S");
        options.put("retry.max-backoff", "PT0.02S");
        app = new Bitrix24Application(new ConnectionSettings("b24", "bitrix24", ZoneOffset.UTC, "RUB", Map.of(), options),
                URI.create("http://localhost:" + server.port()), CLOCK);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void appInfoNamesTheApplicationWhoseTokenItIs() {
        server.stubFor(post(urlEqualTo("/rest/app.info.json")).withRequestBody(equalToJson("{\"auth\":\"token-1\"}"))
                .willReturn(okJson("{\"result\":{\"ID\":7,\"CODE\":\"" + CLIENT_ID + "\",\"VERSION\":1,\"STATUS\":\"L\","
                        + "\"INSTALLED\":false,\"PAYMENT_EXPIRED\":\"N\",\"DAYS\":null,\"LICENSE\":\"ru_project\"}," + TIME + "}")));

        Bitrix24Application.AppInfo info = app.appInfo("token-1");

        assertThat(info).isEqualTo(new Bitrix24Application.AppInfo("7", CLIENT_ID, "L", false));
        assertThat(app.domain()).isEqualTo("localhost:" + server.port());
        assertThat(app.isPortal("LOCALHOST:" + server.port())).isTrue();
        assertThat(app.isPortal("evil.bitrix24.ru")).isFalse();
    }

    @Test
    void anExpiredTokenIsRefusedByName() {
        server.stubFor(post(urlEqualTo("/rest/user.current.json")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"expired_token\",\"error_description\":\"The access token provided has expired.\"}")));

        assertThatThrownBy(() -> app.currentUser("old"))
                .isInstanceOfSatisfying(Bitrix24Application.Refused.class, e -> assertThat(e.code()).isEqualTo("expired_token"))
                .hasMessageContaining("expired");
        // a refusal is final: not retried
        server.verify(1, postRequestedFor(urlEqualTo("/rest/user.current.json")));
    }

    @Test
    void currentUserIsThePersonWhoOpenedThePlacement() {
        server.stubFor(post(urlEqualTo("/rest/user.current.json")).willReturn(okJson("{\"result\":{\"ID\":\"3\",\"ACTIVE\":true,"
                + "\"NAME\":\"John\",\"LAST_NAME\":\"Doe\",\"EMAIL\":\"test@gmail.com\",\"UF_DEPARTMENT\":[1]}," + TIME + "}")));

        assertThat(app.currentUser("user-token")).isEqualTo(new Bitrix24Application.PortalUser("3", "John Doe"));
    }

    @Test
    void bindingAPlacementReplacesAnEarlierBindingAndCarriesTheTitlesPerLanguage() {
        server.stubFor(post(urlEqualTo("/rest/placement.unbind.json")).willReturn(okJson("{\"result\":{\"count\":1}," + TIME + "}")));
        server.stubFor(post(urlEqualTo("/rest/placement.bind.json")).willReturn(okJson("{\"result\":true," + TIME + "}")));
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("ru", "PlanPilot: план и факт");
        titles.put("en", "PlanPilot: plan vs actual");

        app.bindPlacement("app-token", "CRM_ANALYTICS_MENU", "https://pp.example.com/crm/bitrix24/b24/placement", titles);

        server.verify(postRequestedFor(urlEqualTo("/rest/placement.unbind.json")).withRequestBody(equalToJson(
                "{\"auth\":\"app-token\",\"PLACEMENT\":\"CRM_ANALYTICS_MENU\",\"HANDLER\":\"https://pp.example.com/crm/bitrix24/b24/placement\"}")));
        server.verify(postRequestedFor(urlEqualTo("/rest/placement.bind.json")).withRequestBody(equalToJson(
                "{\"auth\":\"app-token\",\"PLACEMENT\":\"CRM_ANALYTICS_MENU\",\"HANDLER\":\"https://pp.example.com/crm/bitrix24/b24/placement\","
                        + "\"TITLE\":\"PlanPilot: план и факт\",\"LANG_ALL\":{\"ru\":{\"TITLE\":\"PlanPilot: план и факт\"},"
                        + "\"en\":{\"TITLE\":\"PlanPilot: plan vs actual\"}}}")));
    }

    @Test
    void aBindThatAnswersAnErrorFails() {
        server.stubFor(post(urlEqualTo("/rest/placement.unbind.json")).willReturn(okJson("{\"result\":{\"count\":0}," + TIME + "}")));
        server.stubFor(post(urlEqualTo("/rest/placement.bind.json")).willReturn(aResponse().withStatus(403)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"insufficient_scope\",\"error_description\":\"The request requires higher privileges than provided by the access token\"}")));

        assertThatThrownBy(() -> app.bindPlacement("t", "CRM_DEAL_DETAIL_TAB", "https://x/h", Map.of("en", "T")))
                .isInstanceOfSatisfying(Bitrix24Application.Refused.class, e -> assertThat(e.code()).isEqualTo("insufficient_scope"));
    }

    @Test
    void aRefreshTokenBuysANewPairFromTheOAuthServer() {
        server.stubFor(get(urlPathEqualTo("/oauth/token/"))
                .withQueryParam("grant_type", equalTo("refresh_token"))
                .withQueryParam("client_id", equalTo(CLIENT_ID))
                .withQueryParam("client_secret", equalTo("app-secret"))
                .withQueryParam("refresh_token", equalTo("refresh-1"))
                .willReturn(okJson("{\"access_token\":\"a7630167006e9f06\",\"expires\":1795780800,\"expires_in\":3600,"
                        + "\"scope\":\"app\",\"domain\":\"oauth.bitrix.info\",\"server_endpoint\":\"https://oauth.bitrix.info/rest/\","
                        + "\"status\":\"L\",\"client_endpoint\":\"https://acme.bitrix24.ru/rest/\",\"member_id\":\"00168f0dd11ff00b\","
                        + "\"user_id\":1,\"refresh_token\":\"97e22867006e9f06\"}")));

        Bitrix24Application.Tokens tokens = app.refresh("refresh-1", CLOCK);

        assertThat(tokens.accessToken()).isEqualTo("a7630167006e9f06");
        assertThat(tokens.refreshToken()).isEqualTo("97e22867006e9f06");
        assertThat(tokens.expires()).isEqualTo(Instant.ofEpochSecond(1795780800));
        assertThat(tokens.memberId()).isEqualTo("00168f0dd11ff00b");
        assertThat(tokens.toString()).doesNotContain("a7630167006e9f06");
    }

    @Test
    void aUsedRefreshTokenIsRefused() {
        server.stubFor(get(urlPathEqualTo("/oauth/token/")).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_grant\",\"error_description\":\"Invalid grant\"}")));

        assertThatThrownBy(() -> app.refresh("used", CLOCK))
                .isInstanceOfSatisfying(Bitrix24Application.Refused.class, e -> assertThat(e.code()).isEqualTo("invalid_grant"));
    }

    @Test
    void aConnectionWithoutTheApplicationsCredentialsCannotMakeOne() {
        assertThatThrownBy(() -> new Bitrix24Application(new ConnectionSettings("b24", "bitrix24", ZoneOffset.UTC, "RUB", Map.of(),
                Map.of("base-url", "https://acme.bitrix24.ru/rest/1/abc/")), Bitrix24Application.OAUTH_SERVER, CLOCK))
                .hasMessageContaining("app-client-id and app-client-secret");
    }
}
