package io.planpilot.app.ui;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.http.MediaType;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserters;

import java.net.URI;
import java.time.Duration;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Bitrix24 placement as a portal shows it: a page of another origin (the portal, played by
 * CRM_FAKE) posts the placement form into an iframe, and the adapter's dashboard renders inside that
 * frame (allowed by {@code adapter.ui.frame-ancestors}), reached through the signed link the
 * placement handler issued, without a session or the admin token.
 */
class PlacementInFrameBrowserTest extends BrowserTest {

    private static final String MEMBER_ID = "f00dfeedf00dfeedf00dfeedf00dfeed";
    private static final String TIME = "\"time\":{\"start\":1722841503.0585,\"finish\":1722841503.09885,\"duration\":0.04,"
            + "\"processing\":0.005,\"date_start\":\"2026-11-27T10:00:00+00:00\",\"date_finish\":\"2026-11-27T10:00:00+00:00\",\"operating\":0}";

    @BeforeEach
    void installTheApplication() {
        CRM_FAKE.resetAll();
        db.sql("delete from crm_app_install where connection = 'b24'").then().block();
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/app.info.json")).withRequestBody(matchingJsonPath("$.auth", equalTo("install-auth")))
                .willReturn(okJson("{\"result\":{\"ID\":\"7\",\"CODE\":\"" + B24_CLIENT_ID + "\",\"VERSION\":1,\"STATUS\":\"L\","
                        + "\"INSTALLED\":false,\"PAYMENT_EXPIRED\":\"N\",\"DAYS\":null,\"LICENSE\":\"ru_project\"}," + TIME + "}")));
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/placement.unbind.json")).willReturn(okJson("{\"result\":{\"count\":0}," + TIME + "}")));
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/placement.bind.json")).willReturn(okJson("{\"result\":true," + TIME + "}")));
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("AUTH_ID", "install-auth");
        form.add("AUTH_EXPIRES", "3600");
        form.add("REFRESH_ID", "install-refresh");
        form.add("member_id", MEMBER_ID);
        form.add("status", "L");
        web.post().uri(URI.create("http://localhost:" + port() + "/crm/bitrix24/b24/install?DOMAIN=" + domain()
                        + "&PROTOCOL=1&LANG=en&APP_SID=9a2b"))
                .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(BodyInserters.fromFormData(form))
                .exchange().expectStatus().isOk();
        CRM_FAKE.stubFor(post(urlEqualTo("/rest/user.current.json")).withRequestBody(matchingJsonPath("$.auth", equalTo("user-auth")))
                .willReturn(okJson("{\"result\":{\"ID\":\"3\",\"ACTIVE\":true,\"NAME\":\"Anna\",\"LAST_NAME\":\"Petrova\"}," + TIME + "}")));
    }

    private static String domain() {
        return "localhost:" + CRM_FAKE.port();
    }

    @Test
    void theAnalyticsPlacementPostedByThePortalRendersTheDashboardInsideItsFrame() {
        forgetSession();
        String handler = "http://localhost:" + port() + "/crm/bitrix24/b24/placement?DOMAIN=" + domain()
                + "&amp;PROTOCOL=1&amp;LANG=en&amp;APP_SID=77f1";
        CRM_FAKE.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/portal.html"))
                .willReturn(aResponse().withHeader("Content-Type", "text/html; charset=utf-8").withBody("""
                        <!doctype html><html><head><title>Portal</title><link rel="icon" href="data:,"></head><body>
                        <h1>CRM analytics</h1>
                        <iframe name="app" id="app" width="600" height="900"></iframe>
                        <form id="placement" target="app" method="post" action="%s">
                          <input type="hidden" name="AUTH_ID" value="user-auth">
                          <input type="hidden" name="AUTH_EXPIRES" value="3600">
                          <input type="hidden" name="REFRESH_ID" value="user-refresh">
                          <input type="hidden" name="member_id" value="%s">
                          <input type="hidden" name="status" value="L">
                          <input type="hidden" name="PLACEMENT" value="CRM_ANALYTICS_MENU">
                          <input type="hidden" name="PLACEMENT_OPTIONS" value="{}">
                        </form>
                        <script>document.getElementById('placement').submit();</script>
                        </body></html>""".formatted(handler, MEMBER_ID))));

        browser().get("http://localhost:" + CRM_FAKE.port() + "/portal.html");
        browser().switchTo().frame("app");
        new WebDriverWait(browser(), Duration.ofSeconds(30)).until(driver -> {
            String url = (String) js("return document.location.href");
            return url.startsWith(url("/ui")) && "complete".equals(js("return document.readyState"))
                    && !driver.findElements(By.tagName("main")).isEmpty();
        });

        String inFrame = (String) js("return document.location.href");
        assertThat(inFrame).startsWith(url("/ui")).contains("t=").contains("embed=bitrix24");
        assertThat(browser().findElement(By.tagName("body")).getText()).doesNotContain("admin token");
        assertThat((Boolean) js("return window.self !== window.top")).as("rendered inside the portal's frame").isTrue();
        browser().switchTo().defaultContent();
        assertThat(consoleErrors()).as("no refused frame or script errors").isEmpty();
    }
}
