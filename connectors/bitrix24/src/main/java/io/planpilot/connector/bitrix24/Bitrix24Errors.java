package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.ErrorBodies;
import io.planpilot.connector.support.CrmErrorClassifier;
import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmUnavailableException;
import io.planpilot.connector.support.RetryAfter;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Bitrix24's error answers, as its REST documentation lists them ("Statuses and System Error Codes"),
 * turned into the kinds {@link io.planpilot.connector.support.CrmResilience} acts on. An error answer is
 * {@code {"error": "<CODE>", "error_description": "<text>"}}; the code may be empty, then the description
 * alone says why (method errors such as {@code "Access denied."} or {@code "Not found"}).
 * <ul>
 *   <li>{@code QUERY_LIMIT_EXCEEDED} (HTTP 503): the portal's request-rate limit (a leaky bucket) is
 *       reached; no wait is given, so the call is retried after a backoff;</li>
 *   <li>{@code OPERATION_TIME_LIMIT} (HTTP 429): the method's execution-time budget (480 s in 10 minutes)
 *       is spent; retried after {@code time.operating_reset_at} when the answer carries it;</li>
 *   <li>{@code NO_AUTH_FOUND}, {@code INVALID_CREDENTIALS}, {@code expired_token}, {@code insufficient_scope},
 *       {@code ACCESS_DENIED}, {@code INVALID_REQUEST}, {@code OVERLOAD_LIMIT}, {@code user_access_error}
 *       (HTTP 401), {@code PORTAL_DELETED} (403), {@code ERROR_METHOD_NOT_FOUND} (404): configuration errors,
 *       not retried, each named with what the admin should do;</li>
 *   <li>other 5xx ({@code INTERNAL_SERVER_ERROR}, {@code ERROR_UNEXPECTED_ANSWER}, a proxy's page): unavailable, retried;</li>
 *   <li>other 4xx: refused with the code and description.</li>
 * </ul>
 */
final class Bitrix24Errors implements CrmErrorClassifier {

    static final String QUERY_LIMIT_EXCEEDED = "QUERY_LIMIT_EXCEEDED";
    static final String OPERATION_TIME_LIMIT = "OPERATION_TIME_LIMIT";

    private static final String WEBHOOK_MENU = "Applications > Developer resources > Common use cases > Other > Inbound webhook";

    private final Clock clock;

    Bitrix24Errors(Clock clock) {
        this.clock = clock;
    }

    @Override
    public RuntimeException classify(String endpoint, int status, Map<String, Collection<String>> headers, String body) {
        Optional<JsonNode> json = ErrorBodies.object(body);
        String code = json.map(node -> text(node.get("error"))).orElse("");
        String description = json.map(node -> text(node.get("error_description"))).orElse("");
        Duration wait = json.flatMap(node -> resetWait(node.get("time"), clock.instant())).orElse(null);
        if (wait == null) {
            wait = RetryAfter.fromHeaders(headers, null, RetryAfter.ResetStyle.SECONDS_FROM_NOW, clock.instant()).orElse(null);
        }
        return of(endpoint, status, "", code, description, json.isPresent() ? "" : CrmErrorClassifier.excerpt(body), wait);
    }

    /**
     * The exception for an error with {@code status} (0 for an error inside a {@code batch} answer),
     * Bitrix24's {@code code} and {@code description}; {@code where} prefixes the detail (the failed
     * command of a batch), {@code excerpt} is the body when it was not JSON.
     */
    static RuntimeException of(String endpoint, int status, String where, String code, String description,
                               String excerpt, Duration wait) {
        String shown = where + shown(status, code, description, excerpt);
        String upper = code.toUpperCase(Locale.ROOT);
        if (upper.equals(QUERY_LIMIT_EXCEEDED)) {
            return new CrmRateLimitedException(Bitrix24ConnectorFactory.TYPE, endpoint, shown
                    + ": the portal's request-rate limit is reached (Bitrix24 drains 2 requests a second, 5 on Enterprise); "
                    + "retrying after a pause", null);
        }
        if (upper.equals(OPERATION_TIME_LIMIT)) {
            return new CrmRateLimitedException(Bitrix24ConnectorFactory.TYPE, endpoint, shown
                    + ": this method's execution-time budget on the portal is spent (480 s in 10 minutes)"
                    + (wait == null ? "" : "; part of it frees in " + wait), wait);
        }
        String advice = advice(upper, code);
        if (advice != null) {
            return new CrmRejectedException(Bitrix24ConnectorFactory.TYPE, endpoint, status, code, shown + ": " + advice);
        }
        if (status >= 500 || status == 408) {
            return new CrmUnavailableException(Bitrix24ConnectorFactory.TYPE, endpoint, shown);
        }
        if (status == 429) {
            return new CrmRateLimitedException(Bitrix24ConnectorFactory.TYPE, endpoint, shown, wait);
        }
        String fallback = switch (status) {
            case 401 -> "the portal refuses the webhook: Bitrix24 answers 401 to a wrong or expired webhook "
                    + "(INVALID_CREDENTIALS, NO_AUTH_FOUND, expired_token) and to a webhook without the method's scope "
                    + "(insufficient_scope); check base-url (" + WEBHOOK_MENU + ") and that the webhook has crm, task, im and user";
            case 403 -> "the portal denies this call; check the webhook's scopes and its user's permissions";
            case 404 -> "not found; check that base-url is the incoming webhook's URL";
            default -> description.isEmpty() ? "the portal refuses the call" : null;
        };
        return new CrmRejectedException(Bitrix24ConnectorFactory.TYPE, endpoint, status, code.isEmpty() ? null : code,
                fallback == null ? shown : shown + ": " + fallback);
    }

    /** What the admin should do about Bitrix24's configuration errors; null for the others. */
    private static String advice(String upper, String code) {
        return switch (upper) {
            case "NO_AUTH_FOUND" -> "the request carried no webhook code; base-url must end in /rest/{userId}/{secret}/";
            case "INVALID_CREDENTIALS" -> "no active incoming webhook has this user id and secret; create one ("
                    + WEBHOOK_MENU + ") and put its URL in base-url";
            case "EXPIRED_TOKEN" -> "the webhook's access has expired; extend the webhook or create a new one ("
                    + WEBHOOK_MENU + ") and put its URL in base-url";
            case "INSUFFICIENT_SCOPE" -> "the webhook lacks the scope this method needs; edit the webhook and grant "
                    + "crm, task, im and user";
            case "ACCESS_DENIED" -> "the portal denies REST access (REST needs a commercial plan) or the webhook's user "
                    + "lacks the permission; check the plan and the user's CRM permissions";
            case "INVALID_REQUEST" -> "Bitrix24 takes HTTPS only; use the https:// webhook URL in base-url";
            case "OVERLOAD_LIMIT" -> "Bitrix24 has blocked REST for this portal because of overload; ask Bitrix24 support to lift the block";
            case "USER_ACCESS_ERROR" -> "the webhook's user has no access to the application; grant it in the application's settings";
            case "PORTAL_DELETED" -> "the portal was deleted or its public part is closed; check base-url";
            case "ERROR_METHOD_NOT_FOUND" -> "the portal has no such method, or the webhook lacks the scope it belongs to; "
                    + "edit the webhook and grant crm, task, im and user";
            case "WRONG_AUTH_TYPE" -> "the method refuses this kind of authorization";
            default -> null;
        };
    }

    /** {@code HTTP 503 QUERY_LIMIT_EXCEEDED (Too many requests)}; inside a batch the status is left out. */
    private static String shown(int status, String code, String description, String excerpt) {
        StringBuilder text = new StringBuilder(status > 0 ? "HTTP " + status : "error");
        if (!code.isEmpty()) {
            text.append(' ').append(code);
        }
        if (!description.isEmpty()) {
            text.append(code.isEmpty() ? ": " : " (").append(description).append(code.isEmpty() ? "" : ")");
        } else if (!excerpt.isEmpty() && code.isEmpty()) {
            text.append(": ").append(excerpt);
        }
        return text.toString();
    }

    /** How long until {@code time.operating_reset_at} (epoch seconds, or an ISO date-time), if given. */
    static Optional<Duration> resetWait(JsonNode time, Instant now) {
        if (time == null || !time.isObject()) {
            return Optional.empty();
        }
        JsonNode reset = time.get("operating_reset_at");
        if (reset == null || reset.isNull()) {
            return Optional.empty();
        }
        Instant at;
        if (reset.isNumber()) {
            at = Instant.ofEpochMilli((long) Math.ceil(reset.asDouble() * 1000));
        } else {
            String text = reset.asString("").trim();
            try {
                at = text.matches("\\d+(\\.\\d+)?") ? Instant.ofEpochMilli((long) Math.ceil(Double.parseDouble(text) * 1000))
                        : OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeException | NumberFormatException e) {
                return Optional.empty();
            }
        }
        Duration wait = Duration.between(now, at);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }

    /** A JSON value as text: {@code "error": 0} (some methods send a number) reads as {@code ""}. */
    static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (node.isNumber()) {
            return node.asInt() == 0 ? "" : node.asString();
        }
        return node.isString() ? node.asString().strip() : node.toString();
    }
}
