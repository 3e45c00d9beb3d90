package io.planpilot.connector.support;

import java.time.Duration;
import java.util.Optional;

/**
 * The CRM asks to slow down: HTTP 429, or the CRM's own limit error (Bitrix24's HTTP 503
 * {@code QUERY_LIMIT_EXCEEDED}). {@link CrmResilience} retries it after {@link #retryAfter()} when
 * the CRM said how long to wait, else after its backoff. It does not count as a CRM failure for the
 * circuit breaker.
 */
public class CrmRateLimitedException extends CrmCallException {

    private final Duration retryAfter;

    public CrmRateLimitedException(String connectorType, String endpoint, String detail, Duration retryAfter) {
        this(connectorType, endpoint, detail, retryAfter, null);
    }

    public CrmRateLimitedException(String connectorType, String endpoint, String detail, Duration retryAfter,
                                   Throwable cause) {
        super(connectorType, endpoint, detail, cause);
        this.retryAfter = retryAfter == null || retryAfter.isNegative() ? null : retryAfter;
    }

    /** How long the CRM asked to wait ({@code Retry-After} or a reset header), if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
