package io.planpilot.connector.hubspot;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The public v3 check the app's CRM card endpoints use, on the official SDK's test vector. */
class HubSpotSignatureV3Test {

    private static final String SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    private static final byte[] BODY = "{'example_field':'example_value'}".getBytes(StandardCharsets.UTF_8);
    private static final String URI = "https://www.example.com/webhook_uri";
    private static final String SIGNATURE = "HPW73RUtKmcYoEDADG0s6MmGFWUzWJKAW07r8RDgcQw=";

    private static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    @Test
    void theSdksVectorPassesWhenFresh() {
        assertThat(HubSpotSignatureV3.sign(SECRET, "POST", URI, BODY, "15000000")).isEqualTo(SIGNATURE);
        assertThat(HubSpotSignatureV3.problem(SECRET, "POST", URI, BODY, SIGNATURE, "15000000", at(15_000_000 + 299_000))).isEmpty();
    }

    @Test
    void aStaleAWrongOrAMissingSignatureIsNamed() {
        assertThat(HubSpotSignatureV3.problem(SECRET, "POST", URI, BODY, SIGNATURE, "15000000", at(15_000_000 + 301_000)))
                .get().asString().contains("more than 5 minutes");
        assertThat(HubSpotSignatureV3.problem(SECRET, "GET", URI, BODY, SIGNATURE, "15000000", at(15_000_000)))
                .get().asString().contains("does not match");
        assertThat(HubSpotSignatureV3.problem(SECRET, "POST", URI, BODY, null, "15000000", at(15_000_000)))
                .get().asString().contains("no X-HubSpot-Signature-v3");
        assertThat(HubSpotSignatureV3.problem(null, "POST", URI, BODY, SIGNATURE, "15000000", at(15_000_000)))
                .get().asString().contains("no client-secret");
    }
}
