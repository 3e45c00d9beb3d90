package io.planpilot.connector.support;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");

    @Test
    void readsDeltaSecondsAndHttpDates() {
        assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 1 ", NOW)).contains(Duration.ofSeconds(1));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 08:00:05 GMT", NOW)).contains(Duration.ofSeconds(5));
        assertThat(RetryAfter.parse("Fri, 27 Nov 2026 07:59:00 GMT", NOW)).contains(Duration.ZERO);
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
    }

    @Test
    void readsResetHeadersInTheCrmsStyle() {
        assertThat(RetryAfter.parseReset(String.valueOf(NOW.getEpochSecond() + 7), RetryAfter.ResetStyle.EPOCH_SECONDS, NOW))
                .contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parseReset(String.valueOf(NOW.getEpochSecond() - 7), RetryAfter.ResetStyle.EPOCH_SECONDS, NOW))
                .contains(Duration.ZERO);
        assertThat(RetryAfter.parseReset("2", RetryAfter.ResetStyle.SECONDS_FROM_NOW, NOW)).contains(Duration.ofSeconds(2));
        assertThat(RetryAfter.parseReset("0.25", RetryAfter.ResetStyle.SECONDS_FROM_NOW, NOW)).contains(Duration.ofMillis(250));
        assertThat(RetryAfter.parseReset("x", RetryAfter.ResetStyle.SECONDS_FROM_NOW, NOW)).isEmpty();
    }

    @Test
    void findsHeadersWhateverTheirCaseAndPrefersRetryAfter() {
        Map<String, List<String>> both = Map.of("retry-after", List.of("3"), "x-ratelimit-reset", List.of("9"));
        Map<String, List<String>> reset = Map.of("X-RATELIMIT-RESET", List.of("9"));

        assertThat(RetryAfter.fromHeaders(both, "X-RateLimit-Reset", RetryAfter.ResetStyle.SECONDS_FROM_NOW, NOW))
                .contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.fromHeaders(reset, "X-RateLimit-Reset", RetryAfter.ResetStyle.SECONDS_FROM_NOW, NOW))
                .contains(Duration.ofSeconds(9));
        assertThat(RetryAfter.fromHeaders(reset, null, RetryAfter.ResetStyle.SECONDS_FROM_NOW, NOW)).isEmpty();
    }
}
