package io.planpilot.app;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.nio.charset.Charset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Sync runs of a CSV connection through the HTTP API, against the embedded PostgreSQL. */
class CsvSyncTest extends AdapterIntegrationTest {

    @Test
    void fullSyncStoresTheExportAndTheConnectionShowsItsCounts() {
        Map<String, Object> run = syncAndWait("small", "FULL");

        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("connection", "small")
                .containsEntry("mode", "FULL").containsEntry("deals", 4).containsEntry("activities", 3)
                .containsEntry("warningCount", 0).containsEntry("error", null);
        assertThat(run.get("startedAt").toString()).endsWith("Z");
        List<Map<String, Object>> connections = get("/api/v1/connections").exchange()
                .expectStatus().isOk().expectBody(JSON_LIST).returnResult().getResponseBody();
        Map<String, Object> small = connections.stream().filter(c -> c.get("id").equals("small")).findFirst().orElseThrow();
        assertThat(small).containsEntry("type", "csv").containsEntry("state", "IDLE")
                .containsEntry("counts", Map.of("deals", 4, "activities", 3, "users", 2));
        assertThat(((Map<?, ?>) small.get("lastSync")).get("runId")).isEqualTo(run.get("runId"));
    }

    @Test
    void aSecondFullSyncOfUnchangedDataWritesNoRows() {
        syncAndWait("small", "FULL");
        String before = rowVersions();

        Map<String, Object> again = syncAndWait("small", "FULL");

        assertThat(again).containsEntry("status", "SUCCEEDED").containsEntry("deals", 4);
        assertThat(rowVersions()).isEqualTo(before);
    }

    @Test
    void anIncrementalSyncOfUnchangedFilesReadsNothing() {
        syncAndWait("small", "FULL");

        Map<String, Object> run = syncAndWait("small", "INCREMENTAL");

        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("deals", 0).containsEntry("activities", 0);
    }

    @Test
    void aRowWithABadDateIsAWarningAndTheRestIsImported() {
        syncAndWait("small", "FULL");
        SMALL.write("deals.csv", SmallExport.DEALS.replace("d2,Beta,main,lost,500,EUR,u2,2026-10-02", "d2,Beta,main,lost,999,EUR,u2,2026-13-45"));

        Map<String, Object> run = syncAndWait("small", "INCREMENTAL");

        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("deals", 3).containsEntry("warningCount", 1);
        @SuppressWarnings("unchecked")
        Map<String, Object> warning = ((List<Map<String, Object>>) run.get("warnings")).get(0);
        assertThat(warning).containsEntry("file", "deals.csv").containsEntry("line", 3).containsEntry("column", "created_at");
        assertThat(warning.get("reason").toString()).contains("2026-13-45");
        // the stored deal stays as it was: neither changed nor deleted
        assertThat(count("select count(*) from deal where connection = 'small' and id = 'd2' and amount = 500 and not deleted")).isEqualTo(1);
        assertThat(count("select count(*) from deal where connection = 'small' and not deleted")).isEqualTo(4);
    }

    @Test
    void aFileInWindows1251IsRejectedWholeAndNothingStoredIsLost() {
        syncAndWait("small", "FULL");
        SMALL.write("deals.csv", SmallExport.DEALS.replace("Alpha", "Сделка Альфа"), Charset.forName("windows-1251"));

        Map<String, Object> run = syncAndWait("small", "INCREMENTAL");

        assertThat(run).containsEntry("status", "FAILED");
        assertThat(run.get("error").toString()).contains("deals.csv").contains("UTF-8");
        assertThat(count("select count(*) from deal where connection = 'small' and not deleted")).isEqualTo(4);
        assertThat(count("select count(*) from deal where connection = 'small' and id = 'd1' and title = 'Alpha'")).isEqualTo(1);
        List<Map<String, Object>> connections = get("/api/v1/connections").exchange()
                .expectBody(JSON_LIST).returnResult().getResponseBody();
        assertThat(connections).filteredOn(c -> c.get("id").equals("small")).first()
                .satisfies(small -> assertThat(small).containsEntry("state", "FAILING"));
    }

    @Test
    void theConnectionShowsItsCursorItsCallsAndItsLastErrorInWords() {
        SMALL.delete("users.csv");
        Map<String, Object> failed = syncAndWait("small", "FULL");
        SmallExport.createIn(SMALL.folder());
        syncAndWait("small", "FULL");

        Map<String, Object> small = get("/api/v1/connections").exchange().expectBody(JSON_LIST).returnResult()
                .getResponseBody().stream().filter(c -> c.get("id").equals("small")).findFirst().orElseThrow();

        assertThat(small).containsEntry("state", "IDLE");
        assertThat(map(small, "cursor")).containsKeys("position", "updatedAt");
        assertThat(map(small, "cursor").get("position").toString()).startsWith("csv1;");
        // a folder of files: no rate limit, no breaker
        assertThat(map(small, "calls")).containsEntry("circuitBreaker", null).containsEntry("rateLimit", null);
        assertThat(map(small, "lastError")).containsEntry("runId", failed.get("runId"));
        assertThat(map(small, "lastError").get("message").toString()).contains("users.csv");
    }

    @Test
    void checkTellsWhatIsWrongAndDiscoveryWhatTheExportHolds() {
        SMALL.delete("users.csv");
        Map<String, Object> check = get("/api/v1/connections/small/check").exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(check.get("problems").toString()).contains("users.csv is missing");

        SmallExport.createIn(SMALL.folder());
        Map<String, Object> fine = get("/api/v1/connections/small/check").exchange().expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat((List<?>) fine.get("problems")).isEmpty();
        Map<String, Object> discovery = get("/api/v1/connections/small/discovery").exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(discovery.get("pipelines").toString()).contains("main");
        assertThat(discovery.get("dealFields").toString()).contains("region").contains("segment");
        assertThat((List<?>) discovery.get("users")).hasSize(2);
        get("/api/v1/connections/nope/check").exchange().expectStatus().isNotFound();
    }

    @Test
    void aMissingFileFailsTheRunNamingIt() {
        syncAndWait("small", "FULL");
        SMALL.delete("users.csv");

        Map<String, Object> run = syncAndWait("small", "FULL");

        assertThat(run).containsEntry("status", "FAILED");
        assertThat(run.get("error").toString()).contains("users.csv");
        assertThat(count("select count(*) from rep where connection = 'small'")).isEqualTo(2);
    }

    @Test
    void aDealGoneFromTheExportIsMarkedDeletedAndComesBackWithIt() {
        syncAndWait("small", "FULL");
        SMALL.write("deals.csv", SmallExport.DEALS.replace("d4,Delta,main,new,250.50,USD,,2026-10-04,,,,,,Widget\n", ""));

        syncAndWait("small", "INCREMENTAL");
        assertThat(count("select count(*) from deal where connection = 'small' and id = 'd4' and deleted")).isEqualTo(1);
        assertThat(count("select count(*) from deal where connection = 'small' and not deleted")).isEqualTo(3);

        SMALL.write("deals.csv", SmallExport.DEALS);
        syncAndWait("small", "INCREMENTAL");
        assertThat(count("select count(*) from deal where connection = 'small' and not deleted")).isEqualTo(4);
    }

    @Test
    void theDemoSyncImportsEveryDealAndActivity() {
        Map<String, Object> run = syncAndWait("demo", "FULL");

        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("deals", 8800).containsEntry("warningCount", 0);
        assertThat(count("select count(*) from deal where connection = 'demo' and not deleted")).isEqualTo(8800);
        assertThat(count("select count(*) from deal where connection = 'demo' and status = 'WON'")).isEqualTo(4238);
        assertThat(count("select count(*) from rep where connection = 'demo'")).isEqualTo(41);
        assertThat(count("select count(*) from activity where connection = 'demo'"))
                .isEqualTo(((Number) run.get("activities")).longValue()).isGreaterThan(40_000);
    }

    @Test
    void aSecondRequestWhileARunIsGoingGetsTheRunningRun() {
        Map<String, Object> first = web.post().uri("/api/v1/connections/demo/sync")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).bodyValue(Map.of("mode", "FULL"))
                .exchange().expectStatus().isAccepted().expectBody(JSON_MAP).returnResult().getResponseBody();

        Map<String, Object> second = web.post().uri("/api/v1/connections/demo/sync")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange().expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(second).containsEntry("runId", first.get("runId")).containsEntry("status", "RUNNING")
                .containsEntry("connection", "demo");
        awaitRun(((Number) first.get("runId")).longValue());
    }

    @Test
    void unknownConnectionsRunsAndModesAreNamedInProblems() {
        web.post().uri("/api/v1/connections/nope/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("nope"));
        get("/api/v1/sync-runs/987654321").exchange().expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        web.post().uri("/api/v1/connections/small/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .bodyValue(Map.of("mode", "SOMETIMES"))
                .exchange().expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).startsWith("mode:"));
    }

    @Test
    void theApiNeedsTheAdminToken() {
        web.get().uri("/api/v1/connections").exchange().expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        web.get().uri("/api/v1/connections").header(HttpHeaders.AUTHORIZATION, "Bearer wrong")
                .exchange().expectStatus().isUnauthorized();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> json, String field) {
        return (Map<String, Object>) json.get(field);
    }

    /**
     * Each CRM record row's system version: PostgreSQL gives a row a new xmin whenever it writes it.
     * (The run's own bookkeeping, its sync_run row and the cursor, is written by every run.)
     */
    private String rowVersions() {
        return db.sql("""
                        select string_agg(v, ',' order by v) from (
                          select 'deal:' || id || ':' || xmin::text as v from deal where connection = 'small'
                          union all select 'activity:' || id || ':' || xmin::text from activity where connection = 'small'
                          union all select 'rep:' || id || ':' || xmin::text from rep where connection = 'small'
                          union all select 'stage:' || id || ':' || xmin::text from stage where connection = 'small'
                          union all select 'pipeline:' || id || ':' || xmin::text from pipeline where connection = 'small') rows""")
                .map(row -> row.get(0, String.class)).one().block();
    }
}
