package io.planpilot.connector.support;

import io.planpilot.core.connector.SettingProblem;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CrmHttpPolicyTest {

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        CrmHttpPolicy policy = CrmHttpPolicy.defaults(2, Duration.ofSeconds(1));

        assertThat(policy.rateLimit()).isEqualTo(new CrmHttpPolicy.RateLimit(2, Duration.ofSeconds(1), 1));
        assertThat(policy.retries()).isEqualTo(new CrmHttpPolicy.Retries(5, Duration.ofMillis(500), 2.0,
                Duration.ofSeconds(30), Duration.ofMinutes(5)));
        assertThat(policy.timeouts()).isEqualTo(new CrmHttpPolicy.Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30)));
        assertThat(policy.breaker()).isEqualTo(new CrmHttpPolicy.Breaker(20, 10, 50f, Duration.ofSeconds(30), 3));
        assertThat(policy.safetyDelay()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.rateLimit().text()).isEqualTo("2/PT1S");
    }

    @Test
    void theOptionsOverrideTheDefaults() {
        CrmHttpPolicy policy = CrmHttpPolicy.defaults(2, Duration.ofSeconds(1)).withOptions(Map.of(
                "rate-limit.requests", "100", "rate-limit.per", "PT10S", "rate-limit.burst", "10",
                "retry.max-attempts", "3", "retry.initial-backoff", "PT0.1S", "timeout.read", "PT2S",
                "circuit-breaker.failure-rate", "75", "sync.safety-delay", "0", "path", "ignored"));

        assertThat(policy.rateLimit()).isEqualTo(new CrmHttpPolicy.RateLimit(100, Duration.ofSeconds(10), 10));
        assertThat(policy.rateLimit().text()).isEqualTo("100/PT10S burst 10");
        assertThat(policy.retries().maxAttempts()).isEqualTo(3);
        assertThat(policy.retries().initialBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.timeouts().read()).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.timeouts().connect()).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.breaker().failureRatePercent()).isEqualTo(75f);
        assertThat(policy.safetyDelay()).isZero();
        assertThat(CrmResilience.refreshPeriod(policy.rateLimit())).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aRateLimitFromTheOptionsComesWithoutTheDefaultsBurst() {
        CrmHttpPolicy bitrix = CrmHttpPolicy.defaults(2, Duration.ofSeconds(1))
                .withRateLimit(new CrmHttpPolicy.RateLimit(2, Duration.ofSeconds(1), 2));

        assertThat(bitrix.withOptions(Map.of("rate-limit.requests", "5", "rate-limit.per", "PT1S")).rateLimit().burst())
                .isEqualTo(1);
    }

    @Test
    void wrongValuesAreNamedByKey() {
        assertThat(CrmHttpPolicy.problems(Map.of("rate-limit.requests", "two", "rate-limit.per", "1s",
                "timeout.read", "0", "retry.max-attempts", "0", "circuit-breaker.failure-rate", "150")))
                .extracting(SettingProblem::key)
                .containsExactly("circuit-breaker.failure-rate", "rate-limit.per", "rate-limit.requests",
                        "retry.max-attempts", "timeout.read");
        assertThat(CrmHttpPolicy.problems(Map.of("rate-limit.requests", "5")))
                .containsExactly(new SettingProblem("rate-limit.per", "is required with rate-limit.requests"));
        assertThat(CrmHttpPolicy.problems(Map.of("rate-limit.requests", "5", "rate-limit.per", "PT1S", "rate-limit.burst", "9")))
                .containsExactly(new SettingProblem("rate-limit.burst", "must not exceed rate-limit.requests (5)"));
        assertThatThrownBy(() -> CrmHttpPolicy.defaults(1, Duration.ofSeconds(1)).withOptions(Map.of("timeout.read", "-PT1S")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("timeout.read: must be an ISO-8601 duration above 0 such as PT1S (got '-PT1S')");
    }

    @Test
    void backoffGrowsWithFullJitterUpToItsCap() {
        CrmHttpPolicy.Retries retries = new CrmHttpPolicy.Retries(5, Duration.ofMillis(500), 2, Duration.ofSeconds(30),
                Duration.ofMinutes(5));
        for (int i = 0; i < 200; i++) {
            assertThat(CrmResilience.backoff(retries, 1)).isBetween(0L, 500L);
            assertThat(CrmResilience.backoff(retries, 3)).isBetween(0L, 2000L);
            assertThat(CrmResilience.backoff(retries, 20)).isBetween(0L, 30_000L);
        }
    }
}
