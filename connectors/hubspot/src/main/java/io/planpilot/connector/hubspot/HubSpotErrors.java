package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.ErrorBodies;
import io.planpilot.connector.support.CrmErrorClassifier;
import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmUnavailableException;
import io.planpilot.connector.support.RetryAfter;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * HubSpot's error answers turned into the kinds {@link io.planpilot.connector.support.CrmResilience}
 * acts on. An error body is {@code {"status": "error", "message", "correlationId", "category",
 * "errors": [{"message", "context"}]}}; every exception shows {@code message} and {@code correlationId}
 * (what HubSpot support asks for).
 * <ul>
 *   <li>HTTP 429 names its limit in {@code policyName}:
 *     <ul>
 *       <li>{@code TEN_SECONDLY_ROLLING} (the app's 100 requests per rolling 10 s): waited out and
 *           retried: {@code Retry-After} when sent, else the rolling window
 *           ({@code X-HubSpot-RateLimit-Interval-Milliseconds}), after which every earlier request has
 *           left it; without either, the backoff;</li>
 *       <li>{@code SECONDLY} (the search endpoints' 5 a second): retried after a second;</li>
 *       <li>{@code DAILY} (the account's daily quota): not retried in a loop: the wait is until the
 *           next midnight in the account's time zone, far above {@code retry.longest-wait}, so the call
 *           fails at once with the reset time and the next run resumes.</li>
 *     </ul></li>
 *   <li>401: the token is refused (revoked, rotated, or not a token of this account);</li>
 *   <li>403: a scope is missing (HubSpot names the scopes it needs in {@code errors[].context.requiredGranularScopes});</li>
 *   <li>5xx and 408: unavailable, retried;</li>
 *   <li>other 4xx: refused with HubSpot's message (a bad filter, a property that does not exist).</li>
 * </ul>
 */
final class HubSpotErrors implements CrmErrorClassifier {

    static final String TEN_SECONDLY_ROLLING = "TEN_SECONDLY_ROLLING";
    static final String SECONDLY = "SECONDLY";
    static final String DAILY = "DAILY";
    static final String INTERVAL_HEADER = "X-HubSpot-RateLimit-Interval-Milliseconds";


    private final Clock clock;
    private final ZoneId accountZone;

    /** @param accountZone the zone of the account's daily reset (midnight there) */
    HubSpotErrors(Clock clock, ZoneId accountZone) {
        this.clock = clock;
        this.accountZone = accountZone;
    }

    @Override
    public RuntimeException classify(String endpoint, int status, Map<String, Collection<String>> headers, String body) {
        Optional<JsonNode> json = ErrorBodies.object(body);
        String message = json.map(node -> text(node.get("message"))).orElse("");
        String correlationId = json.map(node -> text(node.get("correlationId"))).orElse("");
        String category = json.map(node -> text(node.get("category"))).orElse("");
        String policy = json.map(node -> text(node.get("policyName"))).orElse("").toUpperCase(Locale.ROOT);
        List<String> details = json.map(HubSpotErrors::details).orElse(List.of());
        String shown = shown(status, policy.isEmpty() ? category : policy, message, details, correlationId,
                json.isPresent() ? "" : CrmErrorClassifier.excerpt(body));
        Instant now = clock.instant();
        if (status == 429) {
            Duration retryAfter = RetryAfter.parse(RetryAfter.header(headers, RetryAfter.RETRY_AFTER), now).orElse(null);
            return switch (policy) {
                case DAILY -> {
                    Instant reset = LocalDate.ofInstant(now, accountZone).plusDays(1).atStartOfDay(accountZone).toInstant();
                    yield new CrmRateLimitedException(HubSpotConnectorFactory.TYPE, endpoint, shown
                            + ": the account's daily API limit is spent; calls resume after the daily reset at " + reset
                            + " (midnight " + accountZone + "); not retried until then", Duration.between(now, reset));
                }
                case SECONDLY -> new CrmRateLimitedException(HubSpotConnectorFactory.TYPE, endpoint, shown
                        + ": the search limit (per second) is reached; retrying after a second",
                        retryAfter != null ? retryAfter : Duration.ofSeconds(1));
                default -> {
                    Duration wait = retryAfter;
                    if (wait == null) {
                        Long interval = HubSpotRateLimitHeaders.number(headers, INTERVAL_HEADER);
                        wait = interval == null || interval <= 0 ? null : Duration.ofMillis(interval);
                    }
                    yield new CrmRateLimitedException(HubSpotConnectorFactory.TYPE, endpoint, shown
                            + ": the app's rolling rate limit is reached" + (wait == null ? "; retrying after a pause"
                            : "; retrying once its window (" + wait + ") has passed"), wait);
                }
            };
        }
        if (status == 408 || status >= 500) {
            return new CrmUnavailableException(HubSpotConnectorFactory.TYPE, endpoint, shown);
        }
        String advice = switch (status) {
            case 401 -> "HubSpot refuses the access token (expired, rotated or revoked); copy the app's current token "
                    + "into access-token";
            case 403 -> "the app lacks a scope this call needs" + requiredScopes(json.orElse(null))
                    + "; add it to the app's scopes, redeploy or reinstall the app, and copy the new token if it changed";
            case 404 -> "not found; check base-url and api-version";
            default -> null;
        };
        return new CrmRejectedException(HubSpotConnectorFactory.TYPE, endpoint, status, category.isEmpty() ? null : category,
                advice == null ? shown : shown + ": " + advice);
    }

    /** {@code HTTP 429 TEN_SECONDLY_ROLLING: You have reached your ten_secondly_rolling limit. (correlationId 1a2b…)}. */
    private static String shown(int status, String code, String message, List<String> details, String correlationId,
                                String excerpt) {
        StringBuilder text = new StringBuilder("HTTP ").append(status);
        if (!code.isEmpty()) {
            text.append(' ').append(code);
        }
        if (!message.isEmpty()) {
            text.append(": ").append(message);
        } else if (!excerpt.isEmpty()) {
            text.append(": ").append(excerpt);
        }
        for (String detail : details) {
            if (!detail.equals(message)) {
                text.append("; ").append(detail);
            }
        }
        if (!correlationId.isEmpty()) {
            text.append(" (correlationId ").append(correlationId).append(')');
        }
        return text.toString();
    }

    private static List<String> details(JsonNode body) {
        List<String> details = new ArrayList<>();
        JsonNode errors = body.get("errors");
        if (errors != null && errors.isArray()) {
            for (JsonNode error : errors) {
                String message = text(error.get("message"));
                if (!message.isEmpty() && details.size() < 5) {
                    details.add(message);
                }
            }
        }
        return details;
    }

    private static String requiredScopes(JsonNode body) {
        if (body == null) {
            return "";
        }
        List<String> scopes = new ArrayList<>();
        for (JsonNode error : body.path("errors")) {
            for (JsonNode scope : error.path("context").path("requiredGranularScopes")) {
                scopes.add(scope.asString());
            }
        }
        return scopes.isEmpty() ? "" : " (" + String.join(", ", scopes) + ")";
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isString() ? node.asString().strip() : node.toString();
    }
}
