package io.planpilot.app.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.planpilot.app.AdapterIntegrationTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** What the webhook tests share: posting callbacks to the {@code hooked} connection and watching the inbox. */
public abstract class WebhookIntegrationTest extends AdapterIntegrationTest {

    protected static final String HOOKED = "hooked";
    protected static final HookedCrm CRM = HookedCrm.of(HOOKED);
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @Autowired
    protected MeterRegistry meters;

    @Autowired
    protected WebhookInbox inbox;

    @Autowired
    protected InboxWorkers workers;

    /** An id no other test (nor an earlier run of this JVM) uses. */
    protected static String unique(String prefix) {
        return prefix + "-" + SEQUENCE.incrementAndGet() + "-" + Long.toString(System.nanoTime(), 36);
    }

    /** A callback body announcing each {@code eventId=dealId} pair as CHANGED. */
    protected static String events(String... eventAndDeal) {
        return java.util.Arrays.stream(eventAndDeal).map(pair -> pair.split("=", 2))
                .map(pair -> "{\"id\":\"" + pair[0] + "\",\"deal\":\"" + pair[1] + "\",\"change\":\"CHANGED\"}")
                .collect(Collectors.joining(",", "{\"events\":[", "]}"));
    }

    protected WebTestClient.ResponseSpec hook(String body) {
        return hook(HOOKED, HOOK_TOKEN, body.getBytes(StandardCharsets.UTF_8));
    }

    protected WebTestClient.ResponseSpec hook(String connection, String token, byte[] body) {
        WebTestClient.RequestBodySpec request = web.post().uri("/webhooks/{id}", connection).contentType(MediaType.APPLICATION_JSON);
        if (token != null) {
            request = request.header(HookedConnector.TOKEN_HEADER, token);
        }
        return request.bodyValue(body).exchange();
    }

    /** The inbox entry of an event of {@code hooked}, straight from the database; null when there is none. */
    protected Map<String, Object> entry(String eventId) {
        return db.sql("select * from webhook_inbox where connection = :c and event_id = :e")
                .bind("c", HOOKED).bind("e", eventId).fetch().one().block();
    }

    protected Map<String, Object> awaitEntry(String eventId, Predicate<Map<String, Object>> condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<String, Object> entry = entry(eventId);
            if (entry != null && condition.test(entry)) {
                return entry;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("event " + eventId + " not " + what + " after 30 s: " + entry);
            }
            pause(20);
        }
    }

    protected static void awaitThat(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " after 30 s");
            }
            pause(20);
        }
    }

    protected Map<String, Object> awaitStatus(String eventId, String status) {
        return awaitEntry(eventId, entry -> status.equals(entry.get("status")), status);
    }

    /** The rows of the inbox API for a query such as {@code ?status=DEAD}. */
    @SuppressWarnings("unchecked")
    protected List<Map<String, Object>> inboxRows(String query) {
        Map<String, Object> answer = get("/api/v1/webhooks/inbox" + query).exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        return (List<Map<String, Object>>) answer.get("rows");
    }

    protected double counted(String name, String... tags) {
        return meters.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
    }

    protected static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
