package io.planpilot.connector.bitrix24;

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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The throughput of a full sync, not a unit test: a generated portal of 100,000 deals and 500,000
 * activities (with their stage history, and product rows on every fifth deal) served by a small HTTP
 * server of its own that enforces Bitrix24's leaky bucket (the counter drains 2 a second, a request
 * that finds it at 50 is answered HTTP 503 {@code QUERY_LIMIT_EXCEEDED}). The connector runs with its
 * defaults. The read must take no more than 1.2 times what the bucket allows for the requests it made
 * ({@code (requests - 50) / 2} seconds), and lose no deal.
 *
 * <p>Run: {@code ./mvnw -B -ntp -o -pl connectors/bitrix24 test -Dtest=Bitrix24FullSyncLoad -Dbitrix24.load=true
 * -Dsurefire.failIfNoSpecifiedTests=false} (smaller: {@code -Dbitrix24.load.deals=5000}). The figures are
 * printed and written to {@code target/bitrix24-full-sync-load.txt}.
 */
@Tag("load")
@EnabledIfSystemProperty(named = "bitrix24.load", matches = "true")
class Bitrix24FullSyncLoad {

    static final int BUCKET_LIMIT = 50;
    static final double DRAIN_PER_SECOND = 2.0;
    private static final Pattern METHOD_PATH = Pattern.compile("^/rest/([^/]+)/([^/]+)/([A-Za-z0-9._]+?)(?:\\.json)?/?$");

    /** Bitrix24's leaky bucket: +1 a request, drained at 2 a second; a request finding it at the limit is refused. */
    static final class LeakyBucket {
        private double level;
        private long last = System.nanoTime();
        long accepted;
        long refused;

        synchronized boolean admit() {
            long now = System.nanoTime();
            level = Math.max(0, level - (now - last) / 1e9 * DRAIN_PER_SECOND);
            last = now;
            if (level + 1 > BUCKET_LIMIT) {
                refused++;
                return false;
            }
            level += 1;
            accepted++;
            return true;
        }
    }

    @Test
    void aFullSyncOfAHundredThousandDealsTakesNoMoreThan120PercentOfWhatTheBucketAllows() throws Exception {
        int dealCount = Integer.getInteger("bitrix24.load.deals", 100_000);
        int activitiesPerDeal = Integer.getInteger("bitrix24.load.activities-per-deal", 5);
        Bitrix24Portal portal = generate(dealCount, activitiesPerDeal);
        LeakyBucket bucket = new LeakyBucket();
        Map<String, AtomicLong> byMethod = new java.util.concurrent.ConcurrentHashMap<>();
        HttpServer server = serve(portal, bucket, byMethod);
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/rest/" + Bitrix24Portal.USER + "/"
                    + Bitrix24Portal.SECRET + "/";
            Connector connector = new Bitrix24ConnectorFactory().create(new ConnectionSettings("load", "bitrix24",
                    ZoneId.of("Europe/Moscow"), "RUB", Map.of("region", "UF_CRM_REGION"),
                    Map.of("base-url", url, "application-token", Bitrix24Portal.APPLICATION_TOKEN)));
            Set<String> deals = new HashSet<>();
            AtomicLong activities = new AtomicLong();
            AtomicLong transitions = new AtomicLong();
            AtomicLong pages = new AtomicLong();
            int[] listed = new int[2];
            PageConsumer consumer = (SyncPage page) -> {
                pages.incrementAndGet();
                page.deals().forEach(deal -> deals.add(deal.id()));
                activities.addAndGet(page.activities().size());
                transitions.addAndGet(page.transitions().size());
                page.listings().forEach(listing -> listed[listing.kind() == RecordKind.DEAL ? 0 : 1] = listing.ids().size());
            };

            Instant start = Instant.now();
            connector.read(SyncMode.FULL, null, consumer);
            Duration elapsed = Duration.between(start, Instant.now());

            long requests = bucket.accepted;
            double allowed = Math.max(0, requests - BUCKET_LIMIT) / DRAIN_PER_SECOND;
            double seconds = elapsed.toMillis() / 1000.0;
            double ratio = allowed == 0 ? 0 : seconds / allowed;
            String report = String.format(java.util.Locale.ROOT, """
                    Bitrix24 full sync against a leaky bucket (limit %d, drain %.0f/s)
                    portal: %,d deals, %,d activities, %,d stage-history entries, %,d deals with product rows
                    read: %,d deals (%,d distinct, %,d listed), %,d activities (%,d listed), %,d transitions, %,d pages
                    requests: %,d accepted, %,d refused with QUERY_LIMIT_EXCEEDED; by method: %s
                    elapsed: %.1f s; the bucket allows %.1f s for %,d requests; ratio %.3f (must be <= 1.2)
                    """, BUCKET_LIMIT, DRAIN_PER_SECOND, portal.deals.size(), portal.activities.size(), portal.history.size(),
                    portal.productRows.size(), deals.size(), deals.size(), listed[0], activities.get(), listed[1],
                    transitions.get(), pages.get(), requests, bucket.refused, new java.util.TreeMap<>(byMethod), seconds,
                    allowed, requests, ratio);
            System.out.println(report);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "bitrix24-full-sync-load.txt"), report);

            assertThat(deals).as("every deal read").hasSize(dealCount);
            assertThat(activities.get()).as("every activity read").isEqualTo((long) dealCount * activitiesPerDeal);
            assertThat(ratio).as("elapsed / what the bucket allows").isLessThanOrEqualTo(1.2);
        } finally {
            server.stop(0);
        }
    }

    /** The portal: deals as the contract fake seeds them, each with {@code activitiesPerDeal} activities. */
    static Bitrix24Portal generate(int dealCount, int activitiesPerDeal) {
        Bitrix24Portal portal = new Bitrix24Portal();
        Instant base = Instant.now().minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
        ZoneOffset[] zones = {ZoneOffset.ofHours(3), ZoneOffset.UTC, ZoneOffset.ofHours(-5)};
        for (long id = 1; id <= dealCount; id++) {
            ZoneOffset zone = zones[(int) (id % zones.length)];
            Bitrix24FakeCrm.seedDeal(portal, id, base, zone);
            Instant created = portal.deals.get(id).instant("DATE_CREATE");
            for (int i = 1; i < activitiesPerDeal; i++) {
                int type = (int) ((id + i) % 4) + 1;
                portal.addActivity(id, 2, type, type == 2 ? "VOXIMPLANT_CALL" : "CRM_EMAIL", id % 2 == 0 ? "1" : "2",
                        created.plus(Duration.ofHours(i)), created.plus(Duration.ofDays(i)), created.plus(Duration.ofHours(i + 1)),
                        i % 2 == 0, zone);
            }
        }
        return portal;
    }

    /** The portal on a small HTTP server behind the leaky bucket. */
    static HttpServer serve(Bitrix24Portal portal, LeakyBucket bucket, Map<String, AtomicLong> byMethod) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/rest/", exchange -> {
            try (exchange) {
                Matcher path = METHOD_PATH.matcher(exchange.getRequestURI().getPath());
                if (!path.matches() || !Bitrix24Portal.SECRET.equals(path.group(2))) {
                    send(exchange, 401, "{\"error\":\"INVALID_CREDENTIALS\",\"error_description\":\"Invalid request credentials\"}");
                    return;
                }
                if (!bucket.admit()) {
                    send(exchange, 503, "{\"error\":\"QUERY_LIMIT_EXCEEDED\",\"error_description\":\"Too many requests\"}");
                    return;
                }
                String method = path.group(3);
                byte[] body = exchange.getRequestBody().readAllBytes();
                JsonNode params = body.length == 0 ? Bitrix24Portal.JSON.createObjectNode() : Bitrix24Portal.JSON.readTree(body);
                String label = method.equals("batch") ? "batch of " + batchMethod(params) : method;
                byMethod.computeIfAbsent(label, m -> new AtomicLong()).incrementAndGet();
                ObjectNode answer;
                synchronized (portal) {
                    try {
                        answer = portal.call(method, params);
                    } catch (Bitrix24Portal.PortalError e) {
                        send(exchange, e.status, e.body().toString());
                        return;
                    }
                }
                send(exchange, 200, answer.toString());
            }
        });
        server.start();
        return server;
    }

    private static String batchMethod(JsonNode params) {
        JsonNode first = params.path("cmd").properties().stream().findFirst().map(Map.Entry::getValue).orElse(null);
        if (first == null) {
            return "?";
        }
        String text = first.asString();
        int question = text.indexOf('?');
        return question < 0 ? text : text.substring(0, question);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
