package io.planpilot.tck.example;

import io.planpilot.connector.support.HmacSignatures;
import io.planpilot.connector.support.JacksonCodec;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Verifies and parses the example CRM's callbacks: {@code X-Example-Timestamp} holds the epoch
 * second the CRM signed at, {@code X-Example-Signature} is {@code sha256=} and the hex HMAC-SHA256,
 * with the connection's {@code webhook-secret}, of {@code <timestamp>.<body>}. A callback signed more
 * than 5 minutes before it was received (or after) is stale.
 */
final class ExampleWebhooks {

    static final String SIGNATURE = "X-Example-Signature";
    static final String TIMESTAMP = "X-Example-Timestamp";
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    static final String ENDPOINT = "webhook";

    private static final JsonMapper JSON = JacksonCodec.defaultMapper();

    private final String secret;

    ExampleWebhooks(String secret) {
        this.secret = secret;
    }

    /** The signature header's value for {@code body} signed at {@code timestamp} with {@code secret}. */
    static String sign(String secret, long timestamp, byte[] body) {
        byte[] prefix = (timestamp + ".").getBytes(StandardCharsets.UTF_8);
        byte[] signed = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, signed, 0, prefix.length);
        System.arraycopy(body, 0, signed, prefix.length, body.length);
        return "sha256=" + HmacSignatures.sha256Hex(secret, signed);
    }

    List<WebhookEvent> receive(WebhookRequest request) {
        if (secret == null) {
            throw new WebhookRejectedException("the connection has no webhook-secret to verify callbacks with");
        }
        String timestamp = request.header(TIMESTAMP);
        long signedAt;
        try {
            signedAt = Long.parseLong(timestamp == null ? "" : timestamp.trim());
        } catch (NumberFormatException e) {
            throw new WebhookRejectedException(TIMESTAMP + " is missing or not an epoch second");
        }
        byte[] body = request.body();
        if (!HmacSignatures.equal(sign(secret, signedAt, body), request.header(SIGNATURE))) {
            throw new WebhookRejectedException(SIGNATURE + " does not match the body (wrong webhook-secret, or forged)");
        }
        Duration age = Duration.between(Instant.ofEpochSecond(signedAt), request.receivedAt()).abs();
        if (age.compareTo(MAX_AGE) > 0) {
            throw new WebhookRejectedException("signed at " + Instant.ofEpochSecond(signedAt) + ", received at "
                    + request.receivedAt() + ": more than " + MAX_AGE.toMinutes() + " minutes apart");
        }
        ExampleDtos.WebhookBody parsed;
        try {
            parsed = JSON.readValue(body, ExampleDtos.WebhookBody.class);
        } catch (JacksonException e) {
            throw JacksonCodec.failure(ExampleConnectorFactory.TYPE, ENDPOINT, e);
        }
        return parsed.events().stream().map(event -> new WebhookEvent(event.eventId(),
                "deal.deleted".equals(event.event()) ? WebhookEvent.Change.DELETED : WebhookEvent.Change.CHANGED,
                RecordKind.DEAL, event.dealId(), event.occurredAt() == null ? null : event.occurredAt().toInstant())).toList();
    }
}
