package io.planpilot.app.security;

import io.planpilot.app.AdapterIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/** Every body the adapter reads is capped: an oversized plan upload is a 413 problem and changes nothing. */
class RequestSizeTest extends AdapterIntegrationTest {

    @Test
    void aPlanUploadOverTheCapIs413AndTheOldPlanStays() {
        StringBuilder csv = new StringBuilder("period,dimension,key,amount\n");
        while (csv.length() < 3 * 1024 * 1024) {
            csv.append("2026-11,department,,1000\n");
        }
        web.put().uri("/api/v1/plan").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).contentType(MediaType.TEXT_PLAIN)
                .bodyValue(csv.toString()).exchange()
                .expectStatus().isEqualTo(413)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail).contains("2MB"));
        get("/api/v1/kpi/summary").exchange().expectStatus().isOk();
    }

    @Test
    void aSyncRequestBodyOverTheCapIs413() {
        String padding = "x".repeat(3 * 1024 * 1024);
        web.post().uri("/api/v1/connections/small/sync").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN)
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{\"mode\":\"FULL\",\"pad\":\"" + padding + "\"}").exchange()
                .expectStatus().isEqualTo(413);
    }
}
