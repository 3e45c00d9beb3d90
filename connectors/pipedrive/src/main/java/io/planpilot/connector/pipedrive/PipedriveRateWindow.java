package io.planpilot.connector.pipedrive;

import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.RetryAfter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Map;

/**
 * What Pipedrive's headers say about the token's limits, and acting on it before Pipedrive refuses:
 * <ul>
 *   <li>the burst window (2 seconds): every answer carries {@code x-ratelimit-remaining} (requests
 *       left in the window) and {@code x-ratelimit-reset} (seconds until it resets). When nothing is
 *       left, the next call waits for the reset instead of earning a 429;</li>
 *   <li>the daily token budget: a 429 whose {@code x-daily-ratelimit-token-remaining} is 0 means
 *       the day's budget is spent. It resets at the start of the next day (UTC), so waiting in a retry
 *       loop would hold a worker for hours; the call fails at once and so does every later call
 *       until then, without a request, naming when the budget resets.</li>
 * </ul>
 * Thread-safe; one per connection.
 */
final class PipedriveRateWindow {

    static final String REMAINING = "x-ratelimit-remaining";
    static final String RESET = "x-ratelimit-reset";
    static final String DAILY_TOKENS_REMAINING = "x-daily-ratelimit-token-remaining";

    /** Waits; tests count the waits instead of sleeping through them. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration spacing;
    private Instant lastSlot;
    private Instant windowResetsAt;
    private Instant budgetResetsAt;
    private Duration waited = Duration.ZERO;

    /**
     * @param spacing the least time between the starts of two calls (zero: none). Resilience4j's
     *                limiter hands out permits per fixed cycle, so a call at the end of one cycle and
     *                the next at the start of the following one come closer than the rate allows; the
     *                token's window counts every 2 seconds, so with an even pace the calls keep apart.
     */
    PipedriveRateWindow(Clock clock, Duration spacing) {
        this(clock, spacing, duration -> Thread.sleep(duration.toMillis(), (int) (duration.toNanosPart() % 1_000_000)));
    }

    PipedriveRateWindow(Clock clock, Duration spacing, Sleeper sleeper) {
        this.clock = clock;
        this.spacing = spacing;
        this.sleeper = sleeper;
    }

    /** Notes the headers of an answer (any status). */
    synchronized void observe(Map<String, Collection<String>> headers) {
        Instant now = clock.instant();
        String remaining = RetryAfter.header(headers, REMAINING);
        if (remaining != null && isZero(remaining)) {
            Duration reset = RetryAfter.parseReset(RetryAfter.header(headers, RESET), RetryAfter.ResetStyle.SECONDS_FROM_NOW, now)
                    .orElse(Duration.ofSeconds(2));
            windowResetsAt = now.plus(reset);
        } else if (remaining != null) {
            windowResetsAt = null;
        }
    }

    /** Whether an answer's headers say the daily token budget is spent. */
    static boolean budgetSpent(Map<String, Collection<String>> headers) {
        String tokens = RetryAfter.header(headers, DAILY_TOKENS_REMAINING);
        return tokens != null && isZero(tokens);
    }

    /** The start of the next day in UTC, when Pipedrive resets the daily budget. */
    static Instant nextBudgetReset(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    synchronized void budgetSpentUntil(Instant resetAt) {
        budgetResetsAt = resetAt;
    }

    /**
     * Before a call: fails at once while the daily budget is spent; waits while the burst window has
     * nothing left, and keeps the calls' starts {@code spacing} apart.
     */
    void beforeCall(String endpoint) {
        Duration wait;
        synchronized (this) {
            Instant now = clock.instant();
            if (budgetResetsAt != null) {
                if (now.isBefore(budgetResetsAt)) {
                    throw new CrmRateLimitedException(PipedriveConnectorFactory.TYPE, endpoint, dailyBudgetDetail(budgetResetsAt)
                            + " (no request made)", Duration.between(now, budgetResetsAt));
                }
                budgetResetsAt = null;
            }
            Instant start = now;
            if (windowResetsAt != null && now.isBefore(windowResetsAt)) {
                start = windowResetsAt;
                waited = waited.plus(Duration.between(now, windowResetsAt));
            }
            windowResetsAt = null;
            if (lastSlot != null && start.isBefore(lastSlot.plus(spacing))) {
                start = lastSlot.plus(spacing);
            }
            lastSlot = start;
            wait = Duration.between(now, start);
        }
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CrmRateLimitedException(PipedriveConnectorFactory.TYPE, endpoint,
                    "interrupted while waiting for the token's burst window to reset", null, e);
        }
    }

    /** How long calls have waited for the burst window so far. */
    synchronized Duration waited() {
        return waited;
    }

    static String dailyBudgetDetail(Instant resetAt) {
        return "the company's daily API token budget is spent; Pipedrive resets it at " + resetAt
                + " (the start of the next UTC day); a later run resumes. Webhooks keep arriving meanwhile; "
                + "a larger plan or a token top-up raises the budget";
    }

    private static boolean isZero(String value) {
        try {
            return Double.parseDouble(value.trim()) <= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
