package io.planpilot.connector.pipedrive;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.planpilot.core.connector.ConnectionCheck;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.Discovery;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.StageTransition;
import io.planpilot.tck.RecordingPageConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the kit does not ask: flows only for moved deals, pacing on the headers, the daily budget, fields, writes, webhooks. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipedriveConnectorTest {

    private final PipedriveFakeCrm fake = new PipedriveFakeCrm();
    private WireMockServer server;

    @BeforeAll
    void start() {
        server = new WireMockServer(options().dynamicPort().extensions(fake.extension()));
        server.start();
        fake.attach(server);
    }

    @AfterAll
    void stop() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
        fake.reset();
    }

    private Connector connector(Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(Map.of("base-url", fake.baseUrl(), "api-token", PipedriveCompany.TOKEN,
                "webhook-username", PipedriveFakeCrm.WEBHOOK_USER, "webhook-password", PipedriveFakeCrm.WEBHOOK_PASSWORD,
                "rate-limit.requests", "50", "rate-limit.per", "PT1S",
                "retry.initial-backoff", "PT0.01S", "retry.max-backoff", "PT0.05S", "sync.safety-delay", "0"));
        options.putAll(extra);
        return new PipedriveConnectorFactory().create(new ConnectionSettings("pd", "pipedrive",
                PipedriveConnectorContractTest.ZONE, "EUR", Map.of("region", "Region", "segment", SEGMENTS_KEY), options));
    }

    private static final String SEGMENTS_KEY = PipedriveCompany.SEGMENT_KEY;

    private Connector connector() {
        return connector(Map.of());
    }

    private static RecordingPageConsumer read(Connector connector, SyncMode mode, String cursor) {
        RecordingPageConsumer pages = new RecordingPageConsumer();
        connector.read(mode, cursor, pages);
        return pages;
    }

    private long flowCalls() {
        return fake.routesCalled().stream().filter(PipedriveClient.DEAL_FLOW::equals).count();
    }

    // --- reads ---

    @Test
    void aFullReadMapsStatusTimesHashedFieldsStagesAndActivities() {
        fake.seedDeals(12);

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        Deal won = full.deal("3").orElseThrow();
        assertThat(won.status()).isEqualTo(DealStatus.WON);
        assertThat(won.closedAt()).isEqualTo(Instant.parse(fake.company.deals.get(3L).get("won_time").asString()));
        assertThat(won.amount()).isEqualByComparingTo("1003.50");
        assertThat(won.currency()).isEqualTo("EUR");
        assertThat(won.dimensions()).containsEntry("region", "APAC").containsEntry("segment", "Enterprise");
        Deal lost = full.deal("2").orElseThrow();
        assertThat(lost.status()).isEqualTo(DealStatus.LOST);
        assertThat(lost.closedAt()).isEqualTo(Instant.parse(fake.company.deals.get(2L).get("lost_time").asString()));
        assertThat(lost.dimensions()).containsEntry("region", "EMEA").containsEntry("segment", "SMB");
        assertThat(full.deal("1").orElseThrow().closedAt()).isNull();
        assertThat(full.deal("1").orElseThrow().expectedClose()).isEqualTo(LocalDate.parse(
                fake.company.deals.get(1L).get("expected_close_date").asString()));
        assertThat(full.stages()).containsKey("1/2");
        assertThat(full.stages().get("1/2").probability()).isEqualByComparingTo("0.5");
        assertThat(full.reps()).containsKeys("1", "2", "3");
        assertThat(full.reps().get("3").active()).isFalse();
        assertThat(full.activities().get("1").type()).isEqualTo(ActivityType.MEETING);
        assertThat(full.activities().get("2").type()).isEqualTo(ActivityType.EMAIL);
        assertThat(full.activities().get("2").dueAt()).as("due_date + due_time, UTC").isEqualTo(
                LocalDate.parse(fake.company.activities.get(2L).get("due_date").asString()).atTime(14, 30).toInstant(ZoneOffset.UTC));
        assertThat(full.activities().get("2").completedAt()).isEqualTo(Instant.parse(
                fake.company.activities.get(2L).get("marked_as_done_time").asString()));
        assertThat(full.activities().get("1").dueAt()).as("a date alone: the end of that day in the zone").isEqualTo(
                LocalDate.parse(fake.company.activities.get(1L).get("due_date").asString()).plusDays(1)
                        .atStartOfDay(PipedriveConnectorContractTest.ZONE).toInstant().minusNanos(1000));
        assertThat(full.listing(RecordKind.DEAL).orElseThrow().ids()).hasSize(12);
    }

    @Test
    void aMovedDealGetsItsPathFromTheFlowInV1TimesAndAnUnmovedOneOnlyItsStage() {
        fake.seedDeals(8);

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        // deal 5 moved from stage 1 to stage 3 two days after it was added; deal 4 never moved (enterprise pipeline, stage 4)
        Instant added = Instant.parse(fake.company.deals.get(5L).get("add_time").asString());
        assertThat(full.transitions().values()).filteredOn(t -> t.deal().equals("5"))
                .extracting(StageTransition::stage, StageTransition::enteredAt)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("1", added),
                        org.assertj.core.groups.Tuple.tuple("3", added.plus(Duration.ofDays(2))));
        assertThat(full.transitions().values()).filteredOn(t -> t.deal().equals("4"))
                .extracting(StageTransition::stage).containsExactly("4");
        assertThat(flowCalls()).as("one flow call per moved deal (deals 4 and 8 never moved)").isEqualTo(6);
    }

    @Test
    void anIncrementalReadAsksForTheFlowOnlyOfDealsWhoseStageChanged() {
        fake.seedDeals(20);
        Connector connector = connector();
        String cursor = read(connector, SyncMode.FULL, null).cursor();
        fake.updateOneDeal();
        synchronized (fake) {
            fake.company.moveDeal(7, 2, Instant.now());
        }
        server.resetRequests();

        RecordingPageConsumer next = read(connector, SyncMode.INCREMENTAL, cursor);

        assertThat(next.deals().keySet()).containsExactlyInAnyOrder("1", "7");
        assertThat(fake.queriesOf(PipedriveClient.DEAL_FLOW)).hasSize(1);
        assertThat(fake.routesCalled()).filteredOn(r -> r.startsWith("GET /v1/deals/")).hasSize(1);
        assertThat(server.getAllServeEvents()).filteredOn(e -> e.getRequest().getUrl().startsWith("/v1/deals/7/flow")).hasSize(1);
        assertThat(next.transitions().values()).filteredOn(t -> t.deal().equals("7")).extracting(StageTransition::stage)
                .contains("2");
        Map<String, String> query = fake.queriesOf(PipedriveClient.DEALS).get(0);
        assertThat(query).containsEntry("sort_by", "update_time").containsKeys("updated_since", "updated_until")
                .containsEntry("limit", "500");
        assertThat(query.get("custom_fields").split(",")).containsExactlyInAnyOrder(PipedriveCompany.REGION_KEY, SEGMENTS_KEY);
        assertThat(query.get("updated_since")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(fake.queriesOf(PipedriveClient.DEALS)).anySatisfy(q -> assertThat(q).containsEntry("status", "deleted"));
        assertThat(fake.routesCalled()).doesNotContain("GET /v1/recents");
    }

    @Test
    void flowCallsStopAtTheBudgetWithAWarning() {
        fake.seedDeals(12);

        RecordingPageConsumer full = read(connector(Map.of("flow-calls-per-read", "2")), SyncMode.FULL, null);

        assertThat(flowCalls()).isEqualTo(2);
        assertThat(full.warnings()).anySatisfy(w -> assertThat(w.reason()).contains("flow-calls-per-read (2)"));
        assertThat(full.transitions().values()).extracting(StageTransition::deal).contains("11", "12");
    }

    // --- limits ---

    @Test
    void whenTheBurstWindowHasNothingLeftTheNextCallWaitsForItsResetInsteadOfEarningA429() {
        fake.seedDeals(1600);
        synchronized (fake) {
            fake.company.burstLimit = 6;
        }

        RecordingPageConsumer full = read(connector(Map.of("flow-calls-per-read", "10")), SyncMode.FULL, null);

        assertThat(full.deals()).hasSize(1600);
        assertThat(fake.company.refusedByBurst).as("requests refused with 429").isZero();
        List<Instant> times = fake.requestTimes();
        assertThat(times.size()).isGreaterThan(12);
        long maxIn2s = 0;
        for (int i = 0; i < times.size(); i++) {
            int j = i;
            while (j < times.size() && Duration.between(times.get(i), times.get(j)).compareTo(Duration.ofMillis(1900)) < 0) {
                j++;
            }
            maxIn2s = Math.max(maxIn2s, j - i);
        }
        assertThat(maxIn2s).as("requests within any 1.9 s").isLessThanOrEqualTo(12);
    }

    @Test
    void aSpentDailyBudgetStopsTheReadAtOnceNamingTheResetAndLaterCallsAreNotSent() {
        fake.seedDeals(1200);
        synchronized (fake) {
            fake.company.dailyBudget = 120;
        }
        Connector connector = connector(Map.of("flow-calls-per-read", "0"));

        // users, pipelines, stages and deal fields cost 80 tokens, each page of deals 20: the third page is refused
        assertThatThrownBy(() -> read(connector, SyncMode.FULL, null)).isInstanceOf(ConnectorException.class)
                .hasMessageContaining("daily API token budget is spent")
                .hasMessageContaining(PipedriveRateWindow.nextBudgetReset(Instant.now()).toString())
                .satisfies(e -> assertThat(((ConnectorException) e).isTransient()).isTrue());
        int sent = server.getAllServeEvents().size();
        assertThat(fake.queriesOf(PipedriveClient.DEALS)).as("one refused deals request, no retry loop").hasSize(3);

        assertThatThrownBy(() -> connector.reread(List.of(new RecordRef(RecordKind.DEAL, "1"))))
                .hasMessageContaining("no request made");
        assertThat(server.getAllServeEvents()).hasSize(sent);
    }

    // --- re-reads, check, discovery ---

    @Test
    void aRereadReturnsTheDealsThatExistAndTheRestAsDeletions() {
        fake.seedDeals(5);
        fake.deleteOneDeal();

        SyncPage page = connector().reread(List.of(new RecordRef(RecordKind.DEAL, "2"), new RecordRef(RecordKind.DEAL, "5"),
                new RecordRef(RecordKind.ACTIVITY, "3"), new RecordRef(RecordKind.ACTIVITY, "999")));

        assertThat(page.deals()).extracting(Deal::id).containsExactly("2");
        assertThat(page.activities()).extracting(a -> a.id()).containsExactly("3");
        assertThat(page.deletions()).containsExactlyInAnyOrder(new RecordRef(RecordKind.DEAL, "5"),
                new RecordRef(RecordKind.ACTIVITY, "999"));
        assertThat(fake.queriesOf(PipedriveClient.DEALS)).anySatisfy(q -> assertThat(q).containsEntry("ids", "2,5"));
    }

    @Test
    void checkNamesARefusedTokenAnUnknownDimensionFieldAndMissingWebhookCredentials() {
        assertThat(connector().check().problems()).isEmpty();

        ConnectionCheck bad = new PipedriveConnectorFactory().create(new ConnectionSettings("pd", "pipedrive",
                PipedriveConnectorContractTest.ZONE, "EUR", Map.of("region", "Territory"),
                Map.of("base-url", fake.baseUrl(), "api-token", "wrong0token", "sync.safety-delay", "0"))).check();
        assertThat(bad.problems()).extracting(ConnectionCheck.Problem::kind)
                .containsExactly(ConnectionCheck.Kind.BAD_CREDENTIALS, ConnectionCheck.Kind.MISCONFIGURED);
        assertThat(bad.problems().get(0).message()).contains("HTTP 401").contains("api-token");

        ConnectionCheck territory = new PipedriveConnectorFactory().create(new ConnectionSettings("pd", "pipedrive",
                PipedriveConnectorContractTest.ZONE, "EUR", Map.of("region", "Territory"),
                Map.of("base-url", fake.baseUrl(), "api-token", PipedriveCompany.TOKEN, "webhook-username", "u",
                        "webhook-password", "p"))).check();
        assertThat(territory.problems()).singleElement().satisfies(p -> assertThat(p.message())
                .contains("dimensions.region").contains("Territory"));
    }

    @Test
    void discoveryListsTheDealFieldsByKeyWithTheirNames() {
        Discovery discovery = connector().discover();

        assertThat(discovery.dealFields()).contains(new Discovery.Field(PipedriveCompany.REGION_KEY, "Region"));
        assertThat(discovery.pipelines()).hasSize(2);
        assertThat(discovery.stages()).hasSize(5);
        assertThat(discovery.currencies()).isNull();
    }

    // --- writes ---

    @Test
    void aTaskWhoseAnswerWasLostIsFoundByItsMarkerOnTheRetryAndNotMadeTwice() {
        fake.seedDeals(3);
        fake.loseNextAnswer(PipedriveClient.ADD_ACTIVITY);
        CrmWrite.Task task = new CrmWrite.Task("lost-answer-1", "2", "3", "Call back", "About the offer",
                Instant.parse("2026-12-01T09:15:00Z"));

        String id = connector().write(task);

        assertThat(fake.company.activities.get(Long.parseLong(id)).get("note").asString())
                .isEqualTo("About the offer\n\nplanpilot:lost-answer-1");
        assertThat(fake.company.activities.get(Long.parseLong(id)).get("due_time").asString()).isEqualTo("09:15");
        assertThat(fake.company.activities.values()).filteredOn(a -> a.path("note").asString("").contains("lost-answer-1")).hasSize(1);
    }

    @Test
    void aNotificationBecomesATaskForTheUserDueNow() {
        String id = connector().write(new CrmWrite.Notification("notify-1", "1", "Plan behind by 12 %\nSee the dashboard"));

        var activity = fake.company.activities.get(Long.parseLong(id));
        assertThat(activity.get("subject").asString()).isEqualTo("Plan behind by 12 %");
        assertThat(activity.get("type").asString()).isEqualTo("task");
        assertThat(activity.get("owner_id").asLong()).isEqualTo(1);
        assertThat(activity.get("due_date").asString()).isEqualTo(LocalDate.now(ZoneOffset.UTC).toString());
        assertThat(connector().write(new CrmWrite.Notification("notify-1", "1", "Plan behind by 12 %"))).isEqualTo(id);
    }

    @Test
    void theMarkerIsFoundInPlainTextAndInTheHtmlPipedriveMakesOfANote() {
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn("Call\n\nplanpilot:abc-1")).contains("abc-1");
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn("<p>Call</p><p>planpilot:abc-2</p>")).contains("abc-2");
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn("Call<br><br>planpilot:abc-3")).contains("abc-3");
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn("no marker; xplanpilot:nope")).isEmpty();
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn(null)).isEmpty();
    }

    // --- webhooks ---

    @Test
    void webhooksNameTheRecordAndAreRefusedWithWrongOrMissingCredentials() {
        Connector connector = connector();

        List<WebhookEvent> change = connector.receive(fake.webhook("change", "deal", "17", "ev-1", PipedriveFakeCrm.WEBHOOK_USER,
                PipedriveFakeCrm.WEBHOOK_PASSWORD));
        List<WebhookEvent> delete = connector.receive(fake.webhook("delete", "activity", "5", "ev-2", PipedriveFakeCrm.WEBHOOK_USER,
                PipedriveFakeCrm.WEBHOOK_PASSWORD));
        List<WebhookEvent> person = connector.receive(fake.webhook("change", "person", "9", "ev-3", PipedriveFakeCrm.WEBHOOK_USER,
                PipedriveFakeCrm.WEBHOOK_PASSWORD));

        assertThat(change).singleElement().satisfies(e -> {
            assertThat(e.eventId()).isEqualTo("pd:ev-1");
            assertThat(e.kind()).isEqualTo(RecordKind.DEAL);
            assertThat(e.change()).isEqualTo(WebhookEvent.Change.CHANGED);
            assertThat(e.recordId()).isEqualTo("17");
            assertThat(e.occurredAt()).isCloseTo(Instant.now(), org.assertj.core.api.Assertions.within(1, ChronoUnit.MINUTES));
        });
        assertThat(delete).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(RecordKind.ACTIVITY);
            assertThat(e.change()).isEqualTo(WebhookEvent.Change.DELETED);
        });
        assertThat(person).isEmpty();
        assertThatThrownBy(() -> connector.receive(fake.webhook("change", "deal", "17", "ev-4", "someone", "else")))
                .isInstanceOf(WebhookRejectedException.class).hasMessageNotContaining(PipedriveFakeCrm.WEBHOOK_PASSWORD);
        var unsigned = fake.webhook("change", "deal", "17", "ev-5", "x", "y");
        Map<String, List<String>> headers = new HashMap<>(unsigned.headers());
        headers.remove("authorization");
        assertThatThrownBy(() -> connector.receive(new io.planpilot.core.connector.WebhookRequest("POST", unsigned.url(), headers,
                unsigned.body(), unsigned.receivedAt()))).isInstanceOf(WebhookRejectedException.class);
        Connector withoutCredentials = new PipedriveConnectorFactory().create(new ConnectionSettings("pd", "pipedrive",
                PipedriveConnectorContractTest.ZONE, "EUR", Map.of(), Map.of("base-url", fake.baseUrl(), "api-token",
                PipedriveCompany.TOKEN)));
        assertThatThrownBy(() -> withoutCredentials.receive(fake.webhook("change", "deal", "17", "ev-6",
                PipedriveFakeCrm.WEBHOOK_USER, PipedriveFakeCrm.WEBHOOK_PASSWORD))).isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void aVerifiedWebhookWithoutItsMetaIdIsMalformed() {
        var valid = fake.webhook("change", "deal", "17", "ev-1", PipedriveFakeCrm.WEBHOOK_USER, PipedriveFakeCrm.WEBHOOK_PASSWORD);
        String body = new String(valid.body(), java.nio.charset.StandardCharsets.UTF_8).replace("\"id\":\"ev-1\",", "");

        assertThatThrownBy(() -> connector().receive(new io.planpilot.core.connector.WebhookRequest("POST", valid.url(),
                valid.headers(), body.getBytes(java.nio.charset.StandardCharsets.UTF_8), valid.receivedAt())))
                .isNotInstanceOf(WebhookRejectedException.class).hasMessageContaining("meta.id");
    }

    @Test
    void amountsStayExact() {
        fake.seedDeals(1);
        synchronized (fake) {
            fake.company.deals.get(1L).put("value", new BigDecimal("12345678901234.57"));
        }
        assertThat(read(connector(), SyncMode.FULL, null).deal("1").orElseThrow().amount()).isEqualTo(new BigDecimal("12345678901234.57"));
    }
}
