package io.planpilot.app.ui;

import io.planpilot.app.AdapterIntegrationTest;
import io.planpilot.app.security.SignedLinks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How long the overview page takes on the demo data (8,800 deals, 43,924 activities), measured as
 * the time from the request to the last byte of the page over localhost, page by page after a warm-up.
 * Not a test of speed (the figure goes into docs/benchmarks.md); run it with
 * {@code ./mvnw -B -ntp -pl adapter-app -am verify -Dui.bench=true -Dtest=DashboardPageBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "ui.bench", matches = "true")
class DashboardPageBenchmark extends AdapterIntegrationTest {

    private static final int WARM_UP = 50;
    private static final int SAMPLES = 300;

    @Autowired
    private SignedLinks links;

    @Test
    void overviewOnTheDemoData() throws Exception {
        if (count("select count(*) from deal where connection = 'demo' and not deleted") != 8800) {
            syncAndWait("demo", "FULL");
        }
        web.put().uri("/api/v1/plan").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.parseMediaType("text/csv")).bodyValue(DashboardBrowserTest.demoPlan()).exchange()
                .expectStatus().isOk();
        String token = links.issue("all", Duration.ofHours(1));
        try {
            for (String query : List.of("connection=demo&dimension=region", "connection=demo&dimension=rep", "dimension=region")) {
                String uri = "/ui?t=" + token + "&period=2026-11&asOf=2026-11-20T12:00:00Z&" + query;
                for (int i = 0; i < WARM_UP; i++) {
                    load(uri);
                }
                List<Long> micros = new ArrayList<>();
                for (int i = 0; i < SAMPLES; i++) {
                    long start = System.nanoTime();
                    load(uri);
                    micros.add((System.nanoTime() - start) / 1_000);
                }
                Collections.sort(micros);
                System.out.printf("UI overview %-35s median %.1f ms, p95 %.1f ms, max %.1f ms (%d pages)%n", query,
                        micros.get(SAMPLES / 2) / 1000.0, micros.get(SAMPLES * 95 / 100) / 1000.0,
                        micros.get(SAMPLES - 1) / 1000.0, SAMPLES);
            }
        } finally {
            web.put().uri("/api/v1/plan").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                    .contentType(MediaType.parseMediaType("text/csv")).bodyValue("period,dimension,key,amount\n").exchange();
        }
    }

    private void load(String uri) {
        byte[] page = web.get().uri(uri).exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody();
        assertThat(page).isNotEmpty();
    }
}
