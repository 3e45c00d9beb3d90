package io.planpilot.app.rules;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.app.PlanPilotApplication;
import io.planpilot.app.action.Action;
import io.planpilot.app.action.ActionOutbox;
import io.planpilot.app.database.EmbeddedDatabase;
import io.planpilot.app.store.CrmRecordStore;
import io.planpilot.app.webhook.HookedCrm;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Stage;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two adapters on one PostgreSQL (the first one's embedded database serves the second as an external
 * one), the second started after the data was stored, as a restart would: both run the rules at the
 * same moment, both dispatch; every action is stored once and the CRM on WireMock receives each once.
 * Both asked to sync at once start one run. Then each stores a deal, and the other's KPIs show it
 * within seconds: both answer the same figures. Last, each deal's change is announced by webhook to
 * both at once: every event is processed once, every deal re-read once.
 */
class TwoInstancesTest {

    private static final String CONNECTION = "pair";

    @Test
    void twoInstancesRunningTheRulesTogetherStoreAndSendEachActionOnce() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "two-");
        Files.writeString(dir.resolve("rules.yml"), """
                schedule: off
                run-after-changes: false
                recipients:
                  head: {pair: "900"}
                rules:
                  large-deal: {amount: 100000}
                """);
        WireMockServer crm = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        crm.start();
        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/tasks")).willReturn(aResponse().withStatus(404)));
        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/comments")).willReturn(aResponse().withStatus(404)));
        crm.stubFor(post(urlPathEqualTo("/tasks")).willReturn(okJson("{\"id\":\"T-1\"}")));
        crm.stubFor(post(urlPathEqualTo("/comments")).willReturn(okJson("{\"id\":\"C-1\"}")));
        HookedCrm.of(CONNECTION).writeUrl = crm.baseUrl();

        try (ConfigurableApplicationContext first = start(dir, "--adapter.data-dir=" + dir.resolve("data"))) {
            storeDeals(first);
            String url = first.getBean(EmbeddedDatabase.class).jdbcUrl();
            try (ConfigurableApplicationContext second = start(dir, "--adapter.data-dir=" + dir.resolve("data2"),
                    "--adapter.database.url=" + url, "--adapter.database.username=postgres")) {
                RuleRuns a = first.getBean(RuleRuns.class);
                RuleRuns b = second.getBean(RuleRuns.class);

                CompletableFuture<RuleRuns.Result> ranA = CompletableFuture.supplyAsync(() -> a.runNow("test"));
                CompletableFuture<RuleRuns.Result> ranB = CompletableFuture.supplyAsync(() -> b.runNow("test"));
                RuleRuns.Result resultA = ranA.get();
                RuleRuns.Result resultB = ranB.get();

                long proposed = resultA.created() + resultA.skippedAsDuplicate();
                assertThat(proposed).as("both saw the same situation").isEqualTo(resultB.created() + resultB.skippedAsDuplicate())
                        .isGreaterThanOrEqualTo(4); // per deal: stale task, large notice, comment; one hygiene task
                assertThat(resultA.created() + resultB.created()).isEqualTo(proposed);

                ActionOutbox outbox = first.getBean(ActionOutbox.class);
                awaitThat(() -> outbox.list(Action.Status.SENT, CONNECTION, null).count().block() == proposed, "all sent");
                List<Action> sent = outbox.list(null, CONNECTION, null).collectList().block();
                assertThat(sent).hasSize((int) proposed).allMatch(action -> action.attempts() == 1);
                for (Action action : sent) {
                    long created = crm.getAllServeEvents().stream()
                            .filter(e -> e.getRequest().getMethod().getName().equals("POST"))
                            .filter(e -> e.getRequest().getBodyAsString().contains(action.dedupeKey()))
                            .count();
                    assertThat(created).as("CRM writes of %s", action.dedupeKey()).isEqualTo(1);
                }

                // both asked to sync the connection at the same moment: one run, which both report
                var startA = CompletableFuture.supplyAsync(() -> first.getBean(io.planpilot.app.sync.SyncRunStore.class)
                        .start(CONNECTION, io.planpilot.core.connector.SyncMode.INCREMENTAL).block());
                var startB = CompletableFuture.supplyAsync(() -> second.getBean(io.planpilot.app.sync.SyncRunStore.class)
                        .start(CONNECTION, io.planpilot.core.connector.SyncMode.INCREMENTAL).block());
                var syncA = startA.get();
                var syncB = startB.get();
                assertThat(syncA.started() ^ syncB.started()).as("exactly one of them started a run").isTrue();
                assertThat(syncA.run().runId()).isEqualTo(syncB.run().runId());

                // a deal the second one stores shows in the first one's KPIs, and the other way round
                storeDeal(second, "p3", "70000");
                awaitThat(() -> openAmount(first).compareTo(new BigDecimal("1070000")) == 0, "p3 in the first one's KPIs");
                storeDeal(first, "p4", "30000");
                awaitThat(() -> openAmount(second).compareTo(new BigDecimal("1100000")) == 0, "p4 in the second one's KPIs");
                assertThat(summary(first)).isEqualTo(summary(second));

                // webhooks: each deal's change announced to both, at once; the two inboxes are one, and
                // each entry is processed once, each deal re-read once
                List<String> deals = java.util.stream.IntStream.range(0, 30).mapToObj(i -> "w" + i).toList();
                deals.forEach(deal -> HookedCrm.of(CONNECTION).holdOpenDeal(deal, new BigDecimal("10")));
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                List<CompletableFuture<java.net.http.HttpResponse<String>>> answers = new java.util.ArrayList<>();
                for (String deal : deals) {
                    answers.add(hook(http, first, "a-" + deal, deal));
                    answers.add(hook(http, second, "b-" + deal, deal));
                }
                for (CompletableFuture<java.net.http.HttpResponse<String>> answer : answers) {
                    assertThat(answer.get().statusCode()).isEqualTo(200);
                }
                org.springframework.r2dbc.core.DatabaseClient db = first.getBean(org.springframework.r2dbc.core.DatabaseClient.class);
                awaitThat(() -> db.sql("select count(*) as n from webhook_inbox where connection = 'pair' and status = 'PROCESSED'")
                        .map(row -> row.get("n", Long.class)).one().block() == 60, "all 60 events processed");
                assertThat(db.sql("select count(*) as n from webhook_inbox where connection = 'pair' and attempts <> 1")
                        .map(row -> row.get("n", Long.class)).one().block()).as("entries processed more than once").isZero();
                assertThat(deals).allSatisfy(deal -> assertThat(HookedCrm.of(CONNECTION).rereadsOf(deal)).as(deal).isEqualTo(1));
            }
        } finally {
            HookedCrm.of(CONNECTION).writeUrl = null;
            crm.stop();
        }
    }

    /** Posts a callback announcing a change of the deal to the adapter. */
    private static CompletableFuture<java.net.http.HttpResponse<String>> hook(java.net.http.HttpClient http,
                                                                             ConfigurableApplicationContext app,
                                                                             String event, String deal) {
        String port = app.getEnvironment().getProperty("local.server.port");
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/webhooks/" + CONNECTION))
                .header("Content-Type", "application/json")
                .header("X-Hook-Token", "t") // HookedConnector.TOKEN_HEADER
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                        "{\"events\":[{\"id\":\"" + event + "\",\"deal\":\"" + deal + "\",\"change\":\"CHANGED\"}]}"))
                .build();
        return http.sendAsync(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** Two open deals of 500,000 with owners, created 40 days ago, without activities: stale and large. */
    private static void storeDeals(ConfigurableApplicationContext app) {
        Instant created = Instant.now().minus(Duration.ofDays(40));
        List<Deal> deals = List.of("p1", "p2").stream().map(id -> new Deal(CONNECTION, id, "Order " + id, "sales", "talks",
                DealStatus.OPEN, new BigDecimal("500000"), "USD", "7", created, null, null, Map.of(), List.of(), null, false,
                created)).toList();
        SyncPage page = SyncPage.builder()
                .pipelines(List.of(new Pipeline(CONNECTION, "sales", "Sales")))
                .stages(List.of(new Stage(CONNECTION, "sales", "talks", "Talks", BigDecimal.ONE, DealStatus.OPEN, null)))
                .deals(deals)
                .build();
        app.getBean(io.planpilot.app.sync.PageIntake.class).take(CONNECTION, page);
        assertThat(app.getBean(CrmRecordStore.class).counts(CONNECTION).block().deals()).isEqualTo(2);
    }

    private static void storeDeal(ConfigurableApplicationContext app, String id, String amount) {
        Instant created = Instant.now().minus(Duration.ofDays(1));
        app.getBean(io.planpilot.app.sync.PageIntake.class).take(CONNECTION, SyncPage.builder().deals(List.of(
                new Deal(CONNECTION, id, "Order " + id, "sales", "talks", DealStatus.OPEN, new BigDecimal(amount), "USD", "7",
                        created, null, null, Map.of(), List.of(), null, false, created))).build());
    }

    private static io.planpilot.core.kpi.KpiFigures summary(ConfigurableApplicationContext app) {
        return new io.planpilot.core.kpi.KpiEngine(app.getBean(io.planpilot.app.kpi.KpiSnapshots.class).current())
                .summary(new io.planpilot.core.kpi.KpiQuery(io.planpilot.core.kpi.Period.parse("2026-11"), Instant.now(), CONNECTION));
    }

    private static BigDecimal openAmount(ConfigurableApplicationContext app) {
        return summary(app).openAmount();
    }

    private static ConfigurableApplicationContext start(Path dir, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(
                "--server.port=0",
                "--adapter.security.admin-token=two",
                "--adapter.plan-file=" + dir.resolve("none.csv"),
                "--adapter.rules-file=" + dir.resolve("rules.yml"),
                "--adapter.connections." + CONNECTION + ".type=hooked",
                "--adapter.connections." + CONNECTION + ".token=t",
                "--adapter.connections." + CONNECTION + ".sync-interval=0",
                "--adapter.actions.poll-interval=PT0.05S"));
        args.addAll(List.of(more));
        return new SpringApplicationBuilder(PlanPilotApplication.class).run(args.toArray(String[]::new));
    }

    private static void awaitThat(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("not " + what + " after 30 s").isLessThan(deadline);
            Thread.sleep(25);
        }
    }
}
