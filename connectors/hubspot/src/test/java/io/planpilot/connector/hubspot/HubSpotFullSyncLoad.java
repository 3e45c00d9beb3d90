package io.planpilot.connector.hubspot;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncMode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throughput of a full sync, not a unit test: a generated HubSpot account of 100,000 deals (each
 * with an activity) served by a small HTTP server of its own that enforces HubSpot's limits as it
 * counts them: 100 requests in any rolling 10 s (else 429 {@code TEN_SECONDLY_ROLLING}) and 5 searches
 * a second (else 429 {@code SECONDLY}). The connector runs with its defaults. The read must lose no
 * deal, never be refused, and take no more than 1.2 times what the limit allows for the requests it made.
 *
 * <p>Run: {@code ./mvnw -B -ntp -pl connectors/hubspot -am test -Dtest=HubSpotFullSyncLoad -Dhubspot.load=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (smaller: {@code -Dhubspot.load.deals=5000}). The figures are
 * printed and written to {@code target/hubspot-full-sync-load.txt}.
 */
@Tag("load")
@EnabledIfSystemProperty(named = "hubspot.load", matches = "true")
class HubSpotFullSyncLoad {

    static final int WINDOW_REQUESTS = 100;
    static final long WINDOW_MILLIS = 10_000;

    /** HubSpot's rolling window: a request finding 100 others in the last 10 s is refused. */
    static final class RollingWindow {
        private final Deque<Long> times = new ArrayDeque<>();
        private final int limit;
        private final long millis;
        long accepted;
        long refused;
        int busiest;

        RollingWindow(int limit, long millis) {
            this.limit = limit;
            this.millis = millis;
        }

        synchronized boolean admit() {
            long now = System.nanoTime() / 1_000_000;
            while (!times.isEmpty() && times.peekFirst() <= now - millis) {
                times.pollFirst();
            }
            if (times.size() >= limit) {
                refused++;
                return false;
            }
            times.addLast(now);
            accepted++;
            busiest = Math.max(busiest, times.size());
            return true;
        }
    }

    @Test
    void aFullSyncOfAHundredThousandDealsStaysWithinHubSpotsLimitsAndLosesNothing() throws Exception {
        int dealCount = Integer.getInteger("hubspot.load.deals", 100_000);
        HubSpotPortal portal = new HubSpotPortal();
        Instant base = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < dealCount; i++) {
            HubSpotFakeCrm.seedDeal(portal, base);
        }
        RollingWindow window = new RollingWindow(WINDOW_REQUESTS, WINDOW_MILLIS);
        RollingWindow searches = new RollingWindow(5, 1_000);
        Map<String, AtomicLong> byPath = new java.util.concurrent.ConcurrentHashMap<>();
        HttpServer server = serve(portal, window, searches, byPath);
        try {
            Connector connector = new HubSpotConnectorFactory().create(new ConnectionSettings("load", "hubspot",
                    HubSpotConnectorContractTest.ZONE, "USD", Map.of("region", "region"),
                    Map.of("base-url", "http://127.0.0.1:" + server.getAddress().getPort(), "access-token", HubSpotPortal.TOKEN,
                            "client-secret", HubSpotPortal.CLIENT_SECRET)));
            Set<String> deals = new HashSet<>();
            AtomicLong activities = new AtomicLong();
            AtomicLong transitions = new AtomicLong();
            AtomicLong pages = new AtomicLong();
            int[] listed = new int[2];
            PageConsumer consumer = page -> {
                pages.incrementAndGet();
                page.deals().forEach(deal -> deals.add(deal.id()));
                activities.addAndGet(page.activities().size());
                transitions.addAndGet(page.transitions().size());
                page.listings().forEach(listing -> listed[listing.kind() == RecordKind.DEAL ? 0 : 1] = listing.ids().size());
            };

            Instant start = Instant.now();
            connector.read(SyncMode.FULL, null, consumer);
            Duration elapsed = Duration.between(start, Instant.now());

            long requests = window.accepted;
            double allowed = Math.max(0, requests - WINDOW_REQUESTS) * (WINDOW_MILLIS / 1000.0) / WINDOW_REQUESTS;
            double seconds = elapsed.toMillis() / 1000.0;
            double ratio = allowed == 0 ? 0 : seconds / allowed;
            String report = String.format(java.util.Locale.ROOT, """
                    HubSpot full sync against HubSpot's limits (%d per rolling %d s, 5 searches a second)
                    account: %,d deals, %,d activities
                    read: %,d deals (%,d listed), %,d activities (%,d listed), %,d stage transitions, %,d pages
                    requests: %,d accepted, %,d refused (429); the busiest 10 s held %d; by path: %s
                    elapsed: %.1f s; the limit allows %.1f s for %,d requests; ratio %.3f (must be <= 1.2)
                    """, WINDOW_REQUESTS, WINDOW_MILLIS / 1000, dealCount, dealCount, deals.size(), listed[0], activities.get(),
                    listed[1], transitions.get(), pages.get(), requests, window.refused, window.busiest, new TreeMap<>(byPath),
                    seconds, allowed, requests, ratio);
            System.out.println(report);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "hubspot-full-sync-load.txt"), report);

            assertThat(deals).as("every deal read").hasSize(dealCount);
            assertThat(activities.get()).as("every activity read").isEqualTo(dealCount);
            assertThat(window.refused).as("requests HubSpot would have refused").isZero();
            assertThat(window.busiest).isLessThanOrEqualTo(WINDOW_REQUESTS);
            assertThat(ratio).as("elapsed / what the limit allows").isLessThanOrEqualTo(1.2);
        } finally {
            server.stop(0);
        }
    }

    static HttpServer serve(HubSpotPortal portal, RollingWindow window, RollingWindow searches,
                            Map<String, AtomicLong> byPath) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (exchange) {
                String path = exchange.getRequestURI().getPath();
                if (!window.admit()) {
                    send(exchange, 429, HubSpotPortal.rateLimitBody(HubSpotErrors.TEN_SECONDLY_ROLLING).toString());
                    return;
                }
                if (path.endsWith("/search") && !searches.admit()) {
                    send(exchange, 429, HubSpotPortal.rateLimitBody(HubSpotErrors.SECONDLY).toString());
                    return;
                }
                byPath.computeIfAbsent(exchange.getRequestMethod() + " " + path, p -> new AtomicLong()).incrementAndGet();
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                HubSpotPortal.Answer answer;
                synchronized (portal) {
                    answer = portal.call(exchange.getRequestMethod(), path,
                            io.planpilot.tck.FakeCrm.queryParameters(exchange.getRequestURI().toString()), body,
                            exchange.getRequestHeaders().getFirst("Authorization"));
                }
                send(exchange, answer.status(), answer.body());
            }
        });
        server.start();
        return server;
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
