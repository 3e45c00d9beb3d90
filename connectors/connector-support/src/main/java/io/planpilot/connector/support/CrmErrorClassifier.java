package io.planpilot.connector.support;

import java.time.Clock;
import java.util.Collection;
import java.util.Map;

/**
 * Turns a CRM's error answer into one of the {@link CrmCallException}s, which decide whether the
 * call is retried. Each connector has one: CRMs signal limits and faults their own ways (Bitrix24
 * answers HTTP 503 {@code QUERY_LIMIT_EXCEEDED}, HubSpot 429 with a {@code policyName}, Pipedrive 429
 * with {@code x-ratelimit-reset}). A connector's classifier handles what its CRM does specially and
 * hands the rest to {@link #standard}.
 */
@FunctionalInterface
public interface CrmErrorClassifier {

    /**
     * The exception for an answer with a status that is not 2xx.
     *
     * @param endpoint the CRM's name of the call
     * @param headers  the response headers (look them up with {@link RetryAfter#header}, any case)
     * @param body     the response body as text, empty when there was none
     */
    RuntimeException classify(String endpoint, int status, Map<String, Collection<String>> headers, String body);

    /** {@link #standard(String, String, RetryAfter.ResetStyle, Clock)} reading only {@code Retry-After}. */
    static CrmErrorClassifier standard(String connectorType) {
        return standard(connectorType, null, RetryAfter.ResetStyle.SECONDS_FROM_NOW, Clock.systemUTC());
    }

    /**
     * What HTTP says, for a CRM with no special signals: 429 is rate limited (waiting for
     * {@code Retry-After}, else {@code resetHeader}); 408 and 5xx are unavailable; 401, 403 and 404
     * are rejected with what the admin should check; other 4xx are rejected with the CRM's text.
     */
    static CrmErrorClassifier standard(String connectorType, String resetHeader, RetryAfter.ResetStyle resetStyle,
                                       Clock clock) {
        return (endpoint, status, headers, body) -> {
            String excerpt = excerpt(body);
            if (status == 429) {
                return new CrmRateLimitedException(connectorType, endpoint, "HTTP 429: the CRM's rate limit is reached"
                        + (excerpt.isEmpty() ? "" : " (" + excerpt + ")"),
                        RetryAfter.fromHeaders(headers, resetHeader, resetStyle, clock.instant()).orElse(null));
            }
            if (status == 408 || status >= 500) {
                return new CrmUnavailableException(connectorType, endpoint, "HTTP " + status
                        + (excerpt.isEmpty() ? "" : ": " + excerpt));
            }
            String advice = switch (status) {
                case 401 -> "the CRM refuses the credentials; check the connection's token";
                case 403 -> "the CRM denies this call; grant the token the scope it needs";
                case 404 -> "not found; check the connection's base URL (portal address)";
                default -> "the CRM refuses the call";
            };
            return new CrmRejectedException(connectorType, endpoint, status, null, "HTTP " + status + ": " + advice
                    + (excerpt.isEmpty() ? "" : " (" + excerpt + ")"));
        };
    }

    /** The body cut to 200 characters on one line, for messages. */
    static String excerpt(String body) {
        if (body == null) {
            return "";
        }
        String line = body.strip().replaceAll("\\s+", " ");
        return line.length() <= 200 ? line : line.substring(0, 200) + "…";
    }
}
