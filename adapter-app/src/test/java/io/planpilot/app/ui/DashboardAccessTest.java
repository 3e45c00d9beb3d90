package io.planpilot.app.ui;

import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.app.security.SignedLinks;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Who may open /ui, what a signed link grants, the headers that let a CRM frame the pages, over HTTP. */
class DashboardAccessTest extends AdapterIntegrationTest {

    private static final String QUERY = "connection=demo&period=2026-10&asOf=2026-11-27T00:00:00Z";

    @Autowired
    private SignedLinks links;

    @BeforeEach
    void demoIsSynced() {
        if (count("select count(*) from deal where connection = 'demo' and not deleted") != 8800) {
            syncAndWait("demo", "FULL");
        }
    }

    @Test
    void withoutAccessEveryPageSendsToTheLoginFormAndBackAfterwards() {
        web.get().uri("/ui/reps?period=2026-10").exchange().expectStatus().isEqualTo(HttpStatus.SEE_OTHER)
                .expectHeader().location("/ui/login?next=%2Fui%2Freps%3Fperiod%3D2026-10");
        web.get().uri("/ui/login").exchange().expectStatus().isOk();
    }

    @Test
    void theAdminTokenOpensASessionAndAWrongOneDoesNot() {
        web.post().uri("/ui/login").contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("token=wrong&next=/ui/reps").exchange().expectStatus().isUnauthorized();

        var result = web.post().uri("/ui/login").contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                .bodyValue("token=" + TOKEN + "&next=/ui/reps").exchange()
                .expectStatus().isEqualTo(HttpStatus.SEE_OTHER).expectHeader().location("/ui/reps")
                .returnResult(String.class);
        String session = result.getResponseCookies().getFirst("SESSION").getValue();
        web.get().uri("/ui/reps?" + QUERY).cookie("SESSION", session).exchange().expectStatus().isOk();
    }

    @Test
    void theLoginFormSendsOnlyToDashboardPages() {
        assertThat(LoginController.safeNext("https://evil.example/ui")).isEqualTo("/ui");
        assertThat(LoginController.safeNext("//evil.example/ui")).isEqualTo("/ui");
        assertThat(LoginController.safeNext("/ui/reps?t=old&period=2026-10")).isEqualTo("/ui/reps?period=2026-10");
    }

    @Test
    void anAdminHandsOutALinkThatOpensTheDashboardAndCarriesItsToken() {
        web.post().uri("/api/v1/ui/links").bodyValue(Map.of("scope", "all")).exchange().expectStatus().isUnauthorized();
        link(Map.of("scope", "everything")).expectStatus().isBadRequest().expectBody().jsonPath("$.parameter").isEqualTo("scope");
        link(Map.of("scope", "connection:nope")).expectStatus().isBadRequest().expectBody().jsonPath("$.parameter").isEqualTo("scope");
        link(Map.of("scope", "all", "ttl", "forever")).expectStatus().isBadRequest().expectBody().jsonPath("$.parameter").isEqualTo("ttl");

        Map<String, Object> answer = link(Map.of("scope", "connection:demo", "ttl", "PT2H")).expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        String url = (String) answer.get("url");
        assertThat(url).matches("http://localhost:\\d+/ui\\?t=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
        String token = url.substring(url.indexOf("t=") + 2);

        String page = html("/ui/funnel?t=" + token + "&period=2026-10&asOf=2026-11-27T00:00:00Z", HttpStatus.OK);
        Matcher hrefs = Pattern.compile("href=\"(/ui(?!/assets/)[^\"]*)\"").matcher(page);
        int count = 0;
        while (hrefs.find()) {
            assertThat(hrefs.group(1)).contains("t=" + token);
            count++;
        }
        assertThat(count).isGreaterThan(5);
        // a tampered or expired token opens nothing
        web.get().uri("/ui?t=" + token.replace('.', 'x')).exchange().expectStatus().isEqualTo(HttpStatus.SEE_OTHER);
        String expired = links.issue("all", Duration.ofSeconds(-1));
        web.get().uri("/ui?t=" + expired).exchange().expectStatus().isEqualTo(HttpStatus.SEE_OTHER);
    }

    @Test
    void aDealLinkOpensThatDealsPageAndNothingElse() {
        String token = links.issue("deal:demo:1C1I7A6R", Duration.ofHours(1));

        assertThat(html("/ui/deals/demo/1C1I7A6R?t=" + token + "&asOf=2026-11-27T00:00:00Z", HttpStatus.OK)).contains("1C1I7A6R");
        html("/ui?t=" + token, HttpStatus.FORBIDDEN);
        html("/ui/deals/demo/Z063OYW0?t=" + token, HttpStatus.NOT_FOUND);
    }

    @Test
    void aCrmMayFrameThePagesOnlyThroughTheContentSecurityPolicy() {
        String token = links.issue("all", Duration.ofHours(1));
        web.get().uri("/ui?t=" + token + "&" + QUERY).exchange().expectStatus().isOk()
                .expectHeader().doesNotExist("X-Frame-Options")
                .expectHeader().value("Content-Security-Policy", csp -> assertThat(csp).contains("frame-ancestors").contains("script-src 'self'"));
        get("/api/v1/connections").exchange().expectHeader().exists("X-Frame-Options");
    }

    @Test
    void theDealsBehindAFigureAreAsManyAsItCountsAndAddUpToIt() {
        String token = links.issue("all", Duration.ofHours(1));
        Map<String, Object> summary = get("/api/v1/kpi/summary?" + QUERY).exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        String won = html("/ui/deals?set=WON&lang=en&t=" + token + "&" + QUERY, HttpStatus.OK);
        assertThat(number(won, "deals-total")).isEqualByComparingTo(summary.get("wonCount").toString());
        assertThat(number(won, "deals-amount")).isEqualByComparingTo(
                new BigDecimal(summary.get("wonAmount").toString()).setScale(0, java.math.RoundingMode.HALF_UP));
        String open = html("/ui/deals?set=OPEN&lang=en&t=" + token + "&" + QUERY, HttpStatus.OK);
        assertThat(number(open, "deals-total")).isEqualByComparingTo(summary.get("openCount").toString());
    }

    private static BigDecimal number(String html, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">([^<]*)<").matcher(html);
        assertThat(m.find()).as(id).isTrue();
        return new BigDecimal(m.group(1).replaceAll("[^0-9]", ""));
    }

    private String html(String uri, HttpStatus status) {
        return web.get().uri(uri).exchange().expectStatus().isEqualTo(status).expectBody(String.class).returnResult().getResponseBody();
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec link(Map<String, String> body) {
        return web.post().uri("/api/v1/ui/links").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).bodyValue(body).exchange();
    }
}
