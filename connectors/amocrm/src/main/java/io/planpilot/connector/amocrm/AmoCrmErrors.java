package io.planpilot.connector.amocrm;

import io.planpilot.connector.support.ErrorBodies;
import io.planpilot.connector.support.CrmErrorClassifier;
import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmUnavailableException;
import io.planpilot.connector.support.RetryAfter;
import tools.jackson.databind.JsonNode;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * amoCRM's error answers turned into the kinds {@link io.planpilot.connector.support.CrmResilience} acts on.
 * API v4 answers errors as {@code application/problem+json}: {@code {"title", "type", "status", "detail"}},
 * a 400 of a write with {@code validation-errors: [{"request_id", "errors": [{"code", "path", "detail"}]}]};
 * what they say is always shown.
 * <ul>
 *   <li>429: more than about 7 requests a second; retried after {@code Retry-After} when given, else after a backoff;</li>
 *   <li>403: the token's user lacks the right, or amoCRM has blocked the IP after repeated excess of the
 *       limit. Never retried: retrying a block prolongs it; the admin is told both causes;</li>
 *   <li>401 (token revoked, expired or of another account), 402 (the account is not paid), 404 (no such
 *       account or address), 400 and other 4xx: refused, with what the admin should do;</li>
 *   <li>5xx and 408 (a proxy's page included): unavailable, retried.</li>
 * </ul>
 */
final class AmoCrmErrors implements CrmErrorClassifier {


    private final Clock clock;

    AmoCrmErrors(Clock clock) {
        this.clock = clock;
    }

    @Override
    public RuntimeException classify(String endpoint, int status, Map<String, Collection<String>> headers, String body) {
        Optional<JsonNode> json = ErrorBodies.object(body);
        String shown = "HTTP " + status + json.map(AmoCrmErrors::problem).filter(p -> !p.isEmpty()).map(p -> " " + p)
                .orElseGet(() -> {
                    String excerpt = CrmErrorClassifier.excerpt(body);
                    return excerpt.isEmpty() ? "" : ": " + excerpt;
                });
        String code = json.map(node -> text(node.get("title"))).filter(t -> !t.isEmpty()).orElse(null);
        if (status == 429) {
            Duration wait = RetryAfter.fromHeaders(headers, null, RetryAfter.ResetStyle.SECONDS_FROM_NOW, clock.instant())
                    .orElse(null);
            return new CrmRateLimitedException(AmoCrmConnectorFactory.TYPE, endpoint, shown
                    + ": more than amoCRM's 7 requests a second; retrying after a pause (lower rate-limit.requests if this repeats)",
                    wait);
        }
        if (status >= 500 || status == 408) {
            return new CrmUnavailableException(AmoCrmConnectorFactory.TYPE, endpoint, shown);
        }
        String advice = switch (status) {
            case 401 -> "amoCRM refuses the token: the long-lived token was revoked, has expired or belongs to another "
                    + "account; issue a new one (Settings > Integrations > the private integration > Keys and scopes) "
                    + "and put it in access-token";
            case 402 -> "the account's subscription has ended; amoCRM serves the API again once it is paid";
            case 403 -> "amoCRM denies access: the token's user lacks the right for this call, or amoCRM has blocked this "
                    + "IP after repeated excess of its 7 requests a second. Not retried (retrying prolongs a block); check "
                    + "the user's rights, and that no other client shares the integration's limit";
            case 404 -> "not found; check that base-url is the account's address (https://{subdomain}.amocrm.ru or .kommo.com)";
            case 400 -> "amoCRM refuses the request";
            default -> "amoCRM refuses the call";
        };
        return new CrmRejectedException(AmoCrmConnectorFactory.TYPE, endpoint, status, code, shown + ": " + advice);
    }

    /** {@code Bad Request: Request validation failed; [0] custom_fields_values.0.field_id NotSupportedChoice (...)}. */
    static String problem(JsonNode node) {
        String title = text(node.get("title"));
        String detail = text(node.get("detail"));
        StringBuilder text = new StringBuilder(title);
        if (!detail.isEmpty() && !detail.equalsIgnoreCase(title)) {
            text.append(text.isEmpty() ? "" : ": ").append(detail);
        }
        List<String> errors = new ArrayList<>();
        JsonNode validation = node.get("validation-errors");
        if (validation != null && validation.isArray()) {
            for (JsonNode request : validation) {
                String requestId = text(request.get("request_id"));
                JsonNode list = request.get("errors");
                if (list == null || !list.isArray()) {
                    continue;
                }
                for (JsonNode error : list) {
                    String path = text(error.get("path"));
                    String code = text(error.get("code"));
                    String detail2 = text(error.get("detail"));
                    errors.add((requestId.isEmpty() ? "" : "[" + requestId + "] ") + path + (code.isEmpty() ? "" : " " + code)
                            + (detail2.isEmpty() ? "" : " (" + detail2 + ")"));
                }
            }
        }
        if (!errors.isEmpty()) {
            text.append(text.isEmpty() ? "" : "; ").append("validation errors: ").append(String.join("; ", errors));
        }
        return text.toString().strip();
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isString() ? node.asString().strip() : node.toString();
    }
}
