package io.planpilot.connector.support;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import feign.Headers;
import feign.Param;
import feign.RequestLine;
import io.planpilot.core.connector.ConnectorException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link CrmClients} and {@link CrmResilience} together against WireMock, with millisecond backoffs. */
class CrmResilienceTest {

    interface ItemsApi {
        String ITEMS = "items.list";

        @RequestLine("GET /items?page={page}")
        @CrmEndpoint(ITEMS)
        Items items(@Param("page") int page);

        @RequestLine("GET /things/{id}")
        Item thing(@Param("id") String id);

        @RequestLine("POST /things")
        @Headers("Idempotency-Key: {key}")
        Item create(@Param("key") String key, Item body);
    }

    record Items(List<Item> items) {
    }

    record Item(String id, BigDecimal amount) {
    }

    private static final String TYPE = "example";
    private static final String ITEMS_JSON = "{\"items\":[{\"id\":\"1\",\"amount\":12.5}]}";

    static WireMockServer server;

    @BeforeAll
    static void start() {
        server = new WireMockServer(options().dynamicPort());
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    @BeforeEach
    void reset() {
        server.resetAll();
    }

    /**
     * Fast: backoffs of milliseconds, a high rate limit, and a read timeout (5 s) that a loaded
     * machine's WireMock still meets; the timeout tests use {@link #impatient()}.
     */
    static CrmHttpPolicy fast() {
        return CrmHttpPolicy.defaults(1000, Duration.ofSeconds(1))
                .withRetries(new CrmHttpPolicy.Retries(5, Duration.ofMillis(5), 2, Duration.ofMillis(20), Duration.ofMinutes(5)))
                .withTimeouts(new CrmHttpPolicy.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(5)));
    }

    /** {@link #fast()} with a 300 ms read timeout, against answers delayed by 3 s. */
    static CrmHttpPolicy impatient() {
        return fast().withTimeouts(new CrmHttpPolicy.Timeouts(Duration.ofSeconds(2), Duration.ofMillis(300)));
    }

    private ItemsApi client(CrmHttpPolicy policy) {
        return client(policy, CrmErrorClassifier.standard(TYPE));
    }

    private ItemsApi client(CrmHttpPolicy policy, CrmErrorClassifier classifier) {
        return CrmClients.feign(ItemsApi.class, server.baseUrl(), TYPE, policy, classifier, CrmClients.bearer("t0k"));
    }

    private static CrmResilience resilience(CrmHttpPolicy policy) {
        return new CrmResilience(TYPE, "test", policy);
    }

    private void failThenServe(String... statuses) {
        String state = STARTED;
        for (int i = 0; i < statuses.length; i++) {
            String next = "step " + (i + 1);
            String[] status = statuses[i].split(" ", 2);
            var response = aResponse().withStatus(Integer.parseInt(status[0]));
            if (status.length > 1) {
                String[] header = status[1].split(": ", 2);
                response = response.withHeader(header[0], header[1]);
            }
            server.stubFor(get(urlPathEqualTo("/items")).inScenario("s").whenScenarioStateIs(state)
                    .willReturn(response).willSetStateTo(next));
            state = next;
        }
        server.stubFor(get(urlPathEqualTo("/items")).inScenario("s").whenScenarioStateIs(state).willReturn(okJson(ITEMS_JSON)));
    }

    private static List<Instant> requestTimes() {
        List<Instant> times = new ArrayList<>();
        for (ServeEvent event : server.getAllServeEvents()) {
            times.add(event.getRequest().getLoggedDate().toInstant());
        }
        times.sort(Comparator.naturalOrder());
        return times;
    }

    @Test
    void retriesAnUnavailableCrmThenSucceeds() {
        failThenServe("503", "502");
        ItemsApi api = client(fast());
        CrmResilience calls = resilience(fast());

        Items items = calls.call(ItemsApi.ITEMS, () -> api.items(1));

        assertThat(items.items()).containsExactly(new Item("1", new BigDecimal("12.5")));
        assertThat(server.getAllServeEvents()).hasSize(3);
        assertThat(server.getAllServeEvents()).allSatisfy(e ->
                assertThat(e.getRequest().getHeader("Authorization")).isEqualTo("Bearer t0k"));
    }

    @Test
    void waitsAtLeastTheRetryAfterTheCrmAsksFor() {
        failThenServe("429 Retry-After: 1");
        ItemsApi api = client(fast());

        resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1));

        List<Instant> times = requestTimes();
        assertThat(times).hasSize(2);
        assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void waitsForAResetHeaderInSecondsFromNow() {
        failThenServe("429 X-RateLimit-Reset: 1");
        ItemsApi api = client(fast(), CrmErrorClassifier.standard(TYPE, "X-RateLimit-Reset",
                RetryAfter.ResetStyle.SECONDS_FROM_NOW, Clock.systemUTC()));

        resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1));

        List<Instant> times = requestTimes();
        assertThat(Duration.between(times.get(0), times.get(1))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void everyAttemptIsToldToTheObserverWithItsOutcome() {
        java.util.List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        CrmCallObserver.install((type, connection, endpoint, outcome, took, waited) -> {
            assertThat(took.isNegative()).isFalse();
            assertThat(waited.isNegative()).isFalse();
            seen.add(type + " " + connection + " " + endpoint + " " + outcome);
        });
        try {
            failThenServe("503");
            ItemsApi api = client(fast());

            resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1));

            assertThat(seen).containsExactly("example test items.list UNAVAILABLE", "example test items.list OK");
        } finally {
            CrmCallObserver.install((type, connection, endpoint, outcome, took, waited) -> {
            });
        }
    }

    @Test
    void aRateLimitWithoutAWaitIsRetriedAfterTheBackoff() {
        failThenServe("429", "429");
        ItemsApi api = client(fast());

        assertThat(resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1)).items()).hasSize(1);
        assertThat(server.getAllServeEvents()).hasSize(3);
    }

    @Test
    void aWaitLongerThanTheLongestWaitFailsAtOnce() {
        failThenServe("429 Retry-After: 3600");
        ItemsApi api = client(fast());

        assertThatThrownBy(() -> resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmRateLimitedException.class)
                .hasMessageStartingWith("example items.list: the CRM asks to wait PT1H (until ")
                .hasMessageContaining("longer than retry.longest-wait PT5M; a later run resumes");
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void anUnauthorizedCallIsNotRetried() {
        failThenServe("401");
        ItemsApi api = client(fast());

        assertThatThrownBy(() -> resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmRejectedException.class).isInstanceOf(ConnectorException.class)
                .hasMessage("example items.list: HTTP 401: the CRM refuses the credentials; check the connection's token");
        assertThat(server.getAllServeEvents()).hasSize(1);
    }

    @Test
    void serverErrorsAreRetriedThenSurfacedWithTheAttempts() {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(503).withBody("{\"error\":\"down\"}")));
        ItemsApi api = client(fast());

        assertThatThrownBy(() -> resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmUnavailableException.class)
                .hasMessage("example items.list: gave up after 5 attempts; last error: HTTP 503: {\"error\":\"down\"}");
        assertThat(server.getAllServeEvents()).hasSize(5);
    }

    @Test
    void theBreakerOpensAfterFailuresAndFailsFast() {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(500)));
        Instant now = Instant.parse("2026-11-27T08:00:00Z");
        CrmHttpPolicy policy = fast()
                .withRetries(new CrmHttpPolicy.Retries(1, Duration.ZERO, 2, Duration.ZERO, Duration.ZERO))
                .withBreaker(new CrmHttpPolicy.Breaker(4, 4, 50f, Duration.ofSeconds(30), 3));
        CrmResilience calls = new CrmResilience(TYPE, "test", policy, Clock.fixed(now, ZoneOffset.UTC));
        ItemsApi api = client(policy);

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> calls.call(ItemsApi.ITEMS, () -> api.items(1))).hasMessageContaining("HTTP 500");
        }
        assertThat(calls.status().circuitBreaker()).isEqualTo("OPEN");
        assertThatThrownBy(() -> calls.call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmUnavailableException.class)
                .hasMessage("example items.list: the CRM keeps failing; calls are paused until 2026-11-27T08:00:30Z (circuit open)");
        assertThat(server.getAllServeEvents()).hasSize(4);
    }

    @Test
    void anOpenBreakerLetsTrialCallsThroughAfterItsWaitAndCloses() throws InterruptedException {
        failThenServe("500", "500");
        CrmHttpPolicy policy = fast()
                .withRetries(new CrmHttpPolicy.Retries(1, Duration.ZERO, 2, Duration.ZERO, Duration.ZERO))
                .withBreaker(new CrmHttpPolicy.Breaker(2, 2, 50f, Duration.ofMillis(100), 1));
        CrmResilience calls = resilience(policy);
        ItemsApi api = client(policy);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> calls.call(ItemsApi.ITEMS, () -> api.items(1))).hasMessageContaining("HTTP 500");
        }
        assertThat(calls.status().circuitBreaker()).isEqualTo("OPEN");

        Thread.sleep(150);

        assertThat(calls.call(ItemsApi.ITEMS, () -> api.items(1)).items()).hasSize(1);
        assertThat(calls.status().circuitBreaker()).isEqualTo("CLOSED");
    }

    @Test
    void rejectionsAndRateLimitsDoNotOpenTheBreaker() {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(404)));
        CrmHttpPolicy policy = fast()
                .withRetries(new CrmHttpPolicy.Retries(1, Duration.ZERO, 2, Duration.ZERO, Duration.ZERO))
                .withBreaker(new CrmHttpPolicy.Breaker(2, 2, 50f, Duration.ofSeconds(30), 1));
        CrmResilience calls = resilience(policy);
        ItemsApi api = client(policy);

        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> calls.call(ItemsApi.ITEMS, () -> api.items(1))).isInstanceOf(CrmRejectedException.class);
        }
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(aResponse().withStatus(429)));
        for (int i = 0; i < 4; i++) {
            assertThatThrownBy(() -> calls.call(ItemsApi.ITEMS, () -> api.items(1))).isInstanceOf(CrmRateLimitedException.class);
        }

        assertThat(calls.status().circuitBreaker()).isEqualTo("CLOSED");
    }

    @Test
    void theLimiterKeepsTheMeasuredRateAtOrUnderTheLimitAcrossThreads() throws Exception {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(ITEMS_JSON)));
        CrmHttpPolicy policy = fast().withRateLimit(new CrmHttpPolicy.RateLimit(5, Duration.ofSeconds(1), 1));
        CrmResilience calls = resilience(policy);
        ItemsApi api = client(policy);
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                runs.add(threads.submit(() -> {
                    for (int i = 0; i < 4; i++) {
                        calls.call(ItemsApi.ITEMS, () -> api.items(1));
                    }
                }));
            }
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            threads.shutdownNow();
        }

        List<Instant> times = requestTimes();
        assertThat(times).hasSize(12);
        // no window of one second holds more than 5 requests: request i and i+5 are at least 1 s apart
        // (WireMock logs arrival in whole milliseconds; 20 ms allow for the network's jitter)
        for (int i = 0; i + 5 < times.size(); i++) {
            assertThat(Duration.between(times.get(i), times.get(i + 5)))
                    .as("requests %d and %d", i, i + 5).isGreaterThanOrEqualTo(Duration.ofMillis(980));
        }
        assertThat(calls.status().rateLimit()).isEqualTo("5/PT1S");
    }

    @Test
    void aCallLateInALimiterPeriodIsNotFollowedSoonerThanTheSpacing() throws Exception {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(ITEMS_JSON)));
        CrmHttpPolicy policy = fast().withRateLimit(new CrmHttpPolicy.RateLimit(5, Duration.ofSeconds(1), 1));
        ItemsApi api = client(policy);
        CrmResilience warm = resilience(fast());
        for (int i = 0; i < 3; i++) {
            warm.call(ItemsApi.ITEMS, () -> api.items(1));
        }
        server.resetRequests();
        CrmResilience calls = resilience(policy);
        // the first call takes the permit late in the limiter's first 200 ms period
        Thread.sleep(150);

        for (int i = 0; i < 6; i++) {
            calls.call(ItemsApi.ITEMS, () -> api.items(1));
        }

        List<Instant> times = requestTimes();
        assertThat(Duration.between(times.get(0), times.get(5))).as("six calls at 5 a second")
                .isGreaterThanOrEqualTo(Duration.ofMillis(980));
    }

    @Test
    void aReadTimeoutIsUnavailableAndRetried() {
        server.stubFor(get(urlPathEqualTo("/items")).inScenario("slow").whenScenarioStateIs(STARTED)
                .willReturn(okJson(ITEMS_JSON).withFixedDelay(3000)).willSetStateTo("fast"));
        server.stubFor(get(urlPathEqualTo("/items")).inScenario("slow").whenScenarioStateIs("fast")
                .willReturn(okJson(ITEMS_JSON)));
        ItemsApi api = client(impatient());

        assertThat(resilience(impatient()).call(ItemsApi.ITEMS, () -> api.items(1)).items()).hasSize(1);
        assertThat(server.getAllServeEvents()).hasSize(2);
    }

    @Test
    void readTimeoutsAreSurfacedAfterTheAttempts() {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(ITEMS_JSON).withFixedDelay(3000)));
        CrmHttpPolicy policy = impatient()
                .withRetries(new CrmHttpPolicy.Retries(3, Duration.ofMillis(5), 2, Duration.ofMillis(20), Duration.ZERO));
        ItemsApi api = client(policy);

        assertThatThrownBy(() -> resilience(policy).call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmUnavailableException.class)
                .hasMessage("example items.list: gave up after 3 attempts; last error: the CRM did not answer in time (read timeout)");
    }

    @Test
    void aRefusedConnectionIsUnavailable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CrmHttpPolicy policy = fast();
        ItemsApi api = CrmClients.feign(ItemsApi.class, "http://127.0.0.1:" + port, TYPE, policy,
                CrmErrorClassifier.standard(TYPE));

        assertThatThrownBy(() -> resilience(policy).call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmUnavailableException.class)
                .hasMessageStartingWith("example items.list: gave up after 5 attempts; last error: the CRM refused the connection");
    }

    @Test
    void malformedJsonNamesTheFieldWhereItBroke() {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson("{\"items\":[{\"id\":\"1\",\"amount\":1},{\"id\":\"2\",\"am")));
        ItemsApi api = client(fast());

        assertThatThrownBy(() -> resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmResponseException.class)
                .hasMessageStartingWith("example items.list: field items[1]")
                .hasMessageContaining("not valid JSON");
        assertThat(server.getAllServeEvents()).as("not retried").hasSize(1);
    }

    @Test
    void aWrongTypeNamesTheFieldItsPathAndTheValue() {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson(
                "{\"items\":[{\"id\":\"1\",\"amount\":1},{\"id\":\"2\",\"amount\":2},{\"id\":\"3\",\"amount\":\"abc\"}]}")));
        ItemsApi api = client(fast());

        assertThatThrownBy(() -> resilience(fast()).call(ItemsApi.ITEMS, () -> api.items(1)))
                .isInstanceOf(CrmResponseException.class)
                .hasMessage("example items.list: field items[2].amount: expected a number, got \"abc\"")
                .extracting(e -> ((CrmResponseException) e).fieldPath()).isEqualTo("items[2].amount");
        assertThat(server.getAllServeEvents()).as("not retried").hasSize(1);
    }

    @Test
    void anObjectWhereAListBelongsNamesTheField() {
        server.stubFor(get(urlPathEqualTo("/items")).willReturn(okJson("{\"items\":{\"id\":\"1\"}}")));
        ItemsApi api = client(fast());

        assertThatThrownBy(() -> api.items(1))
                .isInstanceOf(CrmResponseException.class)
                .hasMessageStartingWith("example items.list: field items: expected a list, got an object");
    }

    @Test
    void aMethodWithoutANameIsNamedByItsRequestLine() {
        server.stubFor(get(urlPathEqualTo("/things/7")).willReturn(aResponse().withStatus(404)));

        assertThatThrownBy(() -> client(fast()).thing("7"))
                .isInstanceOf(CrmRejectedException.class)
                .hasMessageStartingWith("example GET /things/{id}: HTTP 404: not found; check the connection's base URL");
    }

    @Test
    void writesJsonWithTheIdempotencyKey() {
        server.stubFor(post(urlPathEqualTo("/things")).willReturn(okJson("{\"id\":\"t1\",\"amount\":3}")));

        Item created = client(fast()).create("k-1", new Item(null, new BigDecimal("3")));

        assertThat(created.id()).isEqualTo("t1");
        server.verify(postRequestedFor(urlPathEqualTo("/things")).withHeader("Idempotency-Key", equalTo("k-1"))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"id\":null,\"amount\":3}")));
    }

    @Test
    void theStatusShowsTheLimitAndTheBreaker() {
        CrmResilience calls = resilience(CrmHttpPolicy.defaults(2, Duration.ofSeconds(1)));

        assertThat(calls.status().rateLimit()).isEqualTo("2/PT1S");
        assertThat(calls.status().permitsLeft()).isBetween(0, 1);
        assertThat(calls.status().circuitBreaker()).isEqualTo("CLOSED");
        assertThat(Collections.singletonList(calls.policy().retries().maxAttempts())).containsExactly(5);
    }
}
