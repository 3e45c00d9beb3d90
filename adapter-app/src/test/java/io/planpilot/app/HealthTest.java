package io.planpilot.app;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest extends AdapterIntegrationTest {

    @Test
    void healthIsPublicAndTerseWithoutTheToken() {
        Map<String, Object> health = web.get().uri("/actuator/health").exchange()
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(health).containsEntry("status", "UP").doesNotContainKey("components");
    }

    @Test
    void aFailingConnectionShowsInItsOwnComponentWithoutLoweringTheOverallStatus() {
        SMALL.delete("users.csv");
        syncAndWait("small", "FULL");

        Map<String, Object> health = web.get().uri("/actuator/health")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isOk().expectBody(JSON_MAP).returnResult().getResponseBody();

        assertThat(health).as(health.toString()).containsEntry("status", "UP").containsKey("components");
        @SuppressWarnings("unchecked")
        Map<String, Object> small = (Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>) ((Map<String, Object>)
                health.get("components")).get("connections")).get("components")).get("small");
        assertThat(small).containsEntry("status", "FAILING");
        assertThat(((Map<?, ?>) small.get("details")).get("error").toString()).contains("users.csv");
    }

    @Test
    void prometheusMetricsAreServed() {
        String metrics = web.get().uri("/actuator/prometheus").exchange()
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();

        assertThat(metrics).contains("jvm_memory_used_bytes");
    }
}
