package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bitrix24's outgoing webhooks: form-encoded, PHP-style keys, the application token. */
class Bitrix24WebhooksTest {

    private static final String TOKEN = Bitrix24Portal.APPLICATION_TOKEN;
    private final Bitrix24Webhooks webhooks = new Bitrix24Webhooks(TOKEN);

    private static WebhookRequest form(String body) {
        return new WebhookRequest("POST", "https://adapter.example/webhooks/b24",
                Map.of("content-type", List.of("application/x-www-form-urlencoded")), body.getBytes(StandardCharsets.UTF_8),
                Instant.parse("2025-01-09T07:00:00Z"));
    }

    /** As Bitrix24 posts it: brackets percent-encoded, as a browser's form would. */
    private static String body(String event, String id, String token) {
        return "event=" + event + "&event_handler_id=201&data%5BFIELDS%5D%5BID%5D=" + id + "&ts=1736405807"
                + "&auth%5Bdomain%5D=acme.bitrix24.com&auth%5Bclient_endpoint%5D=https%3A%2F%2Facme.bitrix24.com%2Frest%2F"
                + "&auth%5Bmember_id%5D=a223c6b3710f85df22e9377d6c4f7553&auth%5Bapplication_token%5D=" + token;
    }

    @Test
    void aDealUpdateNamesTheDealAndWhenItWasSent() {
        List<WebhookEvent> events = webhooks.receive(form(body("ONCRMDEALUPDATE", "759", TOKEN)));

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.kind()).isEqualTo(RecordKind.DEAL);
            assertThat(event.change()).isEqualTo(WebhookEvent.Change.CHANGED);
            assertThat(event.recordId()).isEqualTo("759");
            assertThat(event.occurredAt()).isEqualTo(Instant.ofEpochSecond(1736405807));
            assertThat(event.eventId()).startsWith("b24:");
        });
    }

    @Test
    void phpStyleKeysAreReadWhetherEncodedOrNot() {
        String raw = "event=ONCRMDEALADD&data[FIELDS][ID]=12&ts=1736405807&auth[application_token]=" + TOKEN;

        assertThat(Bitrix24Webhooks.fromForm(raw)).containsEntry("data[FIELDS][ID]", "12")
                .containsEntry("auth[application_token]", TOKEN);
        assertThat(webhooks.receive(form(raw))).singleElement().extracting(WebhookEvent::recordId).isEqualTo("12");
    }

    @ParameterizedTest
    @CsvSource({"ONCRMDEALADD,DEAL,CHANGED", "onCrmDealUpdate,DEAL,CHANGED", "OnCrmDealDelete,DEAL,DELETED",
            "onCrmActivityAdd,ACTIVITY,CHANGED", "ONCRMACTIVITYUPDATE,ACTIVITY,CHANGED", "onCrmActivityDelete,ACTIVITY,DELETED"})
    void eventNamesAreMatchedWhateverTheirCase(String event, RecordKind kind, WebhookEvent.Change change) {
        assertThat(webhooks.receive(form(body(event, "42", TOKEN)))).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(kind);
            assertThat(e.change()).isEqualTo(change);
        });
    }

    @Test
    void aRepeatHasTheSameEventIdAndAnotherEventAnother() {
        String first = webhooks.receive(form(body("ONCRMDEALUPDATE", "759", TOKEN))).get(0).eventId();

        assertThat(webhooks.receive(form(body("ONCRMDEALUPDATE", "759", TOKEN))).get(0).eventId()).isEqualTo(first);
        assertThat(webhooks.receive(form(body("onCrmDealUpdate", "759", TOKEN))).get(0).eventId()).as("the name's case")
                .isEqualTo(first);
        assertThat(webhooks.receive(form(body("ONCRMDEALUPDATE", "760", TOKEN))).get(0).eventId()).isNotEqualTo(first);
        assertThat(webhooks.receive(form(body("ONCRMDEALDELETE", "759", TOKEN))).get(0).eventId()).isNotEqualTo(first);
    }

    @Test
    void aForgedTokenIsRefusedWithoutShowingEitherToken() {
        assertThatThrownBy(() -> webhooks.receive(form(body("ONCRMDEALUPDATE", "759", "forged0000000000"))))
                .isInstanceOf(WebhookRejectedException.class)
                .hasMessageContaining("auth[application_token] does not match")
                .hasMessageNotContaining(TOKEN).hasMessageNotContaining("forged0000000000");
    }

    @Test
    void aCallWithoutTokenOrWithoutAConfiguredTokenIsRefused() {
        assertThatThrownBy(() -> webhooks.receive(form("event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=1&ts=1")))
                .isInstanceOf(WebhookRejectedException.class).hasMessageContaining("no auth[application_token]");
        assertThatThrownBy(() -> new Bitrix24Webhooks(null).receive(form(body("ONCRMDEALUPDATE", "1", TOKEN))))
                .isInstanceOf(WebhookRejectedException.class).hasMessageContaining("application-token");
    }

    @Test
    void severalOutgoingWebhooksMayEachHaveTheirToken() {
        Bitrix24Webhooks several = new Bitrix24Webhooks("first0token, " + TOKEN);

        assertThat(several.receive(form(body("ONCRMDEALUPDATE", "759", TOKEN)))).hasSize(1);
        assertThat(several.receive(form(body("ONCRMDEALUPDATE", "759", "first0token")))).hasSize(1);
        assertThatThrownBy(() -> several.receive(form(body("ONCRMDEALUPDATE", "759", "third0token"))))
                .isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void anOldTimestampIsNotRefused() {
        String old = body("ONCRMDEALUPDATE", "759", TOKEN).replace("ts=1736405807", "ts=1466439714");

        assertThat(webhooks.receive(form(old))).singleElement().extracting(WebhookEvent::occurredAt)
                .isEqualTo(Instant.ofEpochSecond(1466439714));
    }

    @Test
    void theJsonShapeOfTheDocumentationIsTakenToo() {
        String json = """
                {"event":"ONCRMDEALDELETE","event_handler_id":"647","data":{"FIELDS":{"ID":"1765"}},"ts":"1736405294",
                 "auth":{"domain":"some-domain.bitrix24.com","member_id":"a223c6b3710f85df22e9377d6c4f7553",
                 "application_token":"%s"}}
                """.formatted(TOKEN);
        WebhookRequest request = new WebhookRequest("POST", "https://adapter.example/webhooks/b24",
                Map.of("content-type", List.of("application/json")), json.getBytes(StandardCharsets.UTF_8), Instant.now());

        assertThat(webhooks.receive(request)).singleElement().satisfies(event -> {
            assertThat(event.change()).isEqualTo(WebhookEvent.Change.DELETED);
            assertThat(event.recordId()).isEqualTo("1765");
        });
    }

    @Test
    void aBodyTooBrokenToFindTheTokenInIsRefused() {
        assertThatThrownBy(() -> webhooks.receive(form("event=ONCRMDEALADD&auth%5Bapplication_token%5D=%ZZ")))
                .isInstanceOf(WebhookRejectedException.class);
        WebhookRequest broken = new WebhookRequest("POST", "https://adapter.example/webhooks/b24",
                Map.of("content-type", List.of("application/json")), "{\"event\":".getBytes(StandardCharsets.UTF_8), Instant.now());
        assertThatThrownBy(() -> webhooks.receive(broken)).isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void otherEventsAreAcknowledgedAndIgnoredAndAMissingIdIsNamed() {
        assertThat(webhooks.receive(form(body("ONCRMLEADADD", "5", TOKEN)))).isEmpty();
        assertThatThrownBy(() -> webhooks.receive(form("event=ONCRMDEALADD&ts=1&auth%5Bapplication_token%5D=" + TOKEN)))
                .isInstanceOf(CrmResponseException.class).hasMessageContaining("data[FIELDS][ID]");
    }
}
