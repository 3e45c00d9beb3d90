package io.planpilot.app.security;

import io.planpilot.app.AdapterIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin token during a rotation, the security headers, and the brake on guessing the token. */
class AdminSecurityTest extends AdapterIntegrationTest {

    @Autowired
    ApplicationContext context;

    @Test
    void duringARotationTheNewAndThePreviousTokenAreBothAcceptedAndNothingElse() {
        for (String token : new String[] {TOKEN, PREVIOUS_TOKEN}) {
            web.get().uri("/api/v1/connections").header(HttpHeaders.AUTHORIZATION, "Bearer " + token).exchange()
                    .expectStatus().isOk();
        }
        web.get().uri("/api/v1/connections").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN + "x").exchange()
                .expectStatus().isUnauthorized();
    }

    @Test
    void answersCarryTheSecurityHeaders() {
        web.get().uri("/api/v1/connections").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectHeader().valueEquals("X-Content-Type-Options", "nosniff")
                .expectHeader().valueEquals("Referrer-Policy", "no-referrer")
                .expectHeader().valueEquals("Content-Security-Policy", "default-src 'self'; frame-ancestors http://localhost:"
                        + CRM_FAKE.port())
                .expectHeader().exists("Cache-Control");
    }

    @Test
    void tenWrongTokensFromOneAddressAreFollowedBy429WithRetryAfterEvenForTheRightOne() {
        // bound to the application, not to the socket: these requests come from no address of their
        // own ("unknown"), so the block does not touch the other tests' loopback client
        WebTestClient unknownAddress = WebTestClient.bindToApplicationContext(context).build();
        for (int i = 0; i < FailedLogins.ALLOWED; i++) {
            unknownAddress.get().uri("/api/v1/connections").header(HttpHeaders.AUTHORIZATION, "Bearer guess-" + i).exchange()
                    .expectStatus().isUnauthorized();
        }
        unknownAddress.get().uri("/api/v1/connections").header(HttpHeaders.AUTHORIZATION, "Bearer " + TOKEN).exchange()
                .expectStatus().isEqualTo(429)
                .expectHeader().contentType("application/problem+json")
                .expectHeader().value(HttpHeaders.RETRY_AFTER, seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        // the loopback client is not blocked
        get("/api/v1/connections").exchange().expectStatus().isOk();
    }

    @Test
    void theBrakeLiftsAMinuteAfterTheLatestFailure() {
        MutableClock clock = new MutableClock();
        FailedLogins logins = new FailedLogins(clock);
        for (int i = 0; i < FailedLogins.ALLOWED - 1; i++) {
            logins.failed("10.0.0.1");
        }
        assertThat(logins.blockedFor("10.0.0.1")).isZero();
        logins.failed("10.0.0.1");
        assertThat(logins.blockedFor("10.0.0.1")).isEqualTo(Duration.ofMinutes(1));
        assertThat(logins.blockedFor("10.0.0.2")).isZero();
        clock.now = clock.now.plusSeconds(59);
        assertThat(logins.blockedFor("10.0.0.1")).isEqualTo(Duration.ofSeconds(1));
        clock.now = clock.now.plusSeconds(2);
        assertThat(logins.blockedFor("10.0.0.1")).isZero();
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-11-27T10:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
