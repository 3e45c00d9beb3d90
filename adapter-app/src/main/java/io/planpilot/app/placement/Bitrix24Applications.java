package io.planpilot.app.placement;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.ConnectionConfig;
import io.planpilot.connector.bitrix24.Bitrix24Application;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The Bitrix24 local application of each {@code bitrix24} connection that has {@code app-client-id}
 * and {@code app-client-secret}, made once per connection (its own rate limiter and retries).
 */
@Component
public class Bitrix24Applications {

    static final String TYPE = "bitrix24";

    private final AdapterConfig config;
    private final URI oauthServer;
    private final Clock clock;
    private final Map<String, Bitrix24Application> byConnection = new ConcurrentHashMap<>();

    /**
     * @param oauthServer Bitrix24's OAuth server; a property outside {@code adapter.*} only so that tests can
     *                    point it at a fake (every portal renews its tokens there)
     */
    public Bitrix24Applications(AdapterConfig config, Clock clock,
                                @Value("${planpilot.bitrix24.oauth-server:https://oauth.bitrix.info}") String oauthServer) {
        this.config = config;
        this.clock = clock;
        this.oauthServer = URI.create(oauthServer);
    }

    /** Whether the connection exists and is a Bitrix24 one. */
    boolean isBitrix24(String connection) {
        return config.connection(connection).map(c -> TYPE.equals(c.type())).orElse(false);
    }

    /** The connection's application; empty when the connection has no app-client-id/app-client-secret. */
    Optional<Bitrix24Application> of(String connection) {
        ConnectionConfig found = config.connection(connection).filter(c -> TYPE.equals(c.type())).orElse(null);
        if (found == null || blank(found.options().get("app-client-id")) || blank(found.options().get("app-client-secret"))) {
            return Optional.empty();
        }
        return Optional.of(byConnection.computeIfAbsent(connection, id -> new Bitrix24Application(
                found.settings(config.timeZone(), config.baseCurrency()), oauthServer, clock)));
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
