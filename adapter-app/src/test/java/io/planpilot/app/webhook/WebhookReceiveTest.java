package io.planpilot.app.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code POST /webhooks/{connectionId}}: verified, stored before the 200, repeats acknowledged once, bad input a clear 4xx. */
class WebhookReceiveTest extends WebhookIntegrationTest {

    private static final int MiB = 1024 * 1024;

    @org.springframework.boot.test.web.server.LocalServerPort
    private int port;

    @Test
    void callbacksStoredInOneStatementKeepEachItsRawRequestAndAnEventTwiceAmongThemIsStoredOnce() {
        String first = unique("event");
        String second = unique("event");
        java.util.function.BiFunction<String, List<String>, WebhookInbox.Callback> callback = (body, eventIds) ->
                new WebhookInbox.Callback(HOOKED, new io.planpilot.core.connector.WebhookRequest("POST",
                        "http://localhost/webhooks/hooked", Map.of("x-body", List.of(body)), body.getBytes(StandardCharsets.UTF_8),
                        java.time.Instant.parse("2026-11-27T10:00:00.123456Z")),
                        eventIds.stream().map(id -> new io.planpilot.core.connector.WebhookEvent(id,
                                io.planpilot.core.connector.WebhookEvent.Change.DELETED, io.planpilot.core.connector.RecordKind.DEAL,
                                unique("gone"), null)).toList());

        List<WebhookInbox.Accepted> stored = inbox.accept(List.of(
                callback.apply("one \u00e9", List.of(first)),
                callback.apply("two", List.of(first, second)),
                callback.apply("three", List.of(second)))).block();

        assertThat(stored).extracting(WebhookInbox.Accepted::events).containsExactly(1, 2, 1);
        assertThat(stored).extracting(WebhookInbox.Accepted::inserted).containsExactly(1L, 1L, 0L);
        assertThat(stored).extracting(WebhookInbox.Accepted::requestId).doesNotHaveDuplicates();
        assertThat(entry(first).get("request_id")).isEqualTo(stored.get(0).requestId());
        assertThat(entry(second).get("request_id")).isEqualTo(stored.get(1).requestId());
        for (int i = 0; i < 3; i++) {
            String body = List.of("one \u00e9", "two", "three").get(i);
            Map<String, Object> request = db.sql("select convert_from(body, 'UTF8') as body, headers ->> 'x-body' as header, "
                            + "received_at from webhook_request where id = :id").bind("id", stored.get(i).requestId())
                    .fetch().one().block();
            assertThat(request.get("body")).isEqualTo(body);
            assertThat(request.get("header")).isEqualTo("[\"" + body + "\"]");
            assertThat(request.get("received_at").toString()).contains("10:00:00.123456");
        }
    }

    @Test
    void manyCallbacksAtOnceAreEachStoredBeforeTheirAnswer() {
        List<String> eventIds = java.util.stream.IntStream.range(0, 40).mapToObj(i -> unique("event")).toList();

        List<Map<String, Object>> answers = Flux.fromIterable(eventIds)
                .flatMap(event -> web.post().uri("/webhooks/{id}", HOOKED).contentType(MediaType.APPLICATION_JSON)
                        .header(HookedConnector.TOKEN_HEADER, HOOK_TOKEN)
                        .bodyValue(events(event + "=" + unique("deal")))
                        .exchange().returnResult(JSON_MAP).getResponseBody()
                        .next()
                        .publishOn(reactor.core.scheduler.Schedulers.boundedElastic())
                        .map(answer -> {
                            // the answer comes after the commit: the entry is there when the sender hears of it
                            assertThat(entry(event)).as("entry of %s", event).isNotNull();
                            return answer;
                        }), 40)
                .collectList().block();

        assertThat(answers).hasSize(40).allSatisfy(answer -> assertThat(answer).containsEntry("stored", 1));
        assertThat(count("select count(*) from webhook_inbox where event_id in ('" + String.join("','", eventIds) + "')"))
                .isEqualTo(40);
    }

    @Test
    void aCallbackTheDatabaseCannotStoreIs503WithRetryAfterAndItsNeighboursAreStored() {
        // the database refuses calls to one URL, as a database that cannot take writes would refuse all
        db.sql("alter table webhook_request add constraint test_refuses check (position('db-refuses' in url) = 0) not valid")
                .fetch().rowsUpdated().block();
        try {
            double unstored = counted("planpilot.webhooks.unstored", "connection", HOOKED);
            String refused = unique("event");
            String stored = unique("event");
            // sent together, so that they may share a statement: only the refused one fails
            Map<String, Integer> statuses = Flux.just("/webhooks/hooked/db-refuses", "/webhooks/hooked")
                    .flatMap(path -> reactor.core.publisher.Mono.fromCallable(() -> Map.entry(path, web.post().uri(path)
                                    .contentType(MediaType.APPLICATION_JSON).header(HookedConnector.TOKEN_HEADER, HOOK_TOKEN)
                                    .bodyValue(events((path.endsWith("refuses") ? refused : stored) + "=" + unique("deal")))
                                    .exchange().returnResult(String.class).getStatus().value()))
                            .subscribeOn(reactor.core.scheduler.Schedulers.boundedElastic()))
                    .collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
            assertThat(statuses).containsEntry("/webhooks/hooked/db-refuses", 503).containsEntry("/webhooks/hooked", 200);

            Map<String, Object> problem = web.post().uri("/webhooks/hooked/db-refuses").contentType(MediaType.APPLICATION_JSON)
                    .header(HookedConnector.TOKEN_HEADER, HOOK_TOKEN).bodyValue(events(refused + "=" + unique("deal")))
                    .exchange().expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals(HttpHeaders.RETRY_AFTER, "5")
                    .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody(JSON_MAP).returnResult().getResponseBody();

            assertThat(problem.get("detail").toString()).contains("cannot store the callback now");
            assertThat(entry(refused)).isNull();
            assertThat(entry(stored)).isNotNull();
            assertThat(counted("planpilot.webhooks.unstored", "connection", HOOKED)).isEqualTo(unstored + 2);
        } finally {
            db.sql("alter table webhook_request drop constraint test_refuses").fetch().rowsUpdated().block();
        }
        // once the database takes writes again, the CRM's retry is stored
        String later = unique("event");
        hook(HOOKED, HOOK_TOKEN, events(later + "=" + unique("deal")).getBytes(StandardCharsets.UTF_8)).expectStatus().isOk();
        assertThat(entry(later)).isNotNull();
    }

    @Test
    void aCallbackGoesThroughItsOwnSecurityChainWithoutThePagesHeadersOrTheAdminsBearerCheck() {
        String event = unique("event");

        web.post().uri("/webhooks/{id}", HOOKED).contentType(MediaType.APPLICATION_JSON)
                .header(HookedConnector.TOKEN_HEADER, HOOK_TOKEN)
                .header(HttpHeaders.AUTHORIZATION, "Bearer not-the-admin-token") // a CRM's own header, not the admin's
                .bodyValue(events(event + "=" + unique("deal")))
                .exchange().expectStatus().isOk()
                .expectHeader().doesNotExist("Content-Security-Policy")
                .expectHeader().doesNotExist(HttpHeaders.SET_COOKIE);

        assertThat(entry(event)).isNotNull();
        get("/api/v1/webhooks/inbox").exchange().expectStatus().isOk(); // and the admin was not throttled for it
    }

    @Test
    void aValidEventIsStoredThenProcessedIntoTheStoreAndTheKpisAndARepeatIsAcknowledgedButNotProcessedAgain() {
        String deal = unique("deal");
        String event = unique("event");
        CRM.holdOpenDeal(deal, new BigDecimal("1234.50"));
        long openBefore = openCount();

        Map<String, Object> answer = hook(events(event + "=" + deal)).expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(answer).containsEntry("events", 1).containsEntry("stored", 1);
        // stored before the answer: the entry and its raw request are there now
        Map<String, Object> stored = entry(event);
        assertThat(stored).isNotNull();
        assertThat(stored.get("record_id")).isEqualTo(deal);
        assertThat(count("select count(*) from webhook_request where id = " + stored.get("request_id")
                + " and status = 'ACCEPTED' and position('" + deal + "' in convert_from(body, 'UTF8')) > 0"
                + " and headers ->> 'x-hook-token' is not null")).isEqualTo(1);

        Map<String, Object> processed = awaitStatus(event, "PROCESSED");
        assertThat(processed.get("attempts")).isEqualTo(1);
        assertThat(processed.get("processed_at")).isNotNull();
        assertThat(count("select count(*) from deal where connection = 'hooked' and id = '" + deal
                + "' and amount = 1234.50 and not deleted")).isEqualTo(1);
        assertThat(openCount()).isEqualTo(openBefore + 1);
        assertThat(CRM.rereadsOf(deal)).isEqualTo(1);

        Map<String, Object> again = hook(events(event + "=" + deal)).expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(again).containsEntry("events", 1).containsEntry("stored", 0);
        // a later event goes through the queue after the repeat would have: by then nothing else happened
        String marker = unique("marker");
        CRM.holdOpenDeal(marker, BigDecimal.ONE);
        hook(events(unique("event") + "=" + marker)).expectStatus().isOk();
        awaitThat(() -> CRM.rereadsOf(marker) == 1, "the marker re-read");
        assertThat(CRM.rereadsOf(deal)).isEqualTo(1);
        assertThat(count("select count(*) from webhook_inbox where connection = 'hooked' and event_id = '" + event + "'")).isEqualTo(1);
        assertThat(counted("planpilot.webhooks.repeated", "connection", HOOKED)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aCallbackToAPathBelowTheConnectionReachesItsConnectorWithTheUrlAsCalled() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.ONE);
        String event = unique("event");

        web.post().uri("/webhooks/hooked/s3cret?portal=x").header(HookedConnector.TOKEN_HEADER, HOOK_TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue(events(event + "=" + deal))
                .exchange().expectStatus().isOk();

        assertThat(CRM.lastUrl).startsWith("http://localhost:").endsWith("/webhooks/hooked/s3cret?portal=x");
        awaitStatus(event, "PROCESSED");
    }

    @Test
    void theInboxApiListsEntriesWithTheirFieldsNewestFirst() {
        String first = unique("event");
        String second = unique("event");
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.TEN);
        hook(events(first + "=" + deal, second + "=" + deal)).expectStatus().isOk();
        awaitStatus(second, "PROCESSED");

        var rows = inboxRows("?status=processed&connection=hooked");

        assertThat(rows).extracting(r -> r.get("eventId")).containsSubsequence(second, first);
        assertThat(rows).allSatisfy(row -> assertThat(row).containsEntry("status", "PROCESSED").containsEntry("connection", HOOKED));
        Map<String, Object> row = rows.stream().filter(r -> second.equals(r.get("eventId"))).findFirst().orElseThrow();
        assertThat(row).containsKeys("id", "connection", "eventId", "change", "kind", "recordId", "status", "attempts",
                "receivedAt", "processedAt", "lastError");
        assertThat(row).containsEntry("change", "CHANGED").containsEntry("kind", "DEAL").containsEntry("recordId", deal)
                .containsEntry("attempts", 1).containsEntry("lastError", null);
        assertThat(row.get("receivedAt").toString()).endsWith("Z");
        get("/api/v1/webhooks/inbox?status=SOMETIMES").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.parameter").isEqualTo("status");
        web.get().uri("/api/v1/webhooks/inbox").exchange().expectStatus().isUnauthorized();
    }

    @Test
    void aWrongOrMissingTokenIs401CountedAndNothingIsStored() {
        long requests = count("select count(*) from webhook_request");
        double rejected = counted("planpilot.webhooks.rejected", "connection", HOOKED);
        String event = unique("event");

        hook(HOOKED, "not-the-token", events(event + "=d1").getBytes(StandardCharsets.UTF_8))
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("the callback's signature or token is wrong, missing or stale");
        hook(HOOKED, null, events(event + "=d1").getBytes(StandardCharsets.UTF_8)).expectStatus().isUnauthorized();

        assertThat(count("select count(*) from webhook_request")).isEqualTo(requests);
        assertThat(entry(event)).isNull();
        assertThat(counted("planpilot.webhooks.rejected", "connection", HOOKED)).isEqualTo(rejected + 2);
        assertThat(counted("planpilot.webhooks.rejected", "connection", HOOKED, "reason", "X-Hook-Token is wrong")).isGreaterThanOrEqualTo(1);
        assertThat(counted("planpilot.webhooks.rejected", "connection", HOOKED, "reason", "X-Hook-Token is missing")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anUnknownConnectionIs404AndAConnectionWithoutWebhooksIs404SayingSo() {
        hook("nope", HOOK_TOKEN, events("e=d").getBytes(StandardCharsets.UTF_8)).expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").isEqualTo("unknown connection 'nope'");
        hook("small", HOOK_TOKEN, events("e=d").getBytes(StandardCharsets.UTF_8)).expectStatus().isNotFound()
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("'small'").contains("takes no webhooks"));
    }

    @Test
    void aBodyOverTheCapIs413WhetherItsLengthIsAnnouncedOrNot() {
        long requests = count("select count(*) from webhook_request");
        byte[] large = new byte[MiB + 1];
        Arrays.fill(large, (byte) ' ');

        hook(HOOKED, HOOK_TOKEN, large).expectStatus().isEqualTo(413)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("adapter.webhooks.max-body-size"));
        // chunked: no Content-Length, the cap applies while reading
        Flux<DataBuffer> chunks = Flux.range(0, 17).map(i -> DefaultDataBufferFactory.sharedInstance.wrap(new byte[64 * 1024]));
        web.post().uri("/webhooks/hooked").header(HookedConnector.TOKEN_HEADER, HOOK_TOKEN)
                .contentType(MediaType.APPLICATION_JSON).body(chunks, DataBuffer.class)
                .exchange().expectStatus().isEqualTo(413);
        // exactly at the cap is read (and then found not to be JSON)
        byte[] atCap = new byte[MiB];
        Arrays.fill(atCap, (byte) ' ');
        hook(HOOKED, HOOK_TOKEN, atCap).expectStatus().isBadRequest();

        assertThat(count("select count(*) from webhook_request")).isEqualTo(requests + 1);
    }

    @Test
    void aBodyAnnouncedFarOverTheCapIsRefusedAtOnceAndTheConnectionClosed() throws java.io.IOException {
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /webhooks/hooked HTTP/1.1\r\nHost: localhost\r\n"
                    + HookedConnector.TOKEN_HEADER + ": " + HOOK_TOKEN + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 104857600\r\n\r\n{\"events\":[").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close")
                    .contains("adapter.webhooks.max-body-size");
        }
    }

    @Test
    void malformedJsonFromAVerifiedSenderIs400AndTheRawRequestIsKeptAsMalformed() {
        String body = "{\"events\":[{\"id\":\"x1\",\"deal\":";

        Map<String, Object> problem = hook(body).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(problem.get("detail").toString()).startsWith("the callback cannot be read: the body is not JSON");
        long entryId = ((Number) problem.get("inboxEntry")).longValue();
        Map<String, Object> kept = db.sql("""
                        select i.status, i.last_error, i.event_id, r.body, r.status as request_status, r.headers ->> 'x-hook-token' as token
                        from webhook_inbox i join webhook_request r on r.id = i.request_id where i.id = :id""")
                .bind("id", entryId).fetch().one().block();
        assertThat(kept).containsEntry("status", "MALFORMED").containsEntry("request_status", "MALFORMED")
                .containsEntry("event_id", null);
        assertThat(kept.get("last_error").toString()).isEqualTo(problem.get("detail"));
        assertThat(new String(bytes(kept.get("body")), StandardCharsets.UTF_8)).isEqualTo(body);
        assertThat(inboxRows("?status=MALFORMED")).anySatisfy(row -> assertThat(row)
                .containsEntry("id", (int) entryId).containsEntry("eventId", null).containsEntry("lastError", problem.get("detail")));
        web.post().uri("/api/v1/webhooks/inbox/{id}/retry", entryId).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .exchange().expectStatus().isEqualTo(409);
    }

    static Stream<Arguments> brokenBodies() {
        byte[] invalidUtf8 = "{\"events\":[{\"id\":\"e\",\"deal\":\"".getBytes(StandardCharsets.UTF_8);
        invalidUtf8 = concat(invalidUtf8, new byte[]{(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE},
                "\"}]}".getBytes(StandardCharsets.UTF_8));
        return Stream.of(
                Arguments.of("truncated JSON", "{\"events\":[{\"id\":\"e1\",\"de".getBytes(StandardCharsets.UTF_8), "not JSON"),
                Arguments.of("nested 10,000 deep", "[".repeat(10_000).getBytes(StandardCharsets.UTF_8), "not JSON"),
                Arguments.of("objects nested 10,000 deep", "{\"a\":".repeat(10_000).getBytes(StandardCharsets.UTF_8), "not JSON"),
                Arguments.of("invalid UTF-8", invalidUtf8, "not JSON"),
                Arguments.of("empty body", new byte[0], "body"),
                Arguments.of("not an object", "42".getBytes(StandardCharsets.UTF_8), "JSON object"),
                Arguments.of("events not an array", "{\"events\":{}}".getBytes(StandardCharsets.UTF_8), "events: must be an array"),
                Arguments.of("an event without a deal", "{\"events\":[{\"id\":\"e1\"}]}".getBytes(StandardCharsets.UTF_8), "events[0].deal"),
                Arguments.of("a NUL in an id", "{\"events\":[{\"id\":\"e\\u0000\",\"deal\":\"d\"}]}".getBytes(StandardCharsets.UTF_8), "NUL"),
                Arguments.of("a lone surrogate in an id", "{\"events\":[{\"id\":\"e\\ud800\",\"deal\":\"d\"}]}".getBytes(StandardCharsets.UTF_8), "UTF-16"),
                Arguments.of("a time no database holds", "{\"events\":[{\"id\":\"e1\",\"deal\":\"d\",\"at\":31556889864403199}]}"
                        .getBytes(StandardCharsets.UTF_8), "occurred at +1000000000"),
                Arguments.of("binary noise", noise(), "not JSON"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBodies")
    void aBrokenBodyFromAVerifiedSenderIsAClear400AndKept(String name, byte[] body, String named) {
        Map<String, Object> problem = hook(HOOKED, HOOK_TOKEN, body).expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(problem.get("detail").toString()).as(name).startsWith("the callback cannot be read").contains(named);
        long entryId = ((Number) problem.get("inboxEntry")).longValue();
        assertThat(count("select count(*) from webhook_inbox i join webhook_request r on r.id = i.request_id where i.id = "
                + entryId + " and i.status = 'MALFORMED' and length(r.body) = " + body.length)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenBodies")
    void aBrokenBodyWithoutTheTokenIs401AndNotKept(String name, byte[] body, String named) {
        long requests = count("select count(*) from webhook_request");
        hook(HOOKED, "wrong", body).expectStatus().isUnauthorized();
        assertThat(count("select count(*) from webhook_request")).isEqualTo(requests);
    }

    @Test
    void afterEveryBrokenBodyTheAdapterIsStillHealthyAndTakesCallbacks() {
        brokenBodies().forEach(arguments -> hook(HOOKED, HOOK_TOKEN, (byte[]) arguments.get()[1]).expectStatus().is4xxClientError());

        web.get().uri("/actuator/health").exchange().expectStatus().isOk().expectBody().jsonPath("$.status").isEqualTo("UP");
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.ONE);
        String event = unique("event");
        hook(events(event + "=" + deal)).expectStatus().isOk();
        awaitStatus(event, "PROCESSED");
    }

    private long openCount() {
        Map<String, Object> summary = get("/api/v1/kpi/summary?connection=hooked").exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        return ((Number) summary.get("openCount")).longValue();
    }

    private static byte[] bytes(Object value) {
        if (value instanceof java.nio.ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        return (byte[]) value;
    }

    private static byte[] noise() {
        byte[] noise = new byte[4096];
        new java.util.Random(7).nextBytes(noise);
        return noise;
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
