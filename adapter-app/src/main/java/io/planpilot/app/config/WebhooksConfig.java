package io.planpilot.app.config;

import java.time.Duration;

/**
 * {@code adapter.webhooks.*}: how callbacks are taken in and how the inbox workers process them.
 *
 * @param maxBodySize     the largest callback body accepted, in bytes (larger: 413)
 * @param workers         inbox workers in this process; 0 only receives (another replica processes)
 * @param pollInterval    how often an idle worker looks for due entries (it is also woken by an insert)
 * @param batchSize       entries a worker claims at once (plus the other open entries of their records)
 * @param coalesceWindow  how long a new entry waits for more changes of its record before it is processed
 * @param lease           how long a claimed entry stays with its worker; after it, another worker takes it
 * @param maxAttempts     attempts before an entry is DEAD
 * @param initialBackoff  the wait after the first failed attempt; it doubles with each further failure
 * @param maxBackoff      the longest wait between attempts
 * @param retention       how long PROCESSED and MALFORMED entries and their raw requests are kept (DEAD ones stay)
 */
public record WebhooksConfig(long maxBodySize, int workers, Duration pollInterval, int batchSize,
                             Duration coalesceWindow, Duration lease, int maxAttempts, Duration initialBackoff,
                             Duration maxBackoff, Duration retention) {

    public static final long DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

    public static WebhooksConfig defaults() {
        return new WebhooksConfig(DEFAULT_MAX_BODY_SIZE, 2, Duration.ofMillis(200), 100, Duration.ofSeconds(1),
                Duration.ofMinutes(2), 8, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofDays(7));
    }
}
