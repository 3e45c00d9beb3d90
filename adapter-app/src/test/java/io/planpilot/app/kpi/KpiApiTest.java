package io.planpilot.app.kpi;

import io.planpilot.app.AdapterIntegrationTest;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** The KPI API over the demo export, checked against figures computed here from the CSV itself. */
class KpiApiTest extends AdapterIntegrationTest {

    private static final Path DEMO_DEALS = Path.of("..", "config", "demo", "deals.csv");
    private static final String AS_OF = "2026-11-27T00:00:00Z";

    @BeforeEach
    void demoIsSynced() {
        if (count("select count(*) from deal where connection = 'demo' and not deleted") != 8800) {
            syncAndWait("demo", "FULL");
        }
    }

    @Test
    void wonAmountsByRegionOfAMonthAreTheExportsOwn() throws IOException {
        Map<String, BigDecimal> expected = wonByRegion("2026-10");

        Map<String, Object> answer = get("/api/v1/kpi/breakdown?dimension=region&period=2026-10&connection=demo&asOf=" + AS_OF)
                .exchange().expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(answer).containsEntry("dimension", "region").containsEntry("period", "2026-10")
                .containsEntry("asOf", AS_OF).containsEntry("currency", "USD");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) answer.get("rows");
        Map<String, BigDecimal> actual = new TreeMap<>();
        rows.forEach(row -> actual.put((String) row.get("key"), new BigDecimal(row.get("wonAmount").toString())));
        assertThat(actual).hasSameSizeAs(expected);
        expected.forEach((region, amount) -> assertThat(actual.get(region)).as(region).isEqualByComparingTo(amount));
    }

    @Test
    void theSummaryOfAMonthCountsTheExportsWonAndLostDeals() throws IOException {
        long won = 0;
        long lost = 0;
        for (CSVRecord deal : demoDeals()) {
            if (deal.get("closed_at").startsWith("2026-09")) {
                won += deal.get("stage").equals("won") ? 1 : 0;
                lost += deal.get("stage").equals("lost") ? 1 : 0;
            }
        }

        Map<String, Object> summary = get("/api/v1/kpi/summary?period=2026-09&connection=demo&asOf=" + AS_OF)
                .exchange().expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(summary).containsEntry("wonCount", (int) won).containsEntry("lostCount", (int) lost);
        // the test reads JSON numbers as doubles: compare to 1e-12
        assertThat(new BigDecimal(summary.get("winRate").toString())).isCloseTo(
                BigDecimal.valueOf(won).divide(BigDecimal.valueOf(won + lost), java.math.MathContext.DECIMAL128),
                org.assertj.core.data.Percentage.withPercentage(1e-10));
        assertThat(summary).containsKeys("averageDeal", "cycleDaysMean", "cycleDaysMedian", "plan", "attainment", "openCount",
                "openAmount", "weightedPipeline", "forecast", "coverage", "velocityPerDay");
    }

    @Test
    void everyEndpointAnswersWithTheContractsNames() {
        String query = "?period=2026-Q4&connection=demo&asOf=2026-11-27T00:00:00%2B03:00"; // + encoded
        Map<String, Object> funnel = get("/api/v1/kpi/funnel" + query).exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(funnel).containsEntry("pipeline", "sales").containsEntry("period", "2026-Q4")
                .containsEntry("asOf", "2026-11-26T21:00:00Z").containsKeys("stages", "won", "funnelWinRate");
        assertThat(((List<?>) funnel.get("stages"))).hasSize(2).first().asInstanceOf(
                org.assertj.core.api.InstanceOfAssertFactories.MAP).containsKeys("id", "name", "reached", "conversionToNext", "medianDaysInStage");

        Map<String, Object> reps = get("/api/v1/kpi/reps" + query).exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat((List<?>) reps.get("rows")).isNotEmpty().first().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("key", "name", "wonAmount", "wonCount", "winRate", "activitiesDone", "activitiesPerWon",
                        "taskCompletion", "overdueTasks", "staleDeals");

        Map<String, Object> capacity = get("/api/v1/kpi/capacity" + query).exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat((List<?>) capacity.get("rows")).hasSize(1).first().asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP)
                .containsKeys("key", "name", "plan", "wonAmount", "averageDealL", "winRateL", "activitiesPerWonL",
                        "activitiesPerRepDayL", "remaining", "winsNeeded", "expectedWinsFromPipeline", "opportunitiesNeeded",
                        "activitiesNeeded", "workingDaysLeft", "repsActive", "activitiesAvailable", "repsNeeded", "gapReps",
                        "achievable", "verdict", "reason");

        Map<String, Object> quality = get("/api/v1/data-quality" + query).exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(quality).containsKeys("counts", "byRep", "items");
        @SuppressWarnings("unchecked")
        Map<String, Object> counts = (Map<String, Object>) quality.get("counts");
        assertThat(counts).containsKeys("NO_AMOUNT", "NO_OWNER", "UNKNOWN_CURRENCY",
                "PAST_EXPECTED_CLOSE", "NO_ACTIVITY", "MISSING_DIMENSION:region", "MISSING_DIMENSION:segment",
                "MISSING_DIMENSION:product");
    }

    @Test
    void badParametersAreNamedInA400() {
        badRequest("/api/v1/kpi/summary?period=2026-13", "period");
        badRequest("/api/v1/kpi/summary?period=last-month", "period");
        badRequest("/api/v1/kpi/summary?asOf=2026-11-27T10:00:00", "asOf");
        badRequest("/api/v1/kpi/breakdown?dimension=planet", "dimension");
        badRequest("/api/v1/kpi/breakdown", "dimension");
        // two connections, two pipelines: which one?
        syncAndWait("small", "FULL");
        badRequest("/api/v1/kpi/funnel", "pipeline");
        get("/api/v1/kpi/summary?connection=nope").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        get("/api/v1/kpi/funnel?connection=demo&pipeline=nope").exchange().expectStatus().isNotFound();
    }

    @Test
    void anAsOfWhosePlusWasNotEncodedIsReadAsPlus() {
        Map<String, Object> summary = get("/api/v1/kpi/summary?connection=demo&asOf=2026-11-27T03:00:00%2003:00")
                .exchange().expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(summary).containsEntry("asOf", "2026-11-27T00:00:00Z").containsEntry("period", "2026-11");
    }

    @Test
    void aBadPlanIsRejectedNamingItsLinesAndTheOldPlanStays() {
        putPlan("period,dimension,key,amount\n2026-10,department,,1000000\n").expectStatus().isOk();

        putPlan("period,dimension,key,amount\n2026-10,department,,2000000\n2026-13,region,East,5\n2026-10,department,,7\n")
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.errors[0]").value(e -> assertThat(e.toString()).startsWith("line 3: period"))
                .jsonPath("$.errors[1]").value(e -> assertThat(e.toString()).isEqualTo(
                        "line 4: the same period, dimension, key and connection as line 2"));

        Map<String, Object> summary = get("/api/v1/kpi/summary?period=2026-10&connection=demo&asOf=" + AS_OF)
                .exchange().expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(summary.get("plan")).isNull(); // the plan row has no connection: it applies to all connections together
        Map<String, Object> all = get("/api/v1/kpi/summary?period=2026-10&asOf=" + AS_OF)
                .exchange().expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(new BigDecimal(all.get("plan").toString())).isEqualByComparingTo("1000000");
    }

    private WebTestClient.ResponseSpec putPlan(String csv) {
        return web.put().uri("/api/v1/plan").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.parseMediaType("text/csv")).bodyValue(csv).exchange();
    }

    private void badRequest(String uri, String parameter) {
        get(uri).exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.parameter").isEqualTo(parameter)
                .jsonPath("$.detail").value(detail -> assertThat(detail.toString()).startsWith(parameter + ":"));
    }

    private static Map<String, BigDecimal> wonByRegion(String month) throws IOException {
        Map<String, BigDecimal> won = new TreeMap<>();
        for (CSVRecord deal : demoDeals()) {
            if (deal.get("stage").equals("won") && deal.get("closed_at").startsWith(month)) {
                won.merge(deal.get("region"), new BigDecimal(deal.get("amount")), BigDecimal::add);
            }
        }
        return won;
    }

    private static List<CSVRecord> demoDeals() throws IOException {
        try (Reader reader = Files.newBufferedReader(DEMO_DEALS);
             CSVParser parser = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
            return parser.getRecords();
        }
    }
}
