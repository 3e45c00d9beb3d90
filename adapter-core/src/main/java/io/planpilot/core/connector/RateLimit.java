package io.planpilot.core.connector;

import java.time.Duration;
import java.util.Objects;

/**
 * A connection's configured request rate: at most {@code requests} per {@code per}, and up to
 * {@code burst} at the start of a run where the CRM's own limiter allows one (null: none).
 */
public record RateLimit(int requests, Duration per, Integer burst) {
    public RateLimit {
        Objects.requireNonNull(per, "per");
        if (requests <= 0 || per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("a rate limit allows at least one request per positive period");
        }
    }

    @Override
    public String toString() {
        return requests + "/" + per + (burst == null ? "" : " burst " + burst);
    }
}
