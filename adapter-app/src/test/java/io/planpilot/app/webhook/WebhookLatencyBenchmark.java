package io.planpilot.app.webhook;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

/**
 * From event received to KPI updated, end to end: a callback announces a new deal, the adapter
 * stores it, a worker re-reads the deal from the CRM on WireMock ({@code GET /deals/{id}}), stores
 * it and brings it into the KPI snapshot, and the deal appears in {@code GET /api/v1/data-quality}
 * (every hooked deal lacks an owner). {@value #PROBES} probes in parallel, {@value #SAMPLES} samples
 * each; the coalescing window is the default (1 s). A benchmark, not a test: run with
 * {@code ./mvnw -B -ntp -pl adapter-app -am verify -Dwebhook.latency=true -Dtest=WebhookLatencyBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}; figures in docs/benchmarks.md.
 */
@EnabledIfSystemProperty(named = "webhook.latency", matches = "true")
class WebhookLatencyBenchmark extends WebhookIntegrationTest {

    static final int PROBES = 5;
    static final int SAMPLES = 40;

    @Test
    void eventToKpiLatency() throws Exception {
        WireMockServer crm = new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(20));
        crm.start();
        CRM.readUrl = crm.baseUrl();
        try {
            List<Long> millis = Collections.synchronizedList(new ArrayList<>());
            ExecutorService probes = Executors.newFixedThreadPool(PROBES);
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < PROBES; p++) {
                running.add(probes.submit(() -> {
                    for (int i = 0; i < SAMPLES; i++) {
                        String deal = unique("latency");
                        crm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathEqualTo("/deals/" + deal))
                                .willReturn(okJson("{\"amount\": 1000}")));
                        long start = System.nanoTime();
                        hook(events(unique("lat-event") + "=" + deal)).expectStatus().isOk();
                        while (!inKpis(deal)) {
                            pause(5);
                        }
                        millis.add((System.nanoTime() - start) / 1_000_000);
                    }
                }));
            }
            for (Future<?> probe : running) {
                probe.get();
            }
            probes.shutdown();
            List<Long> sorted = new ArrayList<>(millis);
            Collections.sort(sorted);
            System.out.printf("event -> KPI latency over %d events: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                    sorted.size(), at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99), sorted.get(sorted.size() - 1));
        } finally {
            CRM.readUrl = null;
            crm.stop();
        }
    }

    private boolean inKpis(String deal) {
        Map<String, Object> quality = get("/api/v1/data-quality?connection=hooked").exchange().expectStatus().isOk()
                .expectBody(JSON_MAP).returnResult().getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) quality.get("items");
        return items.stream().anyMatch(item -> deal.equals(item.get("dealId")));
    }

    private static long at(List<Long> sorted, double quantile) {
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(quantile * sorted.size()) - 1));
    }
}
