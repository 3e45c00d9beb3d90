package io.planpilot.app.webhook;

import io.planpilot.app.config.AdapterConfigReader;
import io.planpilot.app.config.ConfigProblem;
import io.planpilot.app.config.InvalidConfigurationException;
import io.planpilot.app.config.WebhooksConfig;
import io.planpilot.connector.csv.CsvConnectorFactory;
import org.junit.jupiter.api.Test;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code adapter.webhooks.*}: defaults, every key, and each bad value or unknown key reported by name. */
class WebhooksConfigTest {

    private final AdapterConfigReader reader = new AdapterConfigReader(Map.of("csv", new CsvConnectorFactory()));

    @Test
    void withoutKeysTheDefaultsApply() {
        WebhooksConfig webhooks = reader.read(environment(Map.of())).webhooks();

        assertThat(webhooks).isEqualTo(WebhooksConfig.defaults());
        assertThat(webhooks.maxBodySize()).isEqualTo(1024 * 1024);
        assertThat(webhooks.workers()).isEqualTo(2);
        assertThat(webhooks.pollInterval()).isEqualTo(Duration.ofMillis(200));
        assertThat(webhooks.coalesceWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(webhooks.maxAttempts()).isEqualTo(8);
        assertThat(webhooks.initialBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(webhooks.maxBackoff()).isEqualTo(Duration.ofMinutes(5));
        assertThat(webhooks.lease()).isEqualTo(Duration.ofMinutes(2));
        assertThat(webhooks.batchSize()).isEqualTo(100);
        assertThat(webhooks.retention()).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void readsEveryKey() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("adapter.webhooks.max-body-size", "256KB");
        keys.put("adapter.webhooks.workers", "0");
        keys.put("adapter.webhooks.poll-interval", "PT0.5S");
        keys.put("adapter.webhooks.batch-size", "10");
        keys.put("adapter.webhooks.coalesce-window", "0");
        keys.put("adapter.webhooks.lease", "PT30S");
        keys.put("adapter.webhooks.max-attempts", "3");
        keys.put("adapter.webhooks.backoff.initial", "PT2S");
        keys.put("adapter.webhooks.backoff.max", "PT1M");
        keys.put("adapter.webhooks.retention", "P30D");

        WebhooksConfig webhooks = reader.read(environment(keys)).webhooks();

        assertThat(webhooks).isEqualTo(new WebhooksConfig(256 * 1024, 0, Duration.ofMillis(500), 10, Duration.ZERO,
                Duration.ofSeconds(30), 3, Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofDays(30)));
        assertThat(reader.read(environment(Map.of("adapter.webhooks.max-body-size", "2048"))).webhooks().maxBodySize()).isEqualTo(2048);
    }

    @Test
    void badValuesAndUnknownKeysAreReportedByName() {
        Map<String, Object> keys = new LinkedHashMap<>();
        keys.put("adapter.webhooks.max-body-size", "huge");
        keys.put("adapter.webhooks.workers", "-1");
        keys.put("adapter.webhooks.poll-interval", "0");
        keys.put("adapter.webhooks.max-attempts", "0");
        keys.put("adapter.webhooks.backoff.initial", "PT1M");
        keys.put("adapter.webhooks.backoff.max", "PT1S");
        keys.put("adapter.webhooks.retention", "forever");
        keys.put("adapter.webhooks.retries", "3");

        assertThatThrownBy(() -> reader.read(environment(keys)))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::key)
                        .containsExactlyInAnyOrder("adapter.webhooks.max-body-size", "adapter.webhooks.workers",
                                "adapter.webhooks.poll-interval", "adapter.webhooks.max-attempts",
                                "adapter.webhooks.backoff.max", "adapter.webhooks.retention", "adapter.webhooks.retries"));
    }

    private static StandardEnvironment environment(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        // only the test's keys: not the system environment or properties of the machine
        environment.getPropertySources().forEach(source -> environment.getPropertySources().remove(source.getName()));
        environment.getPropertySources().addLast(new MapPropertySource("test", properties));
        return environment;
    }
}
