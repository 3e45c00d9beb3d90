package io.planpilot.connector.pipedrive;

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
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Pipedrive's error answers turned into the kinds {@link io.planpilot.connector.support.CrmResilience}
 * acts on. An error answer is {@code {"success": false, "error": "<text>", "errorCode": <status>,
 * "error_info": "<text>"}}.
 * <ul>
 *   <li>429 with {@code x-daily-ratelimit-token-remaining: 0}: the daily token budget is spent. The
 *       wait it asks for runs to the next UTC day, longer than any retry may wait, so the call fails at
 *       once naming when the budget resets, and the {@link PipedriveRateWindow} fails later calls
 *       without sending them;</li>
 *   <li>other 429: the token's burst window (2 s) is full; retried after {@code Retry-After}, else
 *       {@code x-ratelimit-reset} (seconds), else a backoff;</li>
 *   <li>401: the token is wrong or revoked; 402: the plan lacks the feature; 403: the user may not do
 *       this, or (an HTML page) Pipedrive blocks a token that kept calling after 429s; 404: a wrong
 *       {@code base-url} or a record that is gone: refused, not retried, with what the admin should do;</li>
 *   <li>5xx and 408: unavailable, retried; other 4xx: refused with Pipedrive's text.</li>
 * </ul>
 */
final class PipedriveErrors implements CrmErrorClassifier {

    private static final String TOKEN_MENU = "Settings > Personal preferences > API";

    private final Clock clock;
    private final PipedriveRateWindow window;

    PipedriveErrors(Clock clock, PipedriveRateWindow window) {
        this.clock = clock;
        this.window = window;
    }

    @Override
    public RuntimeException classify(String endpoint, int status, Map<String, Collection<String>> headers, String body) {
        window.observe(headers);
        Optional<JsonNode> json = ErrorBodies.object(body);
        String error = json.map(node -> text(node.get("error"))).orElse("");
        String info = json.map(node -> text(node.get("error_info"))).orElse("");
        String shown = "HTTP " + status + (error.isEmpty() ? json.isPresent() ? "" : excerpt(body) : ": " + error);
        String type = PipedriveConnectorFactory.TYPE;
        Instant now = clock.instant();
        if (status == 429) {
            if (PipedriveRateWindow.budgetSpent(headers)) {
                Instant reset = PipedriveRateWindow.nextBudgetReset(now);
                window.budgetSpentUntil(reset);
                return new CrmRateLimitedException(type, endpoint, shown + ": " + PipedriveRateWindow.dailyBudgetDetail(reset),
                        Duration.between(now, reset));
            }
            Duration wait = RetryAfter.fromHeaders(headers, PipedriveRateWindow.RESET, RetryAfter.ResetStyle.SECONDS_FROM_NOW, now)
                    .orElse(null);
            return new CrmRateLimitedException(type, endpoint, shown + ": the token's burst window (2 seconds) is full"
                    + (wait == null ? "; retrying after a pause" : "; it resets in " + wait), wait);
        }
        if (status >= 500 || status == 408) {
            return new CrmUnavailableException(type, endpoint, shown);
        }
        boolean html = !json.isPresent() && body != null && body.stripLeading().startsWith("<");
        String advice = switch (status) {
            case 401 -> "Pipedrive refuses the API token (wrong, or revoked when it was regenerated); copy the token from "
                    + TOKEN_MENU + " into api-token";
            case 402 -> "the company's Pipedrive plan does not include this feature";
            case 403 -> html ? "Pipedrive blocks this token (it went on calling after rate-limit answers); wait, then check "
                    + "the connection's rate-limit against the plan" : "the token's user may not do this; give the user "
                    + "access to every deal (visibility and permission sets) or use an administrator's token";
            case 404 -> html ? "base-url answers, but not as Pipedrive's API; use https://api.pipedrive.com or the company's "
                    + "https://<company>.pipedrive.com" : "not found (the record is gone, or base-url is not Pipedrive's API)";
            default -> "Pipedrive refuses the call" + (info.isEmpty() ? "" : " (" + info + ")");
        };
        return new CrmRejectedException(type, endpoint, status, error.isEmpty() ? null : error, shown + ": " + advice);
    }

    private static String excerpt(String body) {
        String excerpt = CrmErrorClassifier.excerpt(body);
        return excerpt.isEmpty() ? "" : ": " + excerpt;
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isString() ? node.asString().strip() : node.toString();
    }
}
