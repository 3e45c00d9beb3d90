package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.CrmCallException;
import io.planpilot.connector.support.CrmClients;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmResilience;
import io.planpilot.connector.support.JacksonCodec;
import io.planpilot.core.connector.ConnectionSettings;
import tools.jackson.databind.JsonNode;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A Bitrix24 <b>local application</b> on the connection's portal (its {@code app-client-id} and
 * {@code app-client-secret}): what the dashboard placements need, which an incoming webhook cannot do
 * (Bitrix24 shows placements only for applications). Calls go to the portal the connection's
 * {@code base-url} names, never to a {@code DOMAIN} a caller claims, with the OAuth token in the body's
 * {@code auth}, through the connection's rate limit and retries. Facts from b24restdocs:
 * {@code api-reference/common/system/app-info.md} ({@code CODE} is the application's code, the client
 * id of a local application), {@code api-reference/user/user-current.md}, {@code api-reference/widgets/placement-bind.md},
 * and the OAuth refresh at {@code https://oauth.bitrix.info/oauth/token/} ({@code grant_type=refresh_token}).
 */
public final class Bitrix24Application {

    /** Bitrix24's OAuth server, which renews every portal's application tokens. */
    public static final URI OAUTH_SERVER = URI.create("https://oauth.bitrix.info");

    private final Bitrix24ConnectorProperties properties;
    private final Bitrix24AppApi portal;
    private final Bitrix24AppApi.OAuth oauth;
    private final CrmResilience calls;

    /** What {@code app.info} says about the application whose token was used. */
    public record AppInfo(String id, String code, String status, boolean installed) {
    }

    /** The user whose token was used ({@code user.current}). */
    public record PortalUser(String id, String name) {
    }

    /** A renewed token pair; {@code expires} is when the access token stops working. */
    public record Tokens(String accessToken, String refreshToken, Instant expires, String memberId, String domain) {
        @Override
        public String toString() {
            return "Tokens[accessToken=***, refreshToken=***, expires=" + expires + ", memberId=" + memberId
                    + ", domain=" + domain + "]";
        }
    }

    /** The portal refused a token (wrong, expired, another portal's), or the answer was not the expected one. */
    public static final class Refused extends RuntimeException {
        private final String code;

        Refused(String code, String message) {
            super(message);
            this.code = code;
        }

        /** Bitrix24's error code ({@code expired_token}, {@code invalid_token}, ...), or null. */
        public String code() {
            return code;
        }
    }

    public Bitrix24Application(ConnectionSettings settings, URI oauthServer, Clock clock) {
        this.properties = Bitrix24ConnectorProperties.of(settings);
        if (properties.appClientId() == null || properties.appClientSecret() == null) {
            throw new IllegalArgumentException("bitrix24 connection '" + settings.id()
                    + "' has no local application: set app-client-id and app-client-secret");
        }
        JacksonCodec codec = new JacksonCodec(Bitrix24ConnectorFactory.TYPE, JacksonCodec.emptyStringsAsNullMapper());
        Bitrix24Errors errors = new Bitrix24Errors(clock);
        this.calls = new CrmResilience(Bitrix24ConnectorFactory.TYPE, settings.id() + "-app", properties.policy(), clock);
        this.portal = CrmClients.feign(Bitrix24AppApi.class, properties.portal(), Bitrix24ConnectorFactory.TYPE,
                properties.policy(), errors, codec);
        this.oauth = CrmClients.feign(Bitrix24AppApi.OAuth.class, Objects.requireNonNull(oauthServer).toString(),
                Bitrix24ConnectorFactory.TYPE, properties.policy(), errors, codec);
    }

    /** The portal's address, {@code https://acme.bitrix24.com}. */
    public String portal() {
        return properties.portal();
    }

    /** The portal's host (with a port when it has one), as Bitrix24 sends it in {@code DOMAIN}. */
    public String domain() {
        return URI.create(properties.portal()).getRawAuthority().toLowerCase(Locale.ROOT);
    }

    public String clientId() {
        return properties.appClientId();
    }

    /** Whether {@code domain} (a caller's {@code DOMAIN}) is this portal. */
    public boolean isPortal(String domain) {
        return domain != null && domain.trim().toLowerCase(Locale.ROOT).equals(domain());
    }

    /**
     * {@code app.info} with {@code accessToken}: which application the token belongs to.
     *
     * @throws Refused when the portal refuses the token
     */
    public AppInfo appInfo(String accessToken) {
        Map<String, JsonNode> result = call(Bitrix24AppApi.APP_INFO, () -> portal.appInfo(auth(accessToken)).result());
        if (result == null) {
            throw new Refused(null, "app.info answered without a result");
        }
        return new AppInfo(text(result.get("ID")), text(result.get("CODE")), text(result.get("STATUS")),
                result.get("INSTALLED") != null && result.get("INSTALLED").asBoolean(false));
    }

    /**
     * {@code user.current} with {@code accessToken}: the portal user who opened a placement.
     *
     * @throws Refused when the portal refuses the token
     */
    public PortalUser currentUser(String accessToken) {
        Map<String, JsonNode> result = call(Bitrix24AppApi.USER_CURRENT, () -> portal.userCurrent(auth(accessToken)).result());
        if (result == null || text(result.get("ID")) == null) {
            throw new Refused(null, "user.current answered without a user");
        }
        String name = ((text(result.get("NAME")) == null ? "" : text(result.get("NAME"))) + " "
                + (text(result.get("LAST_NAME")) == null ? "" : text(result.get("LAST_NAME")))).trim();
        return new PortalUser(text(result.get("ID")), name);
    }

    /**
     * Registers {@code handler} for {@code placement} with localized titles (language code → title; the
     * first is also {@code TITLE}). A handler registered before for that placement is removed first
     * ({@code placement.unbind}), so that installing again leaves one entry, not two.
     */
    public void bindPlacement(String accessToken, String placement, String handler, Map<String, String> titles) {
        Map<String, Object> unbind = auth(accessToken);
        unbind.put("PLACEMENT", placement);
        unbind.put("HANDLER", handler);
        call(Bitrix24AppApi.PLACEMENT_UNBIND, () -> portal.placementUnbind(unbind));
        Map<String, Object> bind = auth(accessToken);
        bind.put("PLACEMENT", placement);
        bind.put("HANDLER", handler);
        bind.put("TITLE", titles.values().iterator().next());
        Map<String, Object> languages = new LinkedHashMap<>();
        titles.forEach((language, title) -> languages.put(language, Map.of("TITLE", title)));
        bind.put("LANG_ALL", languages);
        JsonNode result = call(Bitrix24AppApi.PLACEMENT_BIND, () -> portal.placementBind(bind).result());
        if (result == null || !result.asBoolean(false)) {
            throw new Refused(null, "placement.bind of " + placement + " answered " + result + " instead of true");
        }
    }

    /**
     * A new token pair from Bitrix24's OAuth server for {@code refreshToken} (each refresh token works
     * once; the answer carries the next one).
     *
     * @throws Refused when the server refuses it ({@code invalid_grant}: expired after 28 days, or used)
     */
    public Tokens refresh(String refreshToken, Clock clock) {
        Map<String, JsonNode> answer = call(Bitrix24AppApi.OAuth.TOKEN,
                () -> oauth.refresh(properties.appClientId(), properties.appClientSecret(), refreshToken));
        if (answer == null || text(answer.get("access_token")) == null || text(answer.get("refresh_token")) == null) {
            String error = answer == null ? null : text(answer.get("error"));
            throw new Refused(error, "Bitrix24's OAuth server did not renew the token"
                    + (error == null ? "" : ": " + error + " " + Objects.toString(text(answer.get("error_description")), "")));
        }
        long expiresIn = answer.get("expires_in") == null ? 3600 : answer.get("expires_in").asLong(3600);
        Instant expires = answer.get("expires") != null && answer.get("expires").asLong(0) > 0
                ? Instant.ofEpochSecond(answer.get("expires").asLong())
                : clock.instant().plusSeconds(expiresIn);
        return new Tokens(text(answer.get("access_token")), text(answer.get("refresh_token")), expires,
                text(answer.get("member_id")), text(answer.get("domain")));
    }

    private <T> T call(String endpoint, java.util.function.Supplier<T> call) {
        try {
            return calls.call(endpoint, call);
        } catch (CrmRejectedException e) {
            throw new Refused(e.crmCode(), e.getMessage());
        }
    }

    private static Map<String, Object> auth(String accessToken) {
        if (accessToken == null || accessToken.isBlank()) {
            throw new Refused(null, "no token (AUTH_ID is empty)");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("auth", accessToken.trim());
        return body;
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.asString().isEmpty() ? null : node.asString();
    }

    /** Whether a failure is the portal being unreachable or slow (not a refusal). */
    public static boolean unavailable(RuntimeException e) {
        return e instanceof CrmCallException && !(e instanceof CrmRejectedException);
    }
}
