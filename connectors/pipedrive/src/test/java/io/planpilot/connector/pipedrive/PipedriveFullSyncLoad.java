package io.planpilot.connector.pipedrive;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
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
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throughput of a full sync, not a unit test: a generated company of 100,000 deals (three in four
 * moved between stages, with their flows) and 100,000 activities, served by a small HTTP server of its
 * own that enforces Pipedrive's burst window (20 requests per 2-second window for the token, the
 * smallest plan's; a request over it is answered 429) and counts the daily token budget. The
 * connector runs with its defaults (18 requests per 2 s, 200 flows a read). The read must make no
 * request that Pipedrive refuses, take no more than 1.2 times what the configured rate allows for the
 * requests it made, and lose no deal or activity.
 *
 * <p>Run: {@code ./mvnw -B -ntp -o -pl connectors/pipedrive test -Dtest=PipedriveFullSyncLoad -Dpipedrive.load=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (smaller: {@code -Dpipedrive.load.deals=5000}). The figures are
 * printed and written to {@code target/pipedrive-full-sync-load.txt}.
 */
@Tag("load")
@EnabledIfSystemProperty(named = "pipedrive.load", matches = "true")
class PipedriveFullSyncLoad {

    static final int BURST_LIMIT = 20;

    @Test
    void aFullSyncOfAHundredThousandDealsKeepsToTheRateAndLosesNothing() throws Exception {
        int dealCount = Integer.getInteger("pipedrive.load.deals", 100_000);
        PipedriveCompany company = new PipedriveCompany();
        Instant base = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        for (long id = 1; id <= dealCount; id++) {
            company.seed(id, base);
        }
        company.burstLimit = BURST_LIMIT;
        company.fixedData = true;
        company.dailyBudget = 30_000L * 5 * 10;
        HttpServer server = serve(company);
        try {
            Connector connector = new PipedriveConnectorFactory().create(new ConnectionSettings("load", "pipedrive",
                    ZoneId.of("Europe/Berlin"), "EUR", Map.of("region", "Region"),
                    Map.of("base-url", "http://127.0.0.1:" + server.getAddress().getPort(), "api-token", PipedriveCompany.TOKEN)));
            Set<String> deals = new HashSet<>();
            Set<String> activities = new HashSet<>();
            AtomicLong transitions = new AtomicLong();
            AtomicLong pages = new AtomicLong();
            int[] listed = new int[2];
            PageConsumer consumer = (SyncPage page) -> {
                pages.incrementAndGet();
                page.deals().forEach(deal -> deals.add(deal.id()));
                page.activities().forEach(activity -> activities.add(activity.id()));
                transitions.addAndGet(page.transitions().size());
                page.listings().forEach(listing -> listed[listing.kind() == RecordKind.DEAL ? 0 : 1] = listing.ids().size());
            };

            Instant start = Instant.now();
            connector.read(SyncMode.FULL, null, consumer);
            Duration elapsed = Duration.between(start, Instant.now());

            long requests;
            Map<String, Long> byRoute = new TreeMap<>();
            synchronized (company) {
                company.calls.forEach((route, count) -> byRoute.put(route, count.get()));
                requests = byRoute.values().stream().mapToLong(Long::longValue).sum();
            }
            double allowed = (requests - 1) / 9.0;
            double seconds = elapsed.toMillis() / 1000.0;
            double ratio = seconds / allowed;
            String report = String.format(Locale.ROOT, """
                    Pipedrive full sync against a burst window of %d requests per 2 s (the connector at its default 18/PT2S)
                    company: %,d deals (%,d with a stage change), %,d activities
                    read: %,d deals (%,d listed), %,d activities (%,d listed), %,d stage transitions, %,d pages
                    requests: %,d, refused with 429: %,d; tokens used: %,d; by route: %s
                    elapsed: %.1f s; the configured rate allows %.1f s for %,d requests; ratio %.3f (must be <= 1.2)
                    """, BURST_LIMIT, company.deals.size(), company.deals.values().stream()
                            .filter(d -> !d.get("stage_change_time").isNull()).count(), company.activities.size(),
                    deals.size(), listed[0], activities.size(), listed[1], transitions.get(), pages.get(), requests,
                    company.refusedByBurst, company.tokensUsed, byRoute, seconds, allowed, requests, ratio);
            System.out.println(report);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "pipedrive-full-sync-load.txt"), report);

            assertThat(deals).as("every deal read").hasSize(dealCount);
            assertThat(activities).as("every activity read").hasSize(dealCount);
            assertThat(company.refusedByBurst).as("requests over the burst window").isZero();
            assertThat(ratio).as("elapsed / what the rate allows").isLessThanOrEqualTo(1.2);
        } finally {
            server.stop(0);
        }
    }

    /** The company on a small HTTP server. */
    static HttpServer serve(PipedriveCompany company) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", exchange -> {
            try (exchange) {
                Map<String, String> headers = new HashMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                PipedriveCompany.Answer answer;
                synchronized (company) {
                    answer = company.handle(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                            io.planpilot.tck.FakeCrm.queryParameters(exchange.getRequestURI().toString()), headers, body, Instant.now());
                }
                send(exchange, answer);
            }
        });
        server.start();
        return server;
    }

    private static void send(HttpExchange exchange, PipedriveCompany.Answer answer) throws IOException {
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
