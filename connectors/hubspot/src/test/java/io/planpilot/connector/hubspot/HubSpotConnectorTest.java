package io.planpilot.connector.hubspot;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.WindowCursor;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.tck.RecordingPageConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the kit does not ask: HubSpot's search cap, its three 429 policies, its fields, and writes after a lost answer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HubSpotConnectorTest {

    private final HubSpotFakeCrm fake = new HubSpotFakeCrm();
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
        Map<String, String> options = new HashMap<>(Map.of("base-url", server.baseUrl(), "access-token", HubSpotPortal.TOKEN,
                "client-secret", HubSpotPortal.CLIENT_SECRET, "rate-limit.requests", "1000", "rate-limit.per", "PT1S",
                "search-rate-limit.requests", "1000", "search-rate-limit.per", "PT1S", "sync.safety-delay", "0",
                "retry.initial-backoff", "PT0.01S", "retry.max-backoff", "PT0.05S"));
        options.putAll(extra);
        return new HubSpotConnectorFactory().create(new ConnectionSettings("hs", "hubspot",
                HubSpotConnectorContractTest.ZONE, "USD", Map.of("region", "region"), options));
    }

    private static String since(Instant since) {
        return new WindowCursor(since, since, null, true).format();
    }

    private static RecordingPageConsumer read(Connector connector, SyncMode mode, String cursor) {
        RecordingPageConsumer pages = new RecordingPageConsumer();
        connector.read(mode, cursor, pages);
        return pages;
    }

    @Test
    void moreChangesThanTheSearchCapAreReadWithoutPagingPastIt() {
        List<String> ids = fake.seedDeals(10_050);

        RecordingPageConsumer next = read(connector(Map.of()), SyncMode.INCREMENTAL, since(Instant.now().minus(Duration.ofHours(3))));

        assertThat(next.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(next.activities()).hasSize(10_050);
        assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/crm/v3/objects/deals/search"))))
                .as("no search pages by offset, so none reaches HubSpot's 10,000 cap (the fake answers 400 there)")
                .allSatisfy(request -> assertThat(request.getBodyAsString()).doesNotContain("\"after\""))
                .hasSizeGreaterThan(10_050 / HubSpotConnector.SEARCH_LIMIT);
    }

    @Test
    void moreThanAPageOfDealsChangedInOneMillisecondAreReadByIdWithinIt() {
        List<String> ids = fake.seedDeals(450);
        Instant same = Instant.now().minusSeconds(60).truncatedTo(ChronoUnit.MILLIS);
        fake.portal.of("deals").values().forEach(deal -> deal.touch(same));

        RecordingPageConsumer next = read(connector(Map.of()), SyncMode.INCREMENTAL, since(same.minusSeconds(1)));

        assertThat(next.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(server.findAll(postRequestedFor(urlPathEqualTo("/crm/v3/objects/deals/search"))))
                .anySatisfy(request -> assertThat(request.getBodyAsString()).contains("\"hs_object_id\"", "\"GT\""));
    }

    @Test
    void aSearchRefusedByTheSecondlyLimitIsRetriedAfterASecond() {
        List<String> ids = fake.seedDeals(30);
        Connector connector = connector(Map.of());
        fake.limitNextCall(HubSpotErrors.SECONDLY);
        long started = System.nanoTime();

        // the catalog's first call gets the 429; it waits the second SECONDLY asks for
        RecordingPageConsumer next = read(connector, SyncMode.INCREMENTAL, since(Instant.now().minus(Duration.ofHours(3))));

        assertThat(next.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(990));
    }

    @Test
    void theDailyLimitStopsTheReadAtOnceNamingTheResetAndIsNotRetried() {
        fake.seedDeals(3);
        fake.limitNextCall(HubSpotErrors.DAILY);

        assertThatThrownBy(() -> read(connector(Map.of()), SyncMode.FULL, null))
                .isInstanceOf(CrmRateLimitedException.class)
                .hasMessageContaining("daily API limit").hasMessageContaining("daily reset at").hasMessageContaining("correlationId");
        assertThat(fake.callsMade()).as("one refused call, no retry loop").hasSize(1);
    }

    @Test
    void aSpentDailyQuotaInTheHeadersStopsTheNextCallBeforeItIsSent() {
        fake.seedDeals(3);
        Connector connector = connector(Map.of());
        fake.dailyRemaining = 1;

        assertThatThrownBy(() -> read(connector, SyncMode.FULL, null)).isInstanceOf(CrmRateLimitedException.class)
                .hasMessageContaining("Daily-Remaining is 0");
        assertThat(fake.callsMade()).as("the call that spent the quota, none after it").hasSize(1);
    }

    @Test
    void dealsAndActivitiesAreReadInHubSpotsTerms() {
        fake.seedDeals(12);
        RecordingPageConsumer full = read(connector(Map.of()), SyncMode.FULL, null);

        // deals and activities share HubSpot's id sequence in the fake: deals are 1, 3, 5, ...
        Deal won = full.deal("3").orElseThrow();           // id 3: enterprise pipeline, won
        assertThat(won.pipeline()).isEqualTo("7654321");
        assertThat(won.status()).isEqualTo(DealStatus.WON);
        assertThat(won.closedAt()).isEqualTo(Instant.parse(fake.portal.of("deals").get(3L).props.get("hs_date_entered_1002")));
        assertThat(won.currency()).isEqualTo("USD");
        assertThat(won.amount()).isEqualByComparingTo(new BigDecimal("1003.50"));
        assertThat(won.owner()).isEqualTo("102");
        assertThat(won.dimensions()).containsEntry("region", "East");
        Deal lost = full.deal("5").orElseThrow();          // closedate as epoch millis, no deal_currency_code
        assertThat(lost.status()).isEqualTo(DealStatus.LOST);
        assertThat(lost.currency()).as("empty deal_currency_code: the company currency").isEqualTo("USD");
        assertThat(lost.closedAt()).isEqualTo(Instant.parse(fake.portal.of("deals").get(5L).props.get("hs_date_entered_closedlost")));
        assertThat(full.deal("7").orElseThrow().currency()).isEqualTo("EUR");
        assertThat(lost.expectedClose()).isNotNull();
        assertThat(full.deal("7").orElseThrow().amount()).as("an empty amount is none").isNull();
        assertThat(full.deal("1").orElseThrow().status()).isEqualTo(DealStatus.OPEN);
        assertThat(full.deal("1").orElseThrow().closedAt()).isNull();
        assertThat(full.transitions().values()).filteredOn(t -> t.deal().equals("3")).extracting(t -> t.stage())
                .containsExactly("1001", "1002");
        assertThat(full.stages().get("default/closedwon").probability()).isEqualByComparingTo("1.0");
        assertThat(full.reps()).containsKeys("101", "102", "103");
        assertThat(full.reps().get("103").active()).isFalse();
        assertThat(full.reps().get("101").team()).isEqualTo("West");
        Activity task = full.activities().values().stream().filter(a -> a.type() == ActivityType.TASK && a.completedAt() != null)
                .findFirst().orElseThrow();
        assertThat(task.deal()).isNotNull();
        assertThat(task.dueAt()).isNotNull();
        assertThat(full.activities().values()).extracting(Activity::type).contains(ActivityType.CALL, ActivityType.MEETING,
                ActivityType.EMAIL, ActivityType.TASK);
        assertThat(full.listing(RecordKind.DEAL).orElseThrow().ids()).hasSize(12);
    }

    @Test
    void searchedActivitiesGetTheirDealsFromTheAssociationsBatch() {
        fake.seedDeals(8);

        RecordingPageConsumer next = read(connector(Map.of()), SyncMode.INCREMENTAL, since(Instant.now().minus(Duration.ofHours(3))));

        assertThat(next.activities()).hasSize(8).allSatisfy((id, activity) -> assertThat(activity.deal()).isNotNull());
    }

    @Test
    void aRereadReturnsTheDealsAndTheGoneOnesAsDeletions() {
        fake.seedDeals(4);
        HubSpotFakeCrm.archive(fake.portal.of("deals").get(3L));

        SyncPage page = connector(Map.of()).reread(List.of(new RecordRef(RecordKind.DEAL, "1"), new RecordRef(RecordKind.DEAL, "3")));

        assertThat(page.deals()).extracting(Deal::id).containsExactly("1");
        assertThat(page.deletions()).containsExactly(new RecordRef(RecordKind.DEAL, "3"));
    }

    @Test
    void aTaskWhoseAnswerWasLostIsFoundByItsMarkerAndNotCreatedTwice() {
        fake.seedDeals(2);
        fake.loseNextCreateAnswer();
        CrmWrite.Task task = new CrmWrite.Task("rule-7-2026-11", "101", "1", "Call back", "No reply for 14 days", null);

        String id = connector(Map.of()).write(task);

        assertThat(fake.portal.of("tasks").values()).filteredOn(t -> t.props.containsKey("hs_task_subject")).hasSize(1)
                .allSatisfy(t -> assertThat(String.valueOf(t.id)).isEqualTo(id));
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn(fake.portal.of("tasks").get(Long.parseLong(id)).props.get("hs_task_body")))
                .contains("rule-7-2026-11");
    }

    @Test
    void aNotificationBecomesATaskForTheOwnerDueNow() {
        fake.seedDeals(1);

        String id = connector(Map.of()).write(new CrmWrite.Notification("note-1", "102", "The plan is behind by 12 %\nDetails"));

        HubSpotPortal.Rec task = fake.portal.of("tasks").get(Long.parseLong(id));
        assertThat(task.props).containsEntry("hubspot_owner_id", "102").containsEntry("hs_task_subject", "The plan is behind by 12 %");
        assertThat(task.deal).isNull();
    }

    @Test
    void theAdaptersMarkerIsFoundInPlainAndHtmlBodies() {
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn("Call back\n\nplanpilot:k-1")).contains("k-1");
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn("<p>Call back</p><p>planpilot:k-2</p>")).contains("k-2");
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn("written by hand")).isEmpty();
    }
}
