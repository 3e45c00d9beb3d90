package io.planpilot.app.placement;

import io.planpilot.connector.bitrix24.Bitrix24Application;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Duration;

/**
 * The installed Bitrix24 application's own access token, for calls made with the application's auth
 * rather than a user's: renewed with the refresh token (Bitrix24's OAuth server) when it has expired
 * or expires within a minute, and the new pair stored sealed. A refresh token works once, so renewals
 * of one connection are serialised in this process.
 */
@Component
public class Bitrix24AppTokens {

    static final Duration MARGIN = Duration.ofMinutes(1);
    private static final Logger log = LoggerFactory.getLogger(Bitrix24AppTokens.class);

    private final AppInstalls installs;
    private final Bitrix24Applications applications;
    private final Clock clock;

    public Bitrix24AppTokens(AppInstalls installs, Bitrix24Applications applications, Clock clock) {
        this.installs = installs;
        this.applications = applications;
        this.clock = clock;
    }

    /** A working access token of the connection's application; an error when it is not installed or the portal refuses. */
    public Mono<String> accessToken(String connection) {
        Bitrix24Application app = applications.of(connection).orElse(null);
        if (app == null) {
            return Mono.error(new IllegalStateException("connection '" + connection
                    + "' has no Bitrix24 local application (app-client-id, app-client-secret)"));
        }
        return Mono.fromCallable(() -> {
            synchronized (app) {
                AppInstalls.Install install = installs.find(connection).block();
                if (install == null) {
                    throw new IllegalStateException("the Bitrix24 application of connection '" + connection
                            + "' is not installed on the portal yet");
                }
                if (install.expiresAt().isAfter(clock.instant().plus(MARGIN))) {
                    return install.accessToken();
                }
                Bitrix24Application.Tokens fresh = app.refresh(install.refreshToken(), clock);
                installs.renew(connection, fresh.accessToken(), fresh.refreshToken(), fresh.expires(), clock.instant()).block();
                log.info("Renewed the Bitrix24 application's token of connection {} (valid until {})", connection, fresh.expires());
                return fresh.accessToken();
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
