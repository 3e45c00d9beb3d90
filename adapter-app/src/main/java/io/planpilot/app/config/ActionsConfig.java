package io.planpilot.app.config;

import java.time.Duration;

/**
 * {@code adapter.actions.*}: how the outbox's dispatchers send actions into the CRMs.
 *
 * @param dispatchers    dispatcher threads in this process; 0 only proposes (another replica sends)
 * @param pollInterval   how often an idle dispatcher looks for due actions (it is also woken by a rules run)
 * @param batchSize      actions a dispatcher claims at once
 * @param lease          how long a claimed action stays with its dispatcher; after it, another one takes it
 * @param initialBackoff the wait after the first failed attempt; it doubles with each further failure
 * @param maxBackoff     the longest wait between attempts (a CRM that is down is tried at least this often)
 */
public record ActionsConfig(int dispatchers, Duration pollInterval, int batchSize, Duration lease,
                            Duration initialBackoff, Duration maxBackoff) {

    public static ActionsConfig defaults() {
        return new ActionsConfig(1, Duration.ofSeconds(1), 20, Duration.ofMinutes(2), Duration.ofSeconds(5),
                Duration.ofMinutes(5));
    }
}
