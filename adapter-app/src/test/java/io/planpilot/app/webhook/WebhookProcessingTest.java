package io.planpilot.app.webhook;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The inbox workers: coalescing, retries with backoff, the dead letter and its retry, exactly once across a restart. */
class WebhookProcessingTest extends WebhookIntegrationTest {

    @org.springframework.boot.test.web.server.LocalServerPort
    private int port;

    @Test
    void twentyEventsOfOneDealInOneCallbackAreOneReread() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.TEN);
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            pairs.add(unique("event") + "=" + deal);
        }

        hook(events(pairs.toArray(String[]::new))).expectStatus().isOk()
                .expectBody(JSON_MAP).value(answer -> assertThat(answer).containsEntry("stored", 20));

        for (String pair : pairs) {
            awaitStatus(pair.split("=")[0], "PROCESSED");
        }
        assertThat(CRM.rereadsOf(deal)).isEqualTo(1);
    }

    @Test
    void twentyCallbacksForOneDealWithinASecondAreOneReread() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.TEN);
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            eventIds.add(unique("event"));
        }
        WebClient client = WebClient.create("http://localhost:" + port);

        // twenty separate callbacks at once, as a CRM sends a burst of updates of one deal
        Flux.fromIterable(eventIds).flatMap(event -> client.post().uri("/webhooks/hooked")
                        .header(HookedConnector.TOKEN_HEADER, HOOK_TOKEN).contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(events(event + "=" + deal)).retrieve().toBodilessEntity(), 20)
                .collectList().block(Duration.ofSeconds(30));

        for (String event : eventIds) {
            awaitStatus(event, "PROCESSED");
        }
        assertThat(CRM.rereadsOf(deal)).isEqualTo(1);
    }

    @Test
    void aDeletedDealIsDeletedWithoutAskingTheCrm() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.TEN);
        String changed = unique("event");
        hook(events(changed + "=" + deal)).expectStatus().isOk();
        awaitStatus(changed, "PROCESSED");
        CRM.remove(deal);

        String deleted = unique("event");
        hook("{\"events\":[{\"id\":\"" + deleted + "\",\"deal\":\"" + deal + "\",\"change\":\"DELETED\"}]}").expectStatus().isOk();

        awaitStatus(deleted, "PROCESSED");
        assertThat(count("select count(*) from deal where connection = 'hooked' and id = '" + deal + "' and deleted")).isEqualTo(1);
        assertThat(CRM.rereadsOf(deal)).isEqualTo(1);
    }

    @Test
    void aRereadFailingThreeTimesIsRetriedWithBackoffAndEndsProcessedWithFourAttempts() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, new BigDecimal("77"));
        CRM.failRereadsOf(deal, 3);
        double failed = counted("planpilot.webhooks.failed", "connection", HOOKED);
        String event = unique("event");

        hook(events(event + "=" + deal)).expectStatus().isOk();

        Map<String, Object> failing = awaitEntry(event, e -> "FAILED".equals(e.get("status")), "FAILED");
        assertThat(failing.get("next_attempt_at")).isNotNull();
        assertThat(failing.get("last_error").toString()).contains("deal " + deal).contains("503");
        Map<String, Object> processed = awaitStatus(event, "PROCESSED");
        assertThat(processed.get("attempts")).isEqualTo(4);
        assertThat(processed.get("last_error").toString()).contains("503"); // kept for the record
        assertThat(CRM.rereadsOf(deal)).isEqualTo(4);
        // at least: other entries of the connection re-read in the same call as this deal fail with it
        assertThat(counted("planpilot.webhooks.failed", "connection", HOOKED)).isGreaterThanOrEqualTo(failed + 3);
        assertThat(count("select count(*) from deal where connection = 'hooked' and id = '" + deal + "' and amount = 77")).isEqualTo(1);
    }

    @Test
    void anEntryThatKeepsFailingIsDeadVisibleInTheApiWithItsErrorAndRetryRequeuesIt() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, new BigDecimal("5"));
        CRM.failRereadsOf(deal, -1);
        String event = unique("event");

        hook(events(event + "=" + deal)).expectStatus().isOk();

        awaitStatus(event, "DEAD");
        Map<String, Object> dead = inboxRows("?status=DEAD&connection=hooked").stream()
                .filter(row -> event.equals(row.get("eventId"))).findFirst().orElseThrow();
        assertThat(dead).containsEntry("attempts", 5).containsEntry("recordId", deal).containsEntry("processedAt", null);
        assertThat(dead.get("lastError").toString()).contains("processing deal " + deal + " of 'hooked' failed").contains("503");
        assertThat(CRM.rereadsOf(deal)).isEqualTo(5);
        long id = ((Number) dead.get("id")).longValue();

        CRM.failRereadsOf(deal, 0); // the CRM is back
        Map<String, Object> requeued = retry(id).expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(requeued).containsEntry("status", "RECEIVED").containsEntry("attempts", 0);
        Map<String, Object> processed = awaitStatus(event, "PROCESSED");
        assertThat(processed.get("attempts")).isEqualTo(1);
        assertThat(count("select count(*) from deal where connection = 'hooked' and id = '" + deal + "'")).isEqualTo(1);
        retry(id).expectStatus().isEqualTo(409)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat(detail.toString()).contains("PROCESSED"));
        retry(999_999_999L).expectStatus().isNotFound();
        web.post().uri("/api/v1/webhooks/inbox/{id}/retry", id).exchange().expectStatus().isUnauthorized();
    }

    @Test
    void whileTheCrmIsDownEventsWaitWithoutUsingUpAttemptsTheWorkersOnlyProbeItAndAllAreProcessedOnceItIsBack() {
        List<String> events = new ArrayList<>();
        List<String> deals = new ArrayList<>();
        CRM.beDown(true);
        try {
            int callsBefore = CRM.calls();
            long outageStarted = System.nanoTime();
            // events keep coming for 2 s while the CRM is down: many times max-attempts (5) of backoff (50-200 ms)
            for (int i = 0; i < 20; i++) {
                String deal = unique("deal");
                String event = unique("event");
                CRM.holdOpenDeal(deal, new BigDecimal("3"));
                hook(events(event + "=" + deal)).expectStatus().isOk();
                deals.add(deal);
                events.add(event);
                pause(100);
            }
            awaitEntry(events.get(0), e -> "FAILED".equals(e.get("status")), "FAILED");
            awaitThat(() -> pausedGauge() == 1, "shown as paused in planpilot.webhooks.crm.paused");

            int probes = CRM.calls() - callsBefore;
            long outageMillis = (System.nanoTime() - outageStarted) / 1_000_000;
            // paused for the backoff after each failure (50, 100, 200, 200 ... ms): at most one probe per
            // 200 ms after the first few, where the two workers claiming every due entry would each ask the
            // CRM at every poll (200 ms)
            assertThat(probes).isBetween(1, (int) (outageMillis / 200) + 3);
            for (String event : events) {
                Map<String, Object> entry = entry(event);
                assertThat(entry.get("status")).as(event).isIn("RECEIVED", "FAILED");
                assertThat(entry.get("attempts")).as(event).isEqualTo(0);
            }
            assertThat(entry(events.get(0)).get("last_error").toString()).contains("503").contains("down");

            // a deletion needs no answer from the CRM: the next probe's batch takes it, and it is done
            String gone = unique("deal");
            String deletion = unique("event");
            hook("{\"events\":[{\"id\":\"" + deletion + "\",\"deal\":\"" + gone + "\",\"change\":\"DELETED\"}]}")
                    .expectStatus().isOk();
            awaitStatus(deletion, "PROCESSED");
            assertThat(CRM.rereadsOf(gone)).isZero();
        } finally {
            CRM.beDown(false);
        }

        for (String event : events) {
            assertThat(awaitStatus(event, "PROCESSED").get("attempts")).isEqualTo(1);
        }
        for (String deal : deals) {
            assertThat(count("select count(*) from deal where connection = 'hooked' and id = '" + deal + "'")).isEqualTo(1);
        }
        assertThat(inboxRows("?status=DEAD&connection=hooked")).noneMatch(row -> events.contains(row.get("eventId")));
        assertThat(pausedGauge()).isZero();
    }

    private double pausedGauge() {
        return meters.get("planpilot.webhooks.crm.paused").tag("connection", HOOKED).gauge().value();
    }

    @Test
    void everyAcknowledgedEventOfABurstIsProcessedExactlyOnceWhenProcessingDiesMidwayAndRestarts() {
        List<String> deals = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String deal = unique("deal");
            CRM.holdOpenDeal(deal, BigDecimal.valueOf(i + 1));
            deals.add(deal);
            eventIds.add(unique("event"));
        }
        UUID deadWorker = UUID.randomUUID();
        List<InboxEntry> claimedByTheDead;
        try {
            for (int i = 0; i < 15; i++) {
                hook(events(eventIds.get(i) + "=" + deals.get(i))).expectStatus().isOk();
            }
            // processing stops in the middle of the burst; callbacks keep being acknowledged
            workers.stop();
            for (int i = 15; i < 30; i++) {
                hook(events(eventIds.get(i) + "=" + deals.get(i))).expectStatus().isOk();
            }
            // a worker of a process that then dies: it claims what is due and never finishes
            Instant now = Instant.now();
            claimedByTheDead = inbox.claim(deadWorker, now, now, now.plusSeconds(3), 1000, List.of()).block();
            assertThat(claimedByTheDead).extracting(InboxEntry::eventId).containsAll(eventIds.subList(15, 30));
        } finally {
            workers.start(); // the restarted process
        }

        pause(300);
        // the dead worker's lease still holds: nobody else touches its entries yet
        for (int i = 15; i < 30; i++) {
            assertThat(entry(eventIds.get(i))).containsEntry("status", "PROCESSING");
            assertThat(CRM.rereadsOf(deals.get(i))).isZero();
        }
        for (String event : eventIds) {
            awaitStatus(event, "PROCESSED");
        }

        for (int i = 0; i < 30; i++) {
            assertThat(CRM.rereadsOf(deals.get(i))).as(deals.get(i)).isEqualTo(1);
        }
        for (int i = 15; i < 30; i++) {
            assertThat(entry(eventIds.get(i))).containsEntry("attempts", 2); // the cut-off try counts
        }
        assertThat(count("select count(*) from deal where connection = 'hooked' and not deleted and id in ("
                + String.join(",", deals.stream().map(d -> "'" + d + "'").toList()) + ")")).isEqualTo(30);
        // the dead worker, come back to life, can finish nothing: its claim was taken over
        List<Long> ids = claimedByTheDead.stream().map(InboxEntry::id).toList();
        assertThat(inbox.finish(deadWorker, ids, Instant.now()).block()).isZero();
        assertThat(inbox.fail(deadWorker, ids, Instant.now(), "late").collectList().block()).isEmpty();
        // and the CRM repeating the whole burst changes nothing
        for (int i = 0; i < 30; i++) {
            hook(events(eventIds.get(i) + "=" + deals.get(i))).expectStatus().isOk()
                    .expectBody(JSON_MAP).value(answer -> assertThat(answer).containsEntry("stored", 0));
        }
    }

    @Test
    void retentionDeletesProcessedAndMalformedEntriesWithTheirRequestsButKeepsTheDead() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.ONE);
        String processed = unique("event");
        hook(events(processed + "=" + deal)).expectStatus().isOk();
        awaitStatus(processed, "PROCESSED");
        hook(events(processed + "=" + deal)).expectStatus().isOk(); // a repeat: a raw request without entries
        long malformed = ((Number) hook("{").expectStatus().isBadRequest().expectBody(JSON_MAP).returnResult()
                .getResponseBody().get("inboxEntry")).longValue();
        String doomed = unique("deal");
        CRM.holdOpenDeal(doomed, BigDecimal.ONE);
        CRM.failRereadsOf(doomed, -1);
        String dead = unique("event");
        hook(events(dead + "=" + doomed)).expectStatus().isOk();
        awaitStatus(dead, "DEAD");
        long processedRequest = ((Number) entry(processed).get("request_id")).longValue();

        inbox.purge(Instant.now().plusSeconds(1), 100_000).block();

        assertThat(entry(processed)).isNull();
        assertThat(count("select count(*) from webhook_inbox where id = " + malformed)).isZero();
        assertThat(count("select count(*) from webhook_request where id = " + processedRequest)).isZero();
        assertThat(count("select count(*) from webhook_request r where not exists "
                + "(select 1 from webhook_inbox i where i.request_id = r.id) and r.received_at < now()")).isZero();
        assertThat(entry(dead)).containsEntry("status", "DEAD");
        assertThat(count("select count(*) from webhook_request where id = " + entry(dead).get("request_id"))).isEqualTo(1);
        // a repeat after the retention is taken in again: re-reading a record twice is harmless
        hook(events(processed + "=" + deal)).expectStatus().isOk().expectBody(JSON_MAP)
                .value(answer -> assertThat(answer).containsEntry("stored", 1));
        awaitStatus(processed, "PROCESSED");
    }

    @Test
    void theOldestWaitingEntryIsAGaugeAndTheCountersAreServedToPrometheus() {
        String deal = unique("deal");
        CRM.holdOpenDeal(deal, BigDecimal.ONE);
        String event = unique("event");
        hook(events(event + "=" + deal)).expectStatus().isOk();
        awaitStatus(event, "PROCESSED");

        String metrics = web.get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();

        assertThat(metrics).contains("planpilot_webhooks_accepted_total{connection=\"hooked\"}")
                .contains("planpilot_webhooks_processed_total{connection=\"hooked\"}")
                .contains("planpilot_webhooks_oldest_received_age_seconds");
        assertThat(meters.get("planpilot.webhooks.oldest.received.age").gauge().value()).isBetween(0.0, 60.0);
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec retry(long id) {
        return web.post().uri("/api/v1/webhooks/inbox/{id}/retry", id)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange();
    }
}
