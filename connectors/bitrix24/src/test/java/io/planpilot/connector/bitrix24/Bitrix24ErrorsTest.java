package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmUnavailableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each error Bitrix24 documents ("Statuses and System Error Codes", method error tables), classified. */
class Bitrix24ErrorsTest {

    private static final Instant NOW = Instant.parse("2024-04-03T08:26:33Z");
    private final Bitrix24Errors errors = new Bitrix24Errors(Clock.fixed(NOW, ZoneOffset.UTC));

    private RuntimeException classify(int status, String body) {
        return errors.classify(Bitrix24Client.DEAL_LIST, status, Map.of(), body);
    }

    private static String body(String code, String description) {
        return "{\"error\":\"" + code + "\",\"error_description\":\"" + description + "\"}";
    }

    @Test
    void queryLimitExceededIsARateLimitWithoutAWait() {
        RuntimeException e = classify(503, body("QUERY_LIMIT_EXCEEDED", "Too many requests"));

        assertThat(e).isInstanceOf(CrmRateLimitedException.class)
                .hasMessageContaining("bitrix24 crm.deal.list: HTTP 503 QUERY_LIMIT_EXCEEDED (Too many requests)");
        assertThat(((CrmRateLimitedException) e).retryAfter()).isEmpty();
    }

    @Test
    void operationTimeLimitWaitsUntilTheMethodsBudgetIsReleased() {
        long reset = NOW.getEpochSecond() + 42;
        RuntimeException e = classify(429, "{\"error\":\"OPERATION_TIME_LIMIT\",\"error_description\":\"Method is blocked due to "
                + "operation time limit.\",\"time\":{\"start\":1712132792.9,\"operating_reset_at\":" + reset + ",\"operating\":481.2}}");

        assertThat(e).isInstanceOf(CrmRateLimitedException.class).hasMessageContaining("OPERATION_TIME_LIMIT");
        assertThat(((CrmRateLimitedException) e).retryAfter()).contains(Duration.ofSeconds(42));
    }

    @Test
    void operationTimeLimitTakesAnIsoResetAndNoneAtAll() {
        RuntimeException iso = classify(429, "{\"error\":\"OPERATION_TIME_LIMIT\",\"error_description\":\"\","
                + "\"time\":{\"operating_reset_at\":\"2024-04-03T11:27:33+03:00\"}}");
        RuntimeException none = classify(429, body("OPERATION_TIME_LIMIT", "Method is blocked due to operation time limit."));

        assertThat(((CrmRateLimitedException) iso).retryAfter()).contains(Duration.ofMinutes(1));
        assertThat(((CrmRateLimitedException) none).retryAfter()).isEmpty();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "401|NO_AUTH_FOUND|Wrong authorization data|/rest/{userId}/{secret}/",
            "401|INVALID_CREDENTIALS|Invalid request credentials|no active incoming webhook",
            "401|expired_token|The access token provided has expired|expired",
            "401|insufficient_scope|The request requires higher privileges than provided by the webhook token|grant crm, task, im and user",
            "403|ACCESS_DENIED|REST is available only by subscription|commercial plan",
            "401|INVALID_REQUEST|Https required|HTTPS only",
            "401|OVERLOAD_LIMIT|REST API is blocked due to overload|Bitrix24 support",
            "401|user_access_error|The user does not have access to the application|access to the application",
            "403|PORTAL_DELETED|Portal was deleted|deleted",
            "404|ERROR_METHOD_NOT_FOUND|Method not found!|lacks the scope"})
    void configurationErrorsAreRefusedByNameWithWhatToDo(int status, String code, String description, String advice) {
        RuntimeException e = classify(status, body(code, description));

        assertThat(e).isInstanceOf(CrmRejectedException.class)
                .hasMessageContaining("HTTP " + status + " " + code).hasMessageContaining(description).hasMessageContaining(advice);
        assertThat(((CrmRejectedException) e).crmCode()).isEqualTo(code);
        assertThat(((CrmRejectedException) e).status()).isEqualTo(status);
        assertThat(((CrmRejectedException) e).isTransient()).isFalse();
    }

    @Test
    void aMethodErrorWithAnEmptyCodeIsShownByItsDescription() {
        RuntimeException e = classify(400, body("", "Parameter 'filter' must be array."));

        assertThat(e).isInstanceOf(CrmRejectedException.class)
                .hasMessage("bitrix24 crm.deal.list: HTTP 400: Parameter 'filter' must be array.");
        assertThat(((CrmRejectedException) e).crmCode()).isNull();
    }

    @Test
    void aNumericZeroErrorCodeCountsAsEmpty() {
        assertThat(classify(400, "{\"error\":0,\"error_description\":\"SHIPMENT_DOCUMENT entity is not supported\"}"))
                .hasMessage("bitrix24 crm.deal.list: HTTP 400: SHIPMENT_DOCUMENT entity is not supported");
    }

    @Test
    void serverErrorsAndProxyPagesAreUnavailable() {
        assertThat(classify(500, body("INTERNAL_SERVER_ERROR", "Internal server error")))
                .isInstanceOf(CrmUnavailableException.class).hasMessageContaining("HTTP 500 INTERNAL_SERVER_ERROR");
        assertThat(classify(500, body("ERROR_UNEXPECTED_ANSWER", "Server returned an unexpected response")))
                .isInstanceOf(CrmUnavailableException.class);
        assertThat(classify(502, "<html><body>502 Bad Gateway</body></html>"))
                .isInstanceOf(CrmUnavailableException.class).hasMessageContaining("HTTP 502: <html>");
    }

    @Test
    void anErrorInsideABatchNamesItsCommand() {
        RuntimeException e = Bitrix24Errors.of(Bitrix24Client.BATCH_DEAL_LIST, 0, "command c3 (crm.deal.list) ",
                "insufficient_scope", "", "", null);

        assertThat(e).isInstanceOf(CrmRejectedException.class)
                .hasMessageStartingWith("bitrix24 batch of crm.deal.list: command c3 (crm.deal.list) error insufficient_scope");
        assertThat(Bitrix24Errors.of(Bitrix24Client.BATCH_DEAL_LIST, 0, "", "QUERY_LIMIT_EXCEEDED", "", "", null))
                .isInstanceOf(CrmRateLimitedException.class);
    }
}
