package io.planpilot.app;

import io.planpilot.app.sync.SyncRun;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.HttpHeaders;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One adapter for all integration tests (one Spring context, one embedded PostgreSQL): a
 * {@code small} CSV connection the tests rewrite, the {@code demo} connection over config/demo, and
 * {@code hooked}, a test-only connector whose webhooks and re-reads the tests control, and {@code amo},
 * an amoCRM account for the widget's backend that is never read. None syncs by itself
 * ({@code sync-interval: 0}); tests start the runs.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        // plain properties, not @DynamicPropertySource: the adapter reads its configuration before
        // the test context adds dynamic ones
        "adapter.data-dir=" + AdapterIntegrationTest.DATA_DIR_NAME,
        "adapter.security.admin-token=" + AdapterIntegrationTest.TOKEN,
        "adapter.security.previous-admin-token=" + AdapterIntegrationTest.PREVIOUS_TOKEN,
        "adapter.time-zone=Europe/Moscow",
        "adapter.plan-file=" + AdapterIntegrationTest.DATA_DIR_NAME + "/plan.csv",
        "adapter.rules-file=" + AdapterIntegrationTest.DATA_DIR_NAME + "/rules.yml",
        "adapter.connections.small.type=csv",
        "adapter.connections.small.path=" + AdapterIntegrationTest.DATA_DIR_NAME + "/small-export",
        "adapter.connections.small.sync-interval=0",
        "adapter.connections.demo.type=csv",
        "adapter.connections.demo.path=../config/demo",
        "adapter.connections.demo.sync-interval=PT0S",
        // webhooks: the test-only `hooked` connector (src/test), short retry waits, few attempts
        "adapter.connections.hooked.type=hooked",
        "adapter.connections.hooked.token=" + AdapterIntegrationTest.HOOK_TOKEN,
        "adapter.connections.hooked.sync-interval=0",
        // the amoCRM widget's backend (io.planpilot.app.amocrm): never synced, its data put in by the tests
        "adapter.connections.amo.type=amocrm",
        "adapter.connections.amo.base-url=https://acme.amocrm.ru",
        "adapter.connections.amo.access-token=test-amo-token",
        "adapter.connections.amo.account-id=" + AdapterIntegrationTest.AMO_ACCOUNT_ID,
        "adapter.connections.amo.client-secret=" + AdapterIntegrationTest.AMO_CLIENT_SECRET,
        "adapter.connections.amo.sync-interval=0",
        "adapter.webhooks.max-attempts=5",
        "adapter.webhooks.backoff.initial=PT0.05S",
        "adapter.webhooks.backoff.max=PT0.2S",
        // actions: quick polls and retries
        "adapter.actions.poll-interval=PT0.05S",
        "adapter.actions.backoff.initial=PT0.05S",
        "adapter.actions.backoff.max=PT0.2S",
        // CRM placements: a Bitrix24 portal with a local application (`b24`) and a HubSpot account (`hs`),
        // both played by CRM_FAKE, whose port is known only once it has started (see crmFake())
        "adapter.connections.b24.type=bitrix24",
        "adapter.connections.b24.base-url=http://localhost:${" + AdapterIntegrationTest.CRM_FAKE_PORT + "}/rest/1/webhooksecret/",
        "adapter.connections.b24.app-client-id=" + AdapterIntegrationTest.B24_CLIENT_ID,
        "adapter.connections.b24.app-client-secret=test-app-secret",
        "adapter.connections.b24.sync-interval=0",
        "adapter.connections.b24.retry.initial-backoff=PT0.01S",
        "adapter.connections.b24.retry.max-backoff=PT0.02S",
        "planpilot.bitrix24.oauth-server=http://localhost:${" + AdapterIntegrationTest.CRM_FAKE_PORT + "}",
        "adapter.connections.hs.type=hubspot",
        "adapter.connections.hs.base-url=http://localhost:${" + AdapterIntegrationTest.CRM_FAKE_PORT + "}",
        "adapter.connections.hs.access-token=pat-test",
        "adapter.connections.hs.client-secret=" + AdapterIntegrationTest.HS_CLIENT_SECRET,
        "adapter.connections.hs.sync-interval=0",
        // the portal's pages (played by CRM_FAKE) may frame the dashboard
        "adapter.ui.frame-ancestors[0]=http://localhost:${" + AdapterIntegrationTest.CRM_FAKE_PORT + "}"})
@AutoConfigureWebTestClient(timeout = "PT60S")
public abstract class AdapterIntegrationTest {

    protected static final String TOKEN = "test-admin-token";
    protected static final String PREVIOUS_TOKEN = "test-previous-admin-token";
    protected static final String HOOK_TOKEN = "test-hook-token";
    protected static final String AMO_ACCOUNT_ID = "29085955";
    /** 64 characters, as amoCRM's integration secret keys are. */
    protected static final String AMO_CLIENT_SECRET = "Yq3vB8kT1mWz0pLr6sXc2dNf9gHj4aKe7uVi5oRy1tQw3eMn8bZx0cFl2hJs6dGk";
    static final String DATA_DIR_NAME = "target/it-data";
    protected static final Path DATA_DIR = freshDataDir();
    protected static final SmallExport SMALL = SmallExport.createIn(DATA_DIR.resolve("small-export"));
    protected static final String B24_CLIENT_ID = "local.5f2a7c1e3b9d40.12345678";
    protected static final String HS_CLIENT_SECRET = "test-hubspot-client-secret";
    static final String CRM_FAKE_PORT = "planpilot.test.crm-fake-port";
    /** The CRMs of `b24` and `hs` (tests stub what they need); nothing calls it unless a test makes it. */
    protected static final com.github.tomakehurst.wiremock.WireMockServer CRM_FAKE = crmFake();

    @Autowired
    protected WebTestClient web;

    @Autowired
    protected DatabaseClient db;

    @org.springframework.boot.test.web.server.LocalServerPort
    private int port;

    /** Runs once per test JVM, before the one shared context starts its database in this folder. */
    private static Path freshDataDir() {
        Path dir = Path.of(DATA_DIR_NAME).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (var files = Files.walk(dir)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            Files.createDirectories(dir);
            // the head of `hooked` gets the head's notices; large deals from 100,000; no schedule
            Files.writeString(dir.resolve("rules.yml"), """
                    schedule: off
                    tasks-per-user-per-day: 50
                    recipients:
                      head: {hooked: "900"}
                    rules:
                      large-deal: {amount: 100000}
                    """);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Started before the context: the connections' URLs name its port through a system property of
     * its own (not an adapter.* key, so contexts other tests start are not given these connections).
     */
    private static com.github.tomakehurst.wiremock.WireMockServer crmFake() {
        var server = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
        server.start();
        System.setProperty(CRM_FAKE_PORT, Integer.toString(server.port()));
        return server;
    }

    /** The port the adapter listens on. */
    protected int port() {
        return port;
    }

    @BeforeEach
    void restoreSmallExport() {
        SmallExport.createIn(SMALL.folder()).delete("stage_history.csv").delete("deal_lines.csv");
    }

    /** A GET with the admin token; the URI is taken as written (already encoded). */
    protected WebTestClient.RequestHeadersSpec<?> get(String uri) {
        return web.get().uri(java.net.URI.create("http://localhost:" + port + uri)).header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN);
    }

    /** Starts a sync through the API and waits for its end; emits the finished run as JSON. */
    protected Map<String, Object> syncAndWait(String connection, String mode) {
        Map<String, Object> started = web.post().uri("/api/v1/connections/{id}/sync", connection)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .bodyValue(Map.of("mode", mode))
                .exchange()
                .expectStatus().isAccepted()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        assertThat(started).containsKeys("runId", "status");
        return awaitRun(((Number) started.get("runId")).longValue());
    }

    protected Map<String, Object> awaitRun(long runId) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Map<String, Object> run = get("/api/v1/sync-runs/" + runId).exchange()
                    .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();
            if (!SyncRun.Status.RUNNING.name().equals(run.get("status"))) {
                return run;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("sync run " + runId + " still running after 60 s: " + run);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    protected long count(String sql) {
        return db.sql(sql).map(row -> row.get(0, Long.class)).one().block();
    }

    protected static final org.springframework.core.ParameterizedTypeReference<Map<String, Object>> JSON_MAP =
            new org.springframework.core.ParameterizedTypeReference<>() {
            };
    protected static final org.springframework.core.ParameterizedTypeReference<java.util.List<Map<String, Object>>> JSON_LIST =
            new org.springframework.core.ParameterizedTypeReference<>() {
            };
}
