package io.planpilot.app.ui;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in a real Chromium over the demo connection: every page loads without console
 * errors, the charts hold the API's figures, the language switches and stays, logins and signed links
 * open what they should. Saves the screenshots the README shows.
 */
class DashboardBrowserTest extends BrowserTest {

    /** A fixed moment and period of the demo data, so the pages and the API answer the same query. */
    static final String QUERY = "connection=demo&period=2026-11&asOf=2026-11-20T12:00:00Z";

    @Autowired
    private WebTestClient client;

    @BeforeEach
    void demoIsSyncedWithItsPlan() throws IOException {
        if (count("select count(*) from deal where connection = 'demo' and not deleted") != 8800) {
            syncAndWait("demo", "FULL");
        }
        putPlan(demoPlan()).expectStatus().isOk();
    }

    @AfterAll
    static void noPlanLeftForOtherTests(@Autowired WebTestClient client) {
        client.put().uri("/api/v1/plan").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.parseMediaType("text/csv")).bodyValue("period,dimension,key,amount\n")
                .exchange().expectStatus().isOk();
    }

    @Test
    void everyPageLoadsWithoutConsoleErrorsAtDesktopAndFrameWidth() {
        logInAsAdmin();
        consoleErrors();
        List<String[]> pages = List.of(
                new String[]{"overview", "/ui?dimension=region&" + QUERY},
                new String[]{"funnel", "/ui/funnel?" + QUERY},
                new String[]{"reps", "/ui/reps?" + QUERY},
                new String[]{"capacity", "/ui/capacity?dimension=region&" + QUERY},
                new String[]{"quality", "/ui/quality?" + QUERY},
                new String[]{"actions", "/ui/actions?" + QUERY},
                new String[]{"deals", "/ui/deals?set=WON&dimension=region&key=East&" + QUERY});
        for (String[] page : pages) {
            open(page[1]);
            assertThat(browser().findElement(By.tagName("h1")).getText()).as(page[0]).isNotBlank();
            assertThat(browser().getTitle()).as(page[0]).endsWith("PlanPilot");
            assertThat(consoleErrors()).as("console errors on " + page[0]).isEmpty();
            screenshot(page[0], DESKTOP_WIDTH);
            // the page fits a CRM's 600-pixel frame: nothing sticks out sideways but the scrolling tables
            resize(FRAME_WIDTH);
            // charts follow the window's resize event a moment later: give them that moment
            try {
                new org.openqa.selenium.support.ui.WebDriverWait(browser(), java.time.Duration.ofSeconds(5))
                        .until(d -> ((Number) js("return document.body.scrollWidth")).intValue() <= FRAME_WIDTH);
            } catch (org.openqa.selenium.TimeoutException e) {
                // reported below with the width it kept
            }
            assertThat(((Number) js("return document.body.scrollWidth")).intValue()).as(page[0] + " at 600 px")
                    .isLessThanOrEqualTo(FRAME_WIDTH);
            resize(DESKTOP_WIDTH);
        }
        open("/ui?dimension=region&" + QUERY);
        screenshot("overview-600", FRAME_WIDTH);
        // a deal's page, reached from the list of deals behind a figure
        open("/ui/deals?set=OPEN&" + QUERY);
        clickAndWait(By.cssSelector("#deals tbody tr td a"));
        assertThat(browser().findElement(By.id("deal-timing")).getText()).isNotBlank();
        assertThat(consoleErrors()).as("console errors on the deal page").isEmpty();
        screenshot("deal", DESKTOP_WIDTH);
        screenshot("deal-600", FRAME_WIDTH);
    }

    @Test
    void theOverviewChartHoldsTheApisPlanWonAndForecastByRegion() {
        logInAsAdmin();
        open("/ui?dimension=region&" + QUERY);

        Map<String, Object> api = apiGet("/api/v1/kpi/breakdown?dimension=region&" + QUERY);
        List<Map<String, Object>> rows = rows(api);
        assertThat(chartCategories("chart-plan-vs-actual")).containsExactlyElementsOf(rows.stream().map(r -> (String) r.get("name")).toList());
        assertSeries("chart-plan-vs-actual", 0, rows, "plan");
        assertSeries("chart-plan-vs-actual", 1, rows, "wonAmount");
        assertSeries("chart-plan-vs-actual", 2, rows, "forecast");
        // the department's tiles show the summary's figures
        Map<String, Object> summary = apiGet("/api/v1/kpi/summary?" + QUERY);
        String won = browser().findElement(By.cssSelector("#tile-won b")).getText().replaceAll("[^0-9]", "");
        assertThat(new BigDecimal(won)).isEqualByComparingTo(
                new BigDecimal(summary.get("wonAmount").toString()).setScale(0, java.math.RoundingMode.HALF_UP));
    }

    @Test
    void theFunnelChartHoldsTheApisReachedCountsAndABarOpensItsDeals() {
        logInAsAdmin();
        open("/ui/funnel?" + QUERY);

        Map<String, Object> api = apiGet("/api/v1/kpi/funnel?" + QUERY);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stages = (List<Map<String, Object>>) api.get("stages");
        String chart = browser().findElement(By.cssSelector(".funnel .chart")).getAttribute("id");
        List<Number> expected = new ArrayList<>(stages.stream().map(s -> (Number) s.get("reached")).toList());
        expected.add((Number) api.get("won"));
        List<Number> drawn = chartData(chart, 0);
        assertThat(drawn.stream().map(Number::longValue).toList())
                .containsExactlyElementsOf(expected.stream().map(Number::longValue).toList());
        // the first stage's count links to exactly that many deals
        clickAndWait(By.cssSelector(".funnel tbody tr td.n a"));
        assertThat(browser().findElement(By.id("deals-total")).getText().replaceAll("[^0-9]", ""))
                .isEqualTo(String.valueOf(expected.get(0).longValue()));
    }

    @Test
    void theLanguageSwitchesAndIsRemembered() {
        logInAsAdmin();
        open("/ui?lang=ru&" + QUERY);
        assertThat(browser().findElement(By.tagName("h1")).getText()).isEqualTo("Обзор");
        assertThat(chartSeriesName("chart-plan-vs-actual", 0)).isEqualTo("План");

        clickAndWait(By.id("nav-reps"));
        assertThat(browser().findElement(By.tagName("h1")).getText()).isEqualTo("Менеджеры");

        clickAndWait(By.id("lang-switch"));
        assertThat(browser().findElement(By.tagName("h1")).getText()).isEqualTo("Reps");
        open("/ui/capacity?" + QUERY);
        assertThat(browser().findElement(By.tagName("h1")).getText()).isEqualTo("Capacity");
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void withoutAccessThePagesSendToTheLoginFormAndAWrongTokenIsRefused() {
        forgetSession();
        open("/ui/reps?" + QUERY);
        assertThat(browser().getCurrentUrl()).contains("/ui/login");
        browser().findElement(By.id("token")).sendKeys("not-the-token");
        clickAndWait(By.cssSelector("#login button[type=submit]"));
        assertThat(browser().findElement(By.id("login-problem")).getText()).isNotBlank();
        screenshot("login", FRAME_WIDTH);

        browser().findElement(By.id("token")).sendKeys(TOKEN);
        clickAndWait(By.cssSelector("#login button[type=submit]"));
        // back where the visitor was going
        assertThat(browser().getCurrentUrl()).contains("/ui/reps");
        assertThat(browser().findElements(By.cssSelector("#reps tbody tr"))).isNotEmpty();
    }

    @Test
    void aConnectionLinkWorksWithoutCookiesAndCarriesItsTokenOnEveryLinkAndForm() {
        String link = issueLink("connection:demo");
        forgetSession();
        browser().get(link.replaceFirst("^https?://[^/]+", url("")) + "&period=2026-11&asOf=2026-11-20T12:00:00Z");
        awaitLoaded();
        assertThat(browser().getCurrentUrl()).doesNotContain("/ui/login");
        String token = link.substring(link.indexOf("t=") + 2);
        List<WebElement> links = browser().findElements(By.cssSelector("a[href^='/ui']"));
        assertThat(links).isNotEmpty().allSatisfy(a -> assertThat(a.getAttribute("href")).contains("t=" + token));
        assertThat(browser().findElements(By.cssSelector("form.filters input[name=t]"))).singleElement()
                .satisfies(input -> assertThat(input.getAttribute("value")).isEqualTo(token));
        // the connection is forced: no picker
        assertThat(browser().findElements(By.id("connection"))).isEmpty();
        // a CRM's frame may keep no cookies: the token on the link is enough
        forgetSession();
        clickAndWait(By.id("nav-reps"));
        assertThat(browser().findElements(By.cssSelector("#reps tbody tr"))).isNotEmpty();
    }

    @Test
    void aDealLinkOpensOnlyThatDealsPage() {
        String dealId = firstOpenDeal();
        String link = issueLink("deal:demo:" + dealId);
        forgetSession();
        browser().get(link.replaceFirst("^https?://[^/]+", url("")));
        awaitLoaded();
        assertThat(browser().findElement(By.id("deal")).getAttribute("data-deal")).isEqualTo(dealId);
        assertThat(browser().findElements(By.cssSelector("header nav"))).isEmpty();

        String token = link.substring(link.indexOf("t=") + 2);
        open("/ui?t=" + token);
        assertThat(browser().findElement(By.tagName("h1")).getText()).isEqualTo("403");
    }

    private String firstOpenDeal() {
        Map<String, Object> quality = apiGet("/api/v1/data-quality?" + QUERY);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) quality.get("items");
        return (String) items.get(0).get("dealId");
    }

    private String issueLink(String scope) {
        Map<String, Object> answer = client.post().uri("/api/v1/ui/links").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .bodyValue(Map.of("scope", scope, "ttl", "PT1H")).exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        return (String) answer.get("url");
    }

    private Map<String, Object> apiGet(String uri) {
        return get(uri).exchange().expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rows(Map<String, Object> answer) {
        return (List<Map<String, Object>>) answer.get("rows");
    }

    @SuppressWarnings("unchecked")
    private List<String> chartCategories(String id) {
        return (List<String>) js("var o = echarts.getInstanceByDom(document.getElementById(arguments[0])).getOption();"
                + "return (o.xAxis[0].type === 'category' ? o.xAxis[0] : o.yAxis[0]).data;", id);
    }

    private String chartSeriesName(String id, int series) {
        return (String) js("return echarts.getInstanceByDom(document.getElementById(arguments[0])).getOption().series[arguments[1]].name;",
                id, series);
    }

    @SuppressWarnings("unchecked")
    private List<Number> chartData(String id, int series) {
        return (List<Number>) js("return echarts.getInstanceByDom(document.getElementById(arguments[0])).getOption().series[arguments[1]].data;",
                id, series);
    }

    private void assertSeries(String chart, int series, List<Map<String, Object>> rows, String figure) {
        List<Number> drawn = chartData(chart, series);
        assertThat(drawn).as(figure).hasSameSizeAs(rows);
        for (int i = 0; i < rows.size(); i++) {
            Object expected = rows.get(i).get(figure);
            if (expected == null) {
                assertThat(drawn.get(i)).as(figure + " of " + rows.get(i).get("key")).isNull();
            } else {
                double e = new BigDecimal(expected.toString()).doubleValue();
                assertThat(drawn.get(i).doubleValue()).as(figure + " of " + rows.get(i).get("key"))
                        .isCloseTo(e, org.assertj.core.data.Offset.offset(Math.abs(e) * 1e-9 + 1e-9));
            }
        }
    }

    private WebTestClient.ResponseSpec putPlan(String csv) {
        return client.put().uri("/api/v1/plan").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.parseMediaType("text/csv")).bodyValue(csv).exchange();
    }

    /** The demo's plan (config/plan.csv), its rows for the demo connection. */
    static String demoPlan() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("..", "config", "plan.csv"));
        StringBuilder csv = new StringBuilder(lines.get(0)).append(",connection\n");
        lines.stream().skip(1).filter(line -> !line.isBlank()).forEach(line -> csv.append(line).append(",demo\n"));
        return csv.toString();
    }
}
