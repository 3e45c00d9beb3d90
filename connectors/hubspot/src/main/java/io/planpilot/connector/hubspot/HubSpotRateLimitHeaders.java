package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.RetryAfter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Collection;
import java.util.Map;

/**
 * Slows a connection down before HubSpot refuses it, from the quota HubSpot announces with every
 * answer: {@code X-HubSpot-RateLimit-Max} and {@code -Remaining} (the app's rolling window of
 * {@code -Interval-Milliseconds}), {@code X-HubSpot-RateLimit-Daily} and {@code -Daily-Remaining}. The
 * connection's own limiter keeps to the configured rate; this covers what it cannot see (other
 * connections or tools using the same app, a lower limit than configured):
 * <ul>
 *   <li>when less than a tenth of the window's requests remain, the next call waits its share of the
 *       window ({@code interval / (remaining + 1)});</li>
 *   <li>when the daily quota is spent, calls fail at once until the account's midnight (as HubSpot's
 *       {@code DAILY} 429 would), without spending requests on refusals.</li>
 * </ul>
 * Thread-safe; the last answer wins.
 */
final class HubSpotRateLimitHeaders {

    static final String MAX = "X-HubSpot-RateLimit-Max";
    static final String REMAINING = "X-HubSpot-RateLimit-Remaining";
    static final String INTERVAL = "X-HubSpot-RateLimit-Interval-Milliseconds";
    static final String DAILY = "X-HubSpot-RateLimit-Daily";
    static final String DAILY_REMAINING = "X-HubSpot-RateLimit-Daily-Remaining";

    /** Sleeps; a test replaces it to see the waits. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private record Quota(Long max, Long remaining, Long intervalMillis, Long dailyRemaining, Instant at) {
    }

    private final Clock clock;
    private final ZoneId accountZone;
    private final Sleeper sleeper;
    private volatile Quota last;

    HubSpotRateLimitHeaders(Clock clock, ZoneId accountZone, Sleeper sleeper) {
        this.clock = clock;
        this.accountZone = accountZone;
        this.sleeper = sleeper;
    }

    /** Takes the headers of an answer (any status). */
    void answered(int status, Map<String, Collection<String>> headers) {
        Long max = number(headers, MAX);
        Long remaining = number(headers, REMAINING);
        Long interval = number(headers, INTERVAL);
        Long dailyRemaining = number(headers, DAILY_REMAINING);
        if (max != null || remaining != null || dailyRemaining != null) {
            last = new Quota(max, remaining, interval, dailyRemaining, clock.instant());
        }
    }

    /** Waits, if the last answer said the window is nearly spent; fails when the day's quota is. */
    void beforeCall(String endpoint) {
        Quota quota = last;
        if (quota == null) {
            return;
        }
        Instant now = clock.instant();
        if (quota.dailyRemaining() != null && quota.dailyRemaining() <= 0) {
            Instant reset = LocalDate.ofInstant(quota.at(), accountZone).plusDays(1).atStartOfDay(accountZone).toInstant();
            if (now.isBefore(reset)) {
                throw new CrmRateLimitedException(HubSpotConnectorFactory.TYPE, endpoint, "X-HubSpot-RateLimit-Daily-Remaining "
                        + "is 0: the account's daily API limit is spent; calls resume after the daily reset at " + reset
                        + " (midnight " + accountZone + ")", Duration.between(now, reset));
            }
            last = null;
            return;
        }
        Duration wait = wait(quota, now);
        if (!wait.isZero()) {
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CrmRateLimitedException(HubSpotConnectorFactory.TYPE, endpoint, "interrupted while slowing down", null);
            }
        }
    }

    /** The pause before the next call: its share of what is left of the window, when under a tenth is left. */
    static Duration wait(long max, long remaining, long intervalMillis) {
        if (max <= 0 || intervalMillis <= 0 || remaining * 10 >= max) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(intervalMillis / (Math.max(0, remaining) + 1));
    }

    private static Duration wait(Quota quota, Instant now) {
        if (quota.max() == null || quota.remaining() == null || quota.intervalMillis() == null) {
            return Duration.ZERO;
        }
        Duration wait = wait(quota.max(), quota.remaining(), quota.intervalMillis());
        // the window has moved on since that answer: only what is left of the wait remains
        Duration passed = Duration.between(quota.at(), now);
        return wait.compareTo(passed) > 0 ? wait.minus(passed) : Duration.ZERO;
    }

    /** A header's whole number, or null when absent or not a number. */
    static Long number(Map<String, ? extends Collection<String>> headers, String name) {
        String value = RetryAfter.header(headers, name);
        if (value == null) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
