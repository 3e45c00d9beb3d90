package io.planpilot.core.connector;

/**
 * How a connection's calls fare right now, for the admin: the rate limiter (permits left of the
 * limit) and the circuit breaker state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}); null
 * where the connector makes no remote calls.
 */
public record ConnectorStatus(String rateLimit, Integer permitsLeft, String circuitBreaker) {

    public static ConnectorStatus local() {
        return new ConnectorStatus(null, null, null);
    }
}
