package io.planpilot.connector.bitrix24;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.planpilot.connector.support.WindowCursor;
import io.planpilot.core.connector.ConnectionCheck;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.Discovery;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.ProductLine;
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

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/** What the kit does not ask: Bitrix24's scopes, history, lines, labels, the fast path, re-reads, idempotent writes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Bitrix24ConnectorTest {

    private final Bitrix24FakeCrm fake = new Bitrix24FakeCrm();
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
        Map<String, String> options = new HashMap<>(Map.of("base-url", fake.webhookUrl(),
                "application-token", Bitrix24Portal.APPLICATION_TOKEN,
                "rate-limit.requests", "50", "rate-limit.per", "PT1S",
                "retry.initial-backoff", "PT0.01S", "retry.max-backoff", "PT0.05S", "sync.safety-delay", "0"));
        options.putAll(extra);
        return new Bitrix24ConnectorFactory().create(new ConnectionSettings("b24", "bitrix24",
                Bitrix24ConnectorContractTest.ZONE, "RUB", Map.of("region", "UF_CRM_REGION", "segment", "SOURCE_ID"), options));
    }

    private Connector connector() {
        return connector(Map.of());
    }

    private static RecordingPageConsumer read(Connector connector, SyncMode mode, String cursor) {
        RecordingPageConsumer pages = new RecordingPageConsumer();
        connector.read(mode, cursor, pages);
        return pages;
    }

    // --- deal links ---

    @Test
    void aDealOpensOnItsPortalsDealCard() {
        Connector portal = connector(Map.of("base-url", "https://acme.bitrix24.ru/rest/1/abc123/"));

        assertThat(portal.dealUrl("42")).contains("https://acme.bitrix24.ru/crm/deal/details/42/");
        assertThat(portal.dealUrl("../42")).isEmpty();
    }

    // --- check ---

    @Test
    void aWebhookWithEveryScopeChecksOut() {
        assertThat(connector().check().problems()).isEmpty();
    }

    @Test
    void eachMissingScopeIsNamedWithWhatItStops() {
        fake.portal.scopes.clear();
        fake.portal.scopes.addAll(List.of("crm", "user_basic"));

        ConnectionCheck check = connector().check();

        assertThat(check.problems()).extracting(ConnectionCheck.Problem::kind).containsOnly(ConnectionCheck.Kind.MISSING_SCOPE);
        assertThat(check.problems()).extracting(ConnectionCheck.Problem::message).satisfiesExactly(
                task -> assertThat(task).contains("lacks the task scope").contains("cannot create tasks"),
                im -> assertThat(im).contains("lacks the im scope").contains("cannot send notifications"));
    }

    @Test
    void aRefusedWebhookIsBadCredentials() {
        ConnectionCheck check = connector(Map.of("base-url", server.baseUrl() + "/rest/1/wrongsecret/")).check();

        assertThat(check.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.kind()).isEqualTo(ConnectionCheck.Kind.BAD_CREDENTIALS);
            // the code (INVALID_CREDENTIALS) reaches the message once connector-support reads 401 bodies (see README)
            assertThat(problem.message()).contains("HTTP 401").contains("Inbound webhook");
        });
    }

    @Test
    void aPortalThatDoesNotAnswerIsUnreachable() {
        ConnectionCheck check = connector(Map.of("base-url", "http://127.0.0.1:1/rest/1/x/", "retry.max-attempts", "2")).check();

        assertThat(check.problems()).singleElement().extracting(ConnectionCheck.Problem::kind)
                .isEqualTo(ConnectionCheck.Kind.UNREACHABLE);
    }

    @Test
    void aUrlThatAnswersButNotAsAWebhookIsMisconfigured() {
        ConnectionCheck check = connector(Map.of("base-url", server.baseUrl() + "/rest/0/htmlpage/")).check();

        assertThat(check.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.kind()).isEqualTo(ConnectionCheck.Kind.MISCONFIGURED);
            assertThat(problem.message()).contains("not as a Bitrix24 incoming webhook");
        });
    }

    @Test
    void noApplicationTokenIsNamed() {
        Map<String, String> noToken = new HashMap<>(Map.of("base-url", fake.webhookUrl()));
        ConnectionCheck check = new Bitrix24ConnectorFactory().create(new ConnectionSettings("b24", "bitrix24",
                Bitrix24ConnectorContractTest.ZONE, "RUB", Map.of(), noToken)).check();

        assertThat(check.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.kind()).isEqualTo(ConnectionCheck.Kind.MISCONFIGURED);
            assertThat(problem.message()).contains("application-token");
        });
    }

    // --- reads ---

    @Test
    void aFullReadTakesClosedAtFromTheHistoryAndReadsLinesLabelsStagesAndActivities() {
        fake.seedDeals(12);
        Bitrix24Portal.Rec won = fake.portal.deals.get(3L);
        won.put("MOVED_TIME", won.instant("MOVED_TIME").plus(Duration.ofDays(1)));

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        Instant enteredWon = fake.portal.history.values().stream()
                .filter(h -> h.get("OWNER_ID").equals(3L) && "S".equals(h.get("STAGE_SEMANTIC_ID")))
                .map(h -> h.instant("CREATED_TIME")).findFirst().orElseThrow();
        Deal three = full.deal("3").orElseThrow();
        assertThat(three.status()).isEqualTo(DealStatus.WON);
        assertThat(three.pipeline()).isEqualTo("1");
        assertThat(three.stage()).isEqualTo("C1:WON");
        assertThat(three.closedAt()).as("from crm.stagehistory.list, not MOVED_TIME").isEqualTo(enteredWon);
        Deal one = full.deal("1").orElseThrow();
        assertThat(one.lines()).extracting(ProductLine::product).containsExactly("Widget", "Service plan");
        assertThat(one.lines()).extracting(ProductLine::amount).usingElementComparator(BigDecimal::compareTo)
                .containsExactly(new BigDecimal("300"), new BigDecimal("51"));
        assertThat(full.deal("2").orElseThrow().dimensions()).containsEntry("region", "North").containsEntry("segment", "Call");
        assertThat(full.deal("1").orElseThrow().dimensions()).containsEntry("region", "South").containsEntry("segment", "Website");
        assertThat(full.stages()).containsKeys("0/NEW", "0/WON", "1/C1:WON", "1/C1:LOSE");
        assertThat(full.pipelines()).containsKeys("0", "1");
        assertThat(full.reps()).containsKeys("1", "2", "3");
        assertThat(full.reps().get("3").active()).isFalse();
        assertThat(full.transitions()).hasSize(fake.portal.history.size());
        assertThat(full.activities()).hasSize(12);
        assertThat(full.activities().values()).extracting(a -> a.type()).contains(ActivityType.MEETING, ActivityType.CALL,
                ActivityType.TASK, ActivityType.EMAIL, ActivityType.OTHER);
        assertThat(full.listing(RecordKind.DEAL)).hasValueSatisfying(l -> assertThat(l.ids()).hasSize(12));
        assertThat(full.listing(RecordKind.ACTIVITY)).hasValueSatisfying(l -> assertThat(l.ids()).hasSize(12));
        assertThat(WindowCursor.parse(full.cursor())).hasValueSatisfying(w -> assertThat(w.complete()).isTrue());
    }

    @Test
    void aDealClosedLongAgoAndChangedNowGetsItsClosedAtFromAHistoryLookUp() {
        fake.seedDeals(6);
        Connector connector = connector(Map.of("reconcile-every", "P1D"));
        String cursor = read(connector, SyncMode.FULL, null).cursor();
        Bitrix24Portal.Rec won = fake.portal.deals.get(6L);
        won.put("TITLE", "Renamed").put("DATE_MODIFY", Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .put("MOVED_TIME", Instant.parse("2020-01-01T00:00:00Z"));
        server.resetRequests();

        RecordingPageConsumer next = read(connector, SyncMode.INCREMENTAL, cursor);

        Instant enteredWon = fake.portal.history.values().stream()
                .filter(h -> h.get("OWNER_ID").equals(6L) && "S".equals(h.get("STAGE_SEMANTIC_ID")))
                .map(h -> h.instant("CREATED_TIME")).findFirst().orElseThrow();
        assertThat(next.deals()).containsOnlyKeys("6");
        assertThat(next.deal("6").orElseThrow().closedAt()).isEqualTo(enteredWon);
        assertThat(bodies(Bitrix24Client.STAGEHISTORY_LIST)).anySatisfy(body -> assertThat(body).contains("@OWNER_ID"));
        assertThat(next.listing(RecordKind.DEAL)).as("not due: the window does not cross a day").isEmpty();
    }

    @Test
    void bigListsAreWalkedAlongTheFastPathInChainedBatches() {
        fake.seedDeals(260);

        RecordingPageConsumer full = read(connector(Map.of("product-rows", "false")), SyncMode.FULL, null);

        assertThat(full.deals()).hasSize(260);
        assertThat(full.pages()).filteredOn(page -> !page.deals().isEmpty()).allSatisfy(page ->
                assertThat(page.deals()).hasSizeLessThanOrEqualTo(50));
        List<String> dealCalls = newestLast(server.getAllServeEvents()).stream().map(ServeEvent::getRequest)
                .filter(r -> r.getUrl().endsWith("/crm.deal.list.json") || r.getBodyAsString().contains("crm.deal.list"))
                .map(r -> r.getUrl().substring(r.getUrl().lastIndexOf('/') + 1) + " " + r.getBodyAsString()).toList();
        assertThat(dealCalls).as("one plain page, then batches of 2 and 4 chained commands").hasSize(3);
        assertThat(dealCalls).allSatisfy(call -> assertThat(call).contains("start").contains("-1"));
        assertThat(dealCalls.get(0)).startsWith("crm.deal.list.json").contains("\">ID\":\"0\"");
        assertThat(dealCalls.get(1)).startsWith("batch.json").contains("c1").contains("%24result%5Bc0%5D%5B49%5D%5BID%5D");
        assertThat(dealCalls.get(2)).startsWith("batch.json").contains("c3");
    }

    @Test
    void aPortalWhoseWebhookMayNotListCustomFieldsKeepsTheirRawValuesWithAWarning() {
        fake.seedDeals(2);
        fake.portal.userFieldsAllowed = false;

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        assertThat(full.deal("2").orElseThrow().dimensions()).containsEntry("region", "3157");
        assertThat(full.warnings()).singleElement().satisfies(w -> assertThat(w.reason()).contains("crm.deal.userfield.list"));
    }

    @Test
    void anIncrementalReadThatCrossesTheHourListsIdsWithTheLightSelect() {
        fake.seedDeals(4);
        Connector connector = connector(Map.of("reconcile-every", "PT1H"));
        Instant longAgo = Instant.now().minus(Duration.ofHours(3));
        String cursor = new WindowCursor(longAgo, longAgo.plusSeconds(1), null, true).format();
        fake.deleteOneDeal();

        RecordingPageConsumer next = read(connector, SyncMode.INCREMENTAL, cursor);

        assertThat(next.listing(RecordKind.DEAL)).hasValueSatisfying(l -> assertThat(l.ids()).containsOnly("1", "2", "3"));
        assertThat(next.listing(RecordKind.ACTIVITY)).hasValueSatisfying(l -> assertThat(l.ids()).hasSize(4));
        assertThat(bodies(Bitrix24Client.DEAL_LIST)).anySatisfy(body -> assertThat(body).contains("\"select\":[\"ID\"]"));
    }

    // --- re-reads ---

    @Test
    void aRereadReturnsTheDealsAndActivitiesThatExistAndTheRestAsDeletions() {
        fake.seedDeals(3);
        String deleted = fake.deleteOneDeal();

        SyncPage page = connector().reread(List.of(new RecordRef(RecordKind.DEAL, "1"), new RecordRef(RecordKind.DEAL, deleted),
                new RecordRef(RecordKind.ACTIVITY, "2"), new RecordRef(RecordKind.ACTIVITY, "999")));

        assertThat(page.deals()).extracting(Deal::id).containsExactly("1");
        assertThat(page.activities()).extracting(a -> a.id()).containsExactly("2");
        assertThat(page.deletions()).containsExactlyInAnyOrder(new RecordRef(RecordKind.DEAL, deleted),
                new RecordRef(RecordKind.ACTIVITY, "999"));
        assertThat(page.transitions()).extracting(t -> t.deal()).containsOnly("1");
        assertThat(page.cursor()).isNull();
    }

    // --- discover ---

    @Test
    void discoveryHasThePortalsCatalogRatesAndDealFields() {
        Discovery discovery = connector().discover();

        assertThat(discovery.pipelines()).extracting(p -> p.id() + " " + p.name()).contains("0 General", "1 Enterprise");
        assertThat(discovery.currencies().baseCurrency()).isEqualTo("RUB");
        assertThat(discovery.currencies().rates().get("KZT")).isEqualByComparingTo("0.18");
        assertThat(discovery.dealFields()).contains(new Discovery.Field("UF_CRM_REGION", "Region"));
        assertThat(discovery.users()).hasSize(3);
    }

    // --- writes ---

    @Test
    void aTaskWhoseAnswerWasLostIsFoundByItsMarkerOnTheRetryAndNotMadeTwice() {
        fake.seedDeals(2);
        fake.loseNextAnswer(Bitrix24Client.TASKS_TASK_ADD);
        CrmWrite.Task task = new CrmWrite.Task("rule-7:deal-2:2026-11", "2", "2", "Call the customer", "About the offer",
                Instant.parse("2026-12-01T09:00:00Z"));

        String id = connector().write(task);

        assertThat(fake.portal.tasks).hasSize(1);
        assertThat(fake.portal.tasks.firstEntry().getValue().text("id")).isEqualTo(id);
        assertThat(fake.portal.tasks.firstEntry().getValue().text("description"))
                .isEqualTo("About the offer\n\nplanpilot:rule-7:deal-2:2026-11");
        assertThat(fake.portal.tasks.firstEntry().getValue().text("deadline")).isEqualTo("2026-12-01T12:00:00+03:00");
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn(fake.portal.tasks.firstEntry().getValue().text("description")))
                .contains("rule-7:deal-2:2026-11");
    }

    @Test
    void withAnApplicationsClientIdANotificationCarriesATagSoThatARepeatReplacesIt() {
        CrmWrite.Notification notification = new CrmWrite.Notification("plan-behind:2026-11", "1", "The plan is behind");

        String first = connector(Map.of("app-client-id", "local.5f2a")).write(notification);
        String second = connector(Map.of("app-client-id", "local.5f2a")).write(notification);

        assertThat(second).as("another connection does not remember the key: Bitrix24's TAG replaces").isNotEqualTo(first);
        assertThat(fake.portal.notifications).hasSize(1);
        assertThat(bodies(Bitrix24Client.IM_NOTIFY_SYSTEM_ADD)).allSatisfy(body -> assertThat(body)
                .contains("\"TAG\":\"PLANPILOT|").contains("\"CLIENT_ID\":\"local.5f2a\""));
    }

    @Test
    void aCommentsMarkerIsFoundAmongManyComments() {
        fake.seedDeals(1);
        Connector connector = connector();
        for (int i = 0; i < 60; i++) {
            connector.write(new CrmWrite.Comment("c-" + i, "1", "Comment " + i));
        }

        String again = connector().write(new CrmWrite.Comment("c-3", "1", "Comment 3"));

        assertThat(fake.portal.comments).hasSize(60);
        assertThat(Bitrix24Portal.where(fake.portal.comments.values(), c -> c.text("ID").equals(again)))
                .singleElement().satisfies(c -> assertThat(c.text("COMMENT")).endsWith("planpilot:c-3"));
    }

    /** WireMock lists the newest request first. */
    private static List<ServeEvent> newestLast(List<ServeEvent> events) {
        List<ServeEvent> ordered = new java.util.ArrayList<>(events);
        java.util.Collections.reverse(ordered);
        return ordered;
    }

    private List<String> bodies(String method) {
        return server.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getUrl().endsWith("/" + method + ".json") || (r.getUrl().endsWith("/batch.json")
                        && r.getBodyAsString().contains(method)))
                .map(r -> r.getBodyAsString()).toList();
    }
}
