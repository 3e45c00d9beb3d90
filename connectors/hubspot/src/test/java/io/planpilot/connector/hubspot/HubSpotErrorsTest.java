package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmUnavailableException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** HubSpot's error answers as the kinds CrmResilience acts on, with HubSpot's message and correlation id. */
class HubSpotErrorsTest {

    private static final Instant NOW = Instant.parse("2026-11-27T20:00:00Z");
    private final HubSpotErrors errors = new HubSpotErrors(Clock.fixed(NOW, ZoneOffset.UTC), ZoneId.of("America/New_York"));

    private static String limited(String policy) {
        return "{\"status\":\"error\",\"message\":\"You have reached your " + policy.toLowerCase() + " limit.\","
                + "\"errorType\":\"RATE_LIMIT\",\"correlationId\":\"c0ffee00-1111-2222-3333-444455556666\",\"policyName\":\""
                + policy + "\",\"groupName\":\"privateapps:62515\"}";
    }

    @Test
    void theRollingLimitWaitsOutItsWindow() {
        Map<String, Collection<String>> headers = Map.of("X-HubSpot-RateLimit-Interval-Milliseconds", List.of("10000"),
                "X-HubSpot-RateLimit-Remaining", List.of("0"));

        RuntimeException e = errors.classify("GET objects/deals", 429, headers, limited("TEN_SECONDLY_ROLLING"));

        assertThat(e).isInstanceOf(CrmRateLimitedException.class)
                .hasMessageContaining("TEN_SECONDLY_ROLLING").hasMessageContaining("c0ffee00-1111-2222-3333-444455556666");
        assertThat(((CrmRateLimitedException) e).retryAfter()).contains(Duration.ofSeconds(10));
    }

    @Test
    void theSearchLimitWaitsASecondAndTheDailyOneUntilTheAccountsMidnight() {
        CrmRateLimitedException secondly = (CrmRateLimitedException) errors.classify("POST objects/deals/search", 429, Map.of(),
                limited("SECONDLY"));
        CrmRateLimitedException daily = (CrmRateLimitedException) errors.classify("GET objects/deals", 429, Map.of(),
                limited("DAILY"));

        assertThat(secondly.retryAfter()).contains(Duration.ofSeconds(1));
        // 20:00 UTC is 15:00 in New York: the reset is 9 hours away, far over retry.longest-wait, so no retry loop
        assertThat(daily.retryAfter()).contains(Duration.ofHours(9));
        assertThat(daily).hasMessageContaining("2026-11-28T05:00:00Z");
    }

    @Test
    void aMissingScopeIsRefusedNamingTheScopeHubSpotAsksFor() {
        String body = "{\"status\":\"error\",\"message\":\"This app hasn't been granted all required scopes to make this call.\","
                + "\"correlationId\":\"a1b2\",\"errors\":[{\"message\":\"One or more of the following scopes are required.\","
                + "\"context\":{\"requiredGranularScopes\":[\"crm.objects.deals.read\"]}}],\"category\":\"MISSING_SCOPES\"}";

        RuntimeException e = errors.classify("GET objects/deals", 403, Map.of(), body);

        assertThat(e).isInstanceOf(CrmRejectedException.class).hasMessageContaining("crm.objects.deals.read")
                .hasMessageContaining("correlationId a1b2").hasMessageContaining("MISSING_SCOPES");
        assertThat(errors.classify("GET objects/deals", 502, Map.of(), "<html>Bad Gateway</html>"))
                .isInstanceOf(CrmUnavailableException.class);
    }

    @Test
    void theQuotaInTheHeadersSlowsDownOnlyWhenLittleIsLeft() {
        assertThat(HubSpotRateLimitHeaders.wait(100, 50, 10_000)).isZero();
        assertThat(HubSpotRateLimitHeaders.wait(100, 4, 10_000)).isEqualTo(Duration.ofMillis(2_000));
        assertThat(HubSpotRateLimitHeaders.wait(100, 0, 10_000)).isEqualTo(Duration.ofSeconds(10));
    }
}
