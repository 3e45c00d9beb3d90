package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.HmacSignatures;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * HubSpot's v3 request signature, for every signed call HubSpot makes to the adapter: webhooks, an app
 * card's {@code hubspot.fetch}, a legacy CRM card's data fetch. {@code X-HubSpot-Signature-v3} is
 * base64(HMAC-SHA256(client secret, method + URI + raw body + {@code X-HubSpot-Request-Timestamp})), the
 * URI as HubSpot called it with the characters HubSpot leaves decoded; a timestamp more than 5 minutes
 * from now is refused.
 */
public final class HubSpotSignatureV3 {

    public static final String SIGNATURE_HEADER = HubSpotWebhooks.SIGNATURE_HEADER;
    public static final String TIMESTAMP_HEADER = HubSpotWebhooks.TIMESTAMP_HEADER;
    public static final Duration MAX_AGE = HubSpotWebhooks.MAX_AGE;

    private HubSpotSignatureV3() {
    }

    /**
     * Why the call is not HubSpot's, or empty when its signature is right and fresh.
     *
     * @param uri the full URL as HubSpot called it (scheme, host, path and query)
     */
    public static Optional<String> problem(String clientSecret, String method, String uri, byte[] body,
                                           String signature, String timestamp, Clock clock) {
        if (clientSecret == null || clientSecret.isBlank()) {
            return Optional.of("the connection has no client-secret to verify HubSpot's signature with");
        }
        if (signature == null || signature.isBlank()) {
            return Optional.of("the call carries no " + SIGNATURE_HEADER);
        }
        if (timestamp == null || !timestamp.trim().matches("\\d{1,15}")) {
            return Optional.of("the call carries no valid " + TIMESTAMP_HEADER + " (got '" + timestamp + "')");
        }
        Instant sent = Instant.ofEpochMilli(Long.parseLong(timestamp.trim()));
        if (Duration.between(sent, clock.instant()).abs().compareTo(MAX_AGE) > 0) {
            return Optional.of(TIMESTAMP_HEADER + " " + sent + " is more than 5 minutes from now (" + clock.instant()
                    + "): refused as a replay");
        }
        String expected = sign(clientSecret, method, uri, body, timestamp.trim());
        if (!HmacSignatures.equal(expected, signature.trim())) {
            return Optional.of(SIGNATURE_HEADER + " does not match (another app's client secret, or a URL other than the "
                    + "one HubSpot called: check adapter.public-base-url)");
        }
        return Optional.empty();
    }

    /** The signature HubSpot sends for such a call. */
    public static String sign(String clientSecret, String method, String uri, byte[] body, String timestamp) {
        return HubSpotWebhooks.signature(clientSecret, method, uri, body, timestamp);
    }
}
