package io.planpilot.connector.amocrm;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SettingProblem;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.UnsupportedCapabilityException;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WriteRouting;
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
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the amoCRM connector does beyond the kit: the mapping, amoCRM's signals, its webhooks and writes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AmoCrmConnectorTest {

    private final AmoCrmFakeCrm fake = new AmoCrmFakeCrm();
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

    private ConnectionSettings settings(Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(Map.of("base-url", server.baseUrl(), "access-token", AmoCrmAccount.TOKEN,
                "webhook-secret", AmoCrmAccount.WEBHOOK_SECRET, "retry.initial-backoff", "PT0.01S", "retry.max-backoff", "PT0.05S",
                "rate-limit.requests", "50", "rate-limit.per", "PT1S", "sync.safety-delay", "0"));
        options.putAll(extra);
        options.values().removeIf(value -> value == null || value.isEmpty());
        return new ConnectionSettings("amo", "amocrm", AmoCrmConnectorContractTest.ZONE, "RUB",
                Map.of("region", "Регион"), options);
    }

    private AmoCrmConnector connector(Map<String, String> extra) {
        return connector(extra, Clock.systemUTC());
    }

    private AmoCrmConnector connector(Map<String, String> extra, Clock clock) {
        ConnectionSettings settings = settings(extra);
        return new AmoCrmConnector(settings, AmoCrmConnectorProperties.of(settings), clock);
    }

    // --- deal links ---

    @Test
    void aLeadOpensOnItsCardInTheAccount() {
        AmoCrmConnector account = connector(Map.of("base-url", "https://acme.amocrm.ru"));

        assertThat(account.dealUrl("31337")).contains("https://acme.amocrm.ru/leads/detail/31337");
        assertThat(account.dealUrl("x/1")).isEmpty();
    }

    // --- options ---

    @Test
    void badOptionsAreRejectedNamingTheKey() {
        List<SettingProblem> problems = new AmoCrmConnectorFactory().validate(new ConnectionSettings("amo", "amocrm",
                ZoneOffset.UTC, "RUB", Map.of(), Map.of("base-url", "http://acme.amocrm.ru", "webhook-secret", "short",
                "account-id", "acme", "subdomain", "acme")));

        assertThat(problems).extracting(SettingProblem::key)
                .containsExactly("access-token", "account-id", "base-url", "subdomain", "webhook-secret");
        assertThat(problems.get(2).problem()).contains("https");
        assertThat(problems.get(3).problem()).contains("unknown option");
    }

    @Test
    void onlyAnAccountsAddressIsABaseUrl() {
        assertThat(AmoCrmConnectorProperties.baseUrlProblem("https://acme.amocrm.ru")).isEmpty();
        assertThat(AmoCrmConnectorProperties.baseUrlProblem("https://acme.kommo.com/")).isEmpty();
        assertThat(AmoCrmConnectorProperties.baseUrlProblem("https://example.com")).get().asString().contains("{subdomain}");
        assertThat(AmoCrmConnectorProperties.baseUrlProblem("https://acme.amocrm.ru/api/v4")).get().asString().contains("without a path");
        assertThat(AmoCrmConnectorProperties.subdomainOf("acme.kommo.com")).contains("acme");
    }

    @Test
    void theDefaultLimitStaysUnderAmoCrmsSevenRequestsASecond() {
        AmoCrmConnectorProperties properties = AmoCrmConnectorProperties.of(new ConnectionSettings("amo", "amocrm",
                ZoneOffset.UTC, "RUB", Map.of(), Map.of("base-url", "https://acme.amocrm.ru", "access-token", "t")));

        assertThat(properties.policy().rateLimit().requests()).isLessThan(7);
        assertThat(properties.policy().rateLimit().per()).hasSeconds(1);
        assertThat(properties.policy().rateLimit().burst()).isEqualTo(1);
        assertThat(properties.toString()).doesNotContain("t]").contains("accessToken=***");
    }

    // --- reads ---

    @Test
    void aFullReadMapsLeadsStatusEventsTasksAndCallNotes() {
        fake.seedDeals(6);

        RecordingPageConsumer read = new RecordingPageConsumer();
        connector(Map.of()).read(SyncMode.FULL, null, read);

        AmoCrmAccount.Lead won = fake.account.leads.get(3L);
        Deal deal = read.deal("3").orElseThrow();
        assertThat(deal.status()).isEqualTo(DealStatus.WON);
        assertThat(deal.stage()).isEqualTo("142");
        assertThat(deal.pipeline()).isEqualTo(String.valueOf(AmoCrmAccount.ENTERPRISE));
        assertThat(deal.closedAt()).isEqualTo(Instant.ofEpochSecond(won.closedAt));
        assertThat(deal.createdAt()).isEqualTo(Instant.ofEpochSecond(won.createdAt));
        assertThat(deal.amount()).isEqualByComparingTo(new BigDecimal("1003"));
        assertThat(deal.currency()).isEqualTo("RUB");
        assertThat(deal.owner()).isEqualTo("6002");
        assertThat(deal.dimensions()).containsEntry("region", "South");
        assertThat(deal.expectedClose()).isNull();
        assertThat(read.deal("2").orElseThrow().status()).isEqualTo(DealStatus.LOST);
        assertThat(read.deal("1").orElseThrow().closedAt()).isNull();
        assertThat(read.stages()).containsKeys(AmoCrmAccount.SALES + "/142", AmoCrmAccount.SALES + "/143",
                AmoCrmAccount.ENTERPRISE + "/142");
        assertThat(read.stages().get(AmoCrmAccount.SALES + "/143").semantic()).isEqualTo(DealStatus.LOST);
        assertThat(read.reps()).containsKeys("6001", "6002", "6003");
        assertThat(read.reps().get("6003").active()).isFalse();
        assertThat(read.transitions().values()).anySatisfy(t -> {
            assertThat(t.deal()).isEqualTo("3");
            assertThat(t.stage()).isEqualTo("142");
            assertThat(t.enteredAt()).isEqualTo(Instant.ofEpochSecond(won.closedAt));
        });
        assertThat(read.activities().values()).extracting(Activity::type).contains(ActivityType.CALL, ActivityType.MEETING,
                ActivityType.TASK);
        Activity call = read.activities().values().stream().filter(a -> a.id().startsWith("note:")).findFirst().orElseThrow();
        assertThat(call.type()).isEqualTo(ActivityType.CALL);
        assertThat(call.completedAt()).isEqualTo(call.createdAt());
        assertThat(read.listing(RecordKind.DEAL).orElseThrow().ids()).containsExactlyInAnyOrder("1", "2", "3", "4", "5", "6");
        assertThat(server.getAllServeEvents()).filteredOn(e -> e.getRequest().getUrl().startsWith("/api/v4/leads/notes?"))
                .allSatisfy(e -> assertThat(AmoCrmAccount.query(java.net.URI.create(e.getRequest().getUrl()).getRawQuery())
                        .get("filter[note_type][]")).containsExactly("call_in", "call_out"));
    }

    @Test
    void anEmptyAccountAnswers204AndTheReadEndsCleanly() {
        RecordingPageConsumer read = new RecordingPageConsumer();
        connector(Map.of()).read(SyncMode.FULL, null, read);

        assertThat(read.deals()).isEmpty();
        assertThat(read.listing(RecordKind.DEAL).orElseThrow().ids()).isEmpty();
        assertThat(read.cursor()).contains("\"complete\":true");
        server.verify(getRequestedFor(urlPathEqualTo("/api/v4/leads")));
        assertThat(server.getAllServeEvents()).anySatisfy(e -> {
            assertThat(e.getRequest().getUrl()).startsWith("/api/v4/leads?");
            assertThat(e.getResponse().getStatus()).isEqualTo(204);
        });
    }

    @Test
    void aBlockedIpIs403AndIsNotRetried() {
        fake.seedDeals(3);
        fake.failNextCalls(5, 403);

        assertThatThrownBy(() -> connector(Map.of()).read(SyncMode.FULL, null, new RecordingPageConsumer()))
                .isInstanceOf(CrmRejectedException.class)
                .hasMessageContaining("HTTP 403").hasMessageContaining("blocked this IP").hasMessageContaining("Not retried");
        server.verify(1, getRequestedFor(urlPathEqualTo("/api/v4/leads")));
    }

    @Test
    void aRereadOfALeadThatIsGoneIsADeletion() {
        fake.seedDeals(3);

        SyncPage page = connector(Map.of()).reread(List.of(new RecordRef(RecordKind.DEAL, "2"),
                new RecordRef(RecordKind.DEAL, "99")));

        assertThat(page.deals()).extracting(Deal::id).containsExactly("2");
        assertThat(page.deletions()).containsExactly(new RecordRef(RecordKind.DEAL, "99"));
        assertThat(server.getAllServeEvents()).filteredOn(e -> e.getRequest().getUrl().startsWith("/api/v4/leads?"))
                .singleElement().satisfies(e -> assertThat(AmoCrmAccount.query(java.net.URI.create(e.getRequest().getUrl())
                        .getRawQuery()).get("filter[id][]")).containsExactly("2", "99"));
    }

    @Test
    void discoverOffersTheLeadCustomFieldsForDimensions() {
        io.planpilot.core.connector.Discovery discovery = connector(Map.of()).discover();

        assertThat(discovery.dealFields()).containsExactly(new io.planpilot.core.connector.Discovery.Field(
                String.valueOf(AmoCrmAccount.REGION_FIELD), "Регион"));
        assertThat(discovery.pipelines()).extracting(io.planpilot.core.domain.Pipeline::name).containsExactly("Sales", "Enterprise");
        assertThat(discovery.users()).hasSize(3);
    }

    @Test
    void checkNamesATokenOfAnotherAccountAndARefusedToken() {
        assertThat(connector(Map.of("account-id", "123")).check().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(io.planpilot.core.connector.ConnectionCheck.Kind.WRONG_ACCOUNT);
            assertThat(p.message()).contains("account-id is 123").contains(String.valueOf(AmoCrmAccount.ACCOUNT_ID));
        });
        assertThat(connector(Map.of("access-token", "revoked")).check().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(io.planpilot.core.connector.ConnectionCheck.Kind.BAD_CREDENTIALS);
            assertThat(p.message()).contains("HTTP 401 Unauthorized: Invalid access token").contains("access-token");
        });
    }

    // --- webhooks ---

    @Test
    void aDeleteWebhookIsADeletionAndANewChangeANewEvent() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("leads[delete][0][id]", "41");
        fields.put("leads[delete][0][status_id]", "10002");
        fields.put("leads[delete][0][pipeline_id]", "7001");
        fields.put("leads[update][0][id]", "42");
        fields.put("leads[update][0][updated_at]", "1764230000");
        fields.put("contacts[update][0][id]", "77");
        fields.put("account[id]", String.valueOf(AmoCrmAccount.ACCOUNT_ID));
        fields.put("account[subdomain]", AmoCrmAccount.SUBDOMAIN);
        String url = "https://adapter.example/webhooks/amo/" + AmoCrmAccount.WEBHOOK_SECRET;

        List<WebhookEvent> events = connector(Map.of()).receive(AmoCrmFakeCrm.form(url, fields));

        assertThat(events).extracting(WebhookEvent::change, WebhookEvent::recordId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(WebhookEvent.Change.DELETED, "41"),
                        org.assertj.core.groups.Tuple.tuple(WebhookEvent.Change.CHANGED, "42"));
        assertThat(events.get(1).occurredAt()).isEqualTo(Instant.ofEpochSecond(1764230000));
        fields.put("leads[update][0][updated_at]", "1764230099");
        List<WebhookEvent> later = connector(Map.of()).receive(AmoCrmFakeCrm.form(url, fields));
        assertThat(later.get(0).eventId()).isEqualTo(events.get(0).eventId());
        assertThat(later.get(1).eventId()).isNotEqualTo(events.get(1).eventId());
    }

    @Test
    void aWebhookOfAnotherAccountIsRejected() {
        fake.seedDeals(1);

        assertThatThrownBy(() -> connector(Map.of()).receive(AmoCrmFakeCrm.statusWebhook("1", AmoCrmAccount.WEBHOOK_SECRET,
                String.valueOf(AmoCrmAccount.ACCOUNT_ID), "other"))).isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("'other'");
        assertThatThrownBy(() -> connector(Map.of("account-id", "123")).receive(AmoCrmFakeCrm.statusWebhook("1",
                AmoCrmAccount.WEBHOOK_SECRET, String.valueOf(AmoCrmAccount.ACCOUNT_ID), AmoCrmAccount.SUBDOMAIN)))
                .isInstanceOf(WebhookRejectedException.class).hasMessageContaining("not 123");
    }

    @Test
    void withoutAWebhookSecretEveryWebhookIsRejectedAndCheckSaysSo() {
        AmoCrmConnector connector = connector(Map.of("webhook-secret", ""));

        assertThatThrownBy(() -> connector.receive(fake.validWebhook())).isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("webhook-secret");
        assertThat(connector.check().problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("webhook-secret"));
    }

    // --- writes ---

    @Test
    void aTaskWithoutADeadlineIsDueAtTheEndOfTodayInTheConnectionsZone() {
        fake.seedDeals(1);
        Instant now = Instant.parse("2026-11-27T10:00:00Z");
        AmoCrmConnector connector = connector(Map.of(), Clock.fixed(now, ZoneOffset.UTC));

        connector.write(new CrmWrite.Task("k-1", "6001", "1", "Call back", null, null));

        long expected = LocalDate.of(2026, 11, 27).atTime(LocalTime.of(23, 59)).atZone(AmoCrmConnectorContractTest.ZONE)
                .toInstant().getEpochSecond();
        assertThat(fake.account.tasks.values()).filteredOn(t -> t.text.endsWith("planpilot:k-1"))
                .singleElement().satisfies(t -> assertThat(t.completeTill).isEqualTo(expected));
    }

    @Test
    void aTaskWhoseAnswerWasLostIsFoundByItsMarkerAndNotMadeTwice() {
        fake.seedDeals(1);
        fake.loseNextAnswer(AmoCrmClient.ADD_TASKS);
        CrmWrite.Task task = new CrmWrite.Task("k-lost", "6001", "1", "Send the offer", "Price list attached",
                Instant.parse("2026-12-01T09:00:00Z"));

        String id = connector(Map.of()).write(task);

        assertThat(fake.account.tasks.values()).filteredOn(t -> t.text.endsWith("planpilot:k-lost"))
                .singleElement().satisfies(t -> assertThat(String.valueOf(t.id)).isEqualTo(id));
        assertThat(io.planpilot.connector.support.WriteMarker.keyIn(fake.account.tasks.get(Long.parseLong(id)).text)).contains("k-lost");
    }

    @Test
    void amoCrmsValidationErrorsAreShown() {
        fake.seedDeals(1);

        assertThatThrownBy(() -> connector(Map.of()).write(new CrmWrite.Comment("k-2", "999", "No activity for 14 days")))
                .isInstanceOf(CrmRejectedException.class)
                .hasMessageContaining("HTTP 400").hasMessageContaining("Request validation failed")
                .hasMessageContaining("0.entity_id NotFound (Entity not found)");
    }

    @Test
    void aNotificationBecomesATaskForTheUser() {
        AmoCrmConnector connector = connector(Map.of());
        CrmWrite.Notification note = new CrmWrite.Notification("k-3", "6002", "The plan for November is behind by 12 %");

        assertThatThrownBy(() -> connector.write(note)).isInstanceOf(UnsupportedCapabilityException.class);
        CrmWrite routed = WriteRouting.fit(note, connector.capabilities(), Instant.parse("2026-11-27T10:00:00Z")).orElseThrow();
        String id = connector.write(routed);

        AmoCrmAccount.Task task = fake.account.tasks.get(Long.parseLong(id));
        assertThat(task.responsible).isEqualTo(6002);
        assertThat(task.leadId).isNull();
        assertThat(task.completeTill).isEqualTo(Instant.parse("2026-11-27T10:00:00Z").getEpochSecond());
        assertThat(task.text).startsWith("The plan for November is behind by 12 %").endsWith("planpilot:k-3");
    }
}
