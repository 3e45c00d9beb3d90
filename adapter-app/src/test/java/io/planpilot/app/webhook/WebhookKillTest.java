package io.planpilot.app.webhook;

import io.planpilot.app.PlanPilotApplication;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter process is killed (SIGKILL) in the middle of a burst of callbacks and started again
 * on the same data directory: every callback it acknowledged is in the inbox once and processed,
 * including those it had claimed when it died. Runs the adapter as a separate JVM with the test
 * classpath (the {@code hooked} test connector).
 */
class WebhookKillTest {

    private static final String TOKEN = "kill-test-token";
    private static final Pattern PG_PORT = Pattern.compile("Embedded PostgreSQL is up on 127\\.0\\.0\\.1:(\\d+)");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void everyAcknowledgedEventIsProcessedExactlyOnceAfterTheAdapterIsKilledMidBurst() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "kill-");
        int port = freePort();

        Process first = start(dir, port, "first.log");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger sequence = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread sender = new Thread(() -> {
                while (sending.get()) {
                    int n = sequence.incrementAndGet();
                    String event = "kill-" + n;
                    // fifty deals: events of one deal arrive together and are coalesced
                    if (post(port, event, "d-" + (n % 50))) {
                        acknowledged.add(event);
                    }
                }
            });
            senders.add(sender);
            sender.start();
        }
        awaitThat(() -> acknowledged.size() >= 400, "400 callbacks acknowledged", Duration.ofSeconds(60));
        first.destroyForcibly(); // SIGKILL: no shutdown hook, the inbox workers die mid-batch
        first.waitFor();
        sending.set(false);
        for (Thread sender : senders) {
            sender.join();
        }
        int acknowledgedBeforeKill = acknowledged.size();
        // the killed JVM's postmaster is still up: what the adapter left unfinished is visible
        long leftOpen = openEntries("jdbc:postgresql://127.0.0.1:" + pgPort(dir.resolve("first.log")) + "/postgres");
        System.out.println("kill test: " + acknowledgedBeforeKill + " acknowledged, " + leftOpen + " entries open at the kill");

        Process second = start(dir, port, "second.log");
        try {
            int pgPort = pgPort(dir.resolve("second.log"));
            String url = "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres";
            awaitThat(() -> openEntries(url) == 0, "every entry processed", Duration.ofSeconds(90));

            Map<String, String> statuses = statuses(url);
            assertThat(acknowledgedBeforeKill).isGreaterThanOrEqualTo(400);
            for (String event : acknowledged) {
                assertThat(statuses.get(event)).as("status of acknowledged event %s", event).isEqualTo("PROCESSED");
            }
            // one row per event id (the unique key), and nothing was left half-done or given up
            assertThat(statuses.values()).containsOnly("PROCESSED");
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    private Process start(Path dir, int port, String log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PlanPilotApplication.class.getName(),
                "--server.port=" + port,
                "--adapter.data-dir=" + dir.resolve("data"),
                "--adapter.security.admin-token=kill-admin",
                "--adapter.plan-file=" + dir.resolve("none.csv"),
                "--adapter.rules-file=" + dir.resolve("none.yml"),
                "--adapter.connections.hooked.type=hooked",
                "--adapter.connections.hooked.token=" + TOKEN,
                "--adapter.connections.hooked.sync-interval=0",
                "--adapter.webhooks.coalesce-window=PT0S",
                "--adapter.webhooks.lease=PT2S")
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(log).toFile())
                .start();
        awaitThat(() -> healthy(port), "the adapter healthy", Duration.ofSeconds(90));
        return process;
    }

    private boolean post(int port, String event, String deal) {
        String body = "{\"events\":[{\"id\":\"" + event + "\",\"deal\":\"" + deal + "\",\"change\":\"CHANGED\"}]}";
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/hooked"))
                    .header("Content-Type", "application/json").header(HookedConnector.TOKEN_HEADER, TOKEN)
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false; // the adapter died while the request was under way: not acknowledged
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean healthy(int port) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static long openEntries(String url) {
        try (Connection db = DriverManager.getConnection(url, "postgres", "");
             ResultSet rows = db.createStatement().executeQuery(
                     "select count(*) from webhook_inbox where status in ('RECEIVED', 'PROCESSING', 'FAILED')")) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            return -1;
        }
    }

    private static Map<String, String> statuses(String url) throws SQLException {
        Map<String, String> statuses = new HashMap<>();
        try (Connection db = DriverManager.getConnection(url, "postgres", "");
             ResultSet rows = db.createStatement().executeQuery("select event_id, status from webhook_inbox where connection = 'hooked'")) {
            while (rows.next()) {
                assertThat(statuses.put(rows.getString(1), rows.getString(2))).as("a second row for %s", rows.getString(1)).isNull();
            }
        }
        return statuses;
    }

    private static int pgPort(Path log) throws IOException {
        Matcher matcher = PG_PORT.matcher(Files.readString(log));
        assertThat(matcher.find()).as("the embedded database's port in the log").isTrue();
        return Integer.parseInt(matcher.group(1));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void awaitThat(java.util.function.BooleanSupplier condition, String what, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not " + what + " after " + within.toSeconds() + " s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
