package io.planpilot.connector.hubspot;

import java.time.Duration;

/**
 * Keeps consecutive calls of a connection at least {@code per / requests} apart. The connection's
 * limiter (Resilience4j) hands out permits in fixed cycles counted from its creation, so a first call
 * late in its cycle and the next early in the following one come closer than that: one request more
 * than allowed can then fall into a rolling window, which is how HubSpot counts (100 per any 10 s).
 * Spaced calls never put more than {@code requests} into any window of {@code per}.
 */
final class CallSpacing {

    private final long gapNanos;
    private long last = Long.MIN_VALUE;

    CallSpacing(int requests, Duration per) {
        this.gapNanos = per.toNanos() / requests;
    }

    /** Waits until the gap since the last call has passed, then counts this call. */
    synchronized void await() {
        long now = System.nanoTime();
        if (last != Long.MIN_VALUE) {
            long due = last + gapNanos;
            while (now < due) {
                try {
                    Thread.sleep((due - now) / 1_000_000, (int) ((due - now) % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                now = System.nanoTime();
            }
        }
        last = now;
    }
}
