package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HubSpot's v3 signature, its freshness, and the events of a call. */
class HubSpotWebhooksTest {

    private static final Instant NOW = Instant.parse("2025-12-01T10:00:00Z");
    private final HubSpotWebhooks webhooks = new HubSpotWebhooks(HubSpotPortal.CLIENT_SECRET, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theSignatureMatchesTheOfficialSdksPublishedTestVector() {
        // hubspot-api-python tests/spec/utils/test_signature.py, test_get_signature__v3
        String signature = HubSpotWebhooks.signature("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", "POST",
                "https://www.example.com/webhook_uri", "{'example_field':'example_value'}".getBytes(StandardCharsets.UTF_8),
                "15000000");

        assertThat(signature).isEqualTo("HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=");
    }

    @Test
    void theSdksTestVectorIsAcceptedWhenFreshAndRefusedFiveMinutesLater() {
        Instant sent = Instant.ofEpochMilli(15_000_000);
        WebhookRequest request = new WebhookRequest("POST", "https://www.example.com/webhook_uri",
                HubSpotWebhooks.signedHeaders("HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=", "15000000"),
                "{'example_field':'example_value'}".getBytes(StandardCharsets.UTF_8), sent);

        new HubSpotWebhooks("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy", Clock.fixed(sent.plusSeconds(299), ZoneOffset.UTC)).verify(request);
        assertThatThrownBy(() -> new HubSpotWebhooks("yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy",
                Clock.fixed(sent.plus(Duration.ofMinutes(5)).plusMillis(1), ZoneOffset.UTC)).verify(request))
                .isInstanceOf(WebhookRejectedException.class).hasMessageContaining("5 minutes");
    }

    @Test
    void anEncodedUriIsSignedAsHubSpotDecodesIt() {
        String body = HubSpotFakeCrm.events("42", "deal.creation");
        String timestamp = String.valueOf(NOW.toEpochMilli());
        String signed = HubSpotWebhooks.signature(HubSpotPortal.CLIENT_SECRET, "POST", "https://a.example/webhooks/hs?x=a:b",
                body.getBytes(StandardCharsets.UTF_8), timestamp);

        WebhookRequest request = new WebhookRequest("POST", "https://a.example/webhooks/hs?x=a%3Ab",
                HubSpotWebhooks.signedHeaders(signed, timestamp), body.getBytes(StandardCharsets.UTF_8), NOW);

        assertThat(webhooks.receive(request)).hasSize(1);
    }

    private WebhookRequest signed(String body, Instant sentAt) {
        String timestamp = String.valueOf(sentAt.toEpochMilli());
        return new WebhookRequest("POST", HubSpotFakeCrm.WEBHOOK_URL, HubSpotWebhooks.signedHeaders(HubSpotWebhooks.signature(
                HubSpotPortal.CLIENT_SECRET, "POST", HubSpotFakeCrm.WEBHOOK_URL, body.getBytes(StandardCharsets.UTF_8), timestamp),
                timestamp), body.getBytes(StandardCharsets.UTF_8), NOW);
    }

    @Test
    void aBatchOfEventsNamesEachDealWithHubSpotsEventId() {
        String body = "[{\"eventId\":100,\"subscriptionId\":25,\"portalId\":62515,\"appId\":1160452,\"occurredAt\":1764583200000,"
                + "\"subscriptionType\":\"deal.creation\",\"attemptNumber\":0,\"objectId\":501,\"changeSource\":\"CRM_UI\"},"
                + "{\"eventId\":101,\"subscriptionId\":26,\"portalId\":62515,\"appId\":1160452,\"occurredAt\":1764583201000,"
                + "\"subscriptionType\":\"deal.deletion\",\"attemptNumber\":0,\"objectId\":502,\"changeSource\":\"CRM_UI\"},"
                + "{\"eventId\":102,\"subscriptionId\":27,\"portalId\":62515,\"appId\":1160452,\"occurredAt\":1764583202000,"
                + "\"subscriptionType\":\"contact.creation\",\"attemptNumber\":0,\"objectId\":77,\"changeSource\":\"CRM_UI\"},"
                + "{\"eventId\":103,\"subscriptionId\":28,\"portalId\":62515,\"appId\":1160452,\"occurredAt\":1764583203000,"
                + "\"subscriptionType\":\"deal.merge\",\"attemptNumber\":0,\"objectId\":503,\"mergedObjectIds\":[503,504],"
                + "\"changeSource\":\"CRM_UI\"},"
                + "{\"eventId\":104,\"subscriptionId\":29,\"portalId\":62515,\"appId\":1160452,\"occurredAt\":1764583204000,"
                + "\"subscriptionType\":\"object.propertyChange\",\"objectTypeId\":\"0-3\",\"attemptNumber\":0,\"objectId\":505,"
                + "\"propertyName\":\"dealstage\",\"propertyValue\":\"closedwon\",\"changeSource\":\"CRM_UI\"}]";

        List<WebhookEvent> events = webhooks.receive(signed(body, NOW.minusSeconds(10)));

        assertThat(events).extracting(WebhookEvent::eventId, WebhookEvent::change, WebhookEvent::recordId).containsExactly(
                org.assertj.core.groups.Tuple.tuple("hs:100", WebhookEvent.Change.CHANGED, "501"),
                org.assertj.core.groups.Tuple.tuple("hs:101", WebhookEvent.Change.DELETED, "502"),
                org.assertj.core.groups.Tuple.tuple("hs:103", WebhookEvent.Change.CHANGED, "503"),
                org.assertj.core.groups.Tuple.tuple("hs:103:504", WebhookEvent.Change.DELETED, "504"),
                org.assertj.core.groups.Tuple.tuple("hs:104", WebhookEvent.Change.CHANGED, "505"));
        assertThat(events).allSatisfy(e -> assertThat(e.kind()).isEqualTo(RecordKind.DEAL));
        assertThat(events.get(0).occurredAt()).isEqualTo(Instant.ofEpochMilli(1764583200000L));
    }

    @Test
    void hubSpotsRetryOfAnEventIsAcceptedWithTheSameEventIdSoTheInboxSkipsIt() {
        String first = HubSpotFakeCrm.events("42", "deal.propertyChange");
        String retry = first.replace("\"attemptNumber\":0", "\"attemptNumber\":1");

        String id = webhooks.receive(signed(first, NOW.minusSeconds(60))).get(0).eventId();

        assertThat(webhooks.receive(signed(retry, NOW.minusSeconds(5)))).extracting(WebhookEvent::eventId).containsExactly(id);
    }

    @Test
    void aWrongMissingOrStaleSignatureIsRefused() {
        WebhookRequest good = signed(HubSpotFakeCrm.events("42", "deal.creation"), NOW);
        WebhookRequest tampered = new WebhookRequest("POST", good.url(), good.headers(),
                HubSpotFakeCrm.events("43", "deal.creation").getBytes(StandardCharsets.UTF_8), NOW);
        WebhookRequest otherUrl = new WebhookRequest("POST", "https://proxy.internal/webhooks/hs", good.headers(), good.body(), NOW);
        WebhookRequest unsigned = new WebhookRequest("POST", good.url(), java.util.Map.of(), good.body(), NOW);

        assertThatThrownBy(() -> webhooks.receive(tampered)).isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> webhooks.receive(otherUrl)).isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("public-base-url");
        assertThatThrownBy(() -> webhooks.receive(unsigned)).isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> webhooks.receive(signed(HubSpotFakeCrm.events("42", "deal.creation"), NOW.minus(Duration.ofMinutes(6)))))
                .isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> new HubSpotWebhooks(null, Clock.systemUTC()).receive(good))
                .isInstanceOf(WebhookRejectedException.class).hasMessageContaining("client-secret");
    }

    @Test
    void aVerifiedBodyThatIsNotJsonIsMalformedNotForged() {
        assertThatThrownBy(() -> webhooks.receive(signed("not json", NOW))).isInstanceOf(CrmResponseException.class);
    }
}
