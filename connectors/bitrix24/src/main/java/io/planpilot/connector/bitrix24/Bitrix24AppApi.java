package io.planpilot.connector.bitrix24;

import feign.Param;
import feign.RequestLine;
import io.planpilot.connector.support.CrmEndpoint;
import tools.jackson.databind.JsonNode;

import java.util.Map;

/**
 * The REST calls a local application makes with OAuth tokens: {@code POST https://{portal}/rest/{method}.json}
 * with the token in the body's {@code auth} (the portal's own address, not an incoming webhook's).
 */
public interface Bitrix24AppApi {

    String APP_INFO = "app.info";
    String USER_CURRENT = "user.current";
    String PLACEMENT_BIND = "placement.bind";
    String PLACEMENT_UNBIND = "placement.unbind";

    /** {@code result}: {@code ID}, {@code CODE} (the application's client id), {@code STATUS}, {@code INSTALLED}. */
    @RequestLine("POST /rest/app.info.json")
    @CrmEndpoint(APP_INFO)
    Bitrix24Dtos.Result<Map<String, JsonNode>> appInfo(Map<String, Object> body);

    /** {@code result}: the user whose token it is ({@code ID}, {@code NAME}, {@code LAST_NAME}, ...). */
    @RequestLine("POST /rest/user.current.json")
    @CrmEndpoint(USER_CURRENT)
    Bitrix24Dtos.Result<Map<String, JsonNode>> userCurrent(Map<String, Object> body);

    /** {@code result}: {@code true} when the handler was registered. */
    @RequestLine("POST /rest/placement.bind.json")
    @CrmEndpoint(PLACEMENT_BIND)
    Bitrix24Dtos.Result<JsonNode> placementBind(Map<String, Object> body);

    /** {@code result}: {@code {"count": n}}, the handlers removed. */
    @RequestLine("POST /rest/placement.unbind.json")
    @CrmEndpoint(PLACEMENT_UNBIND)
    Bitrix24Dtos.Result<JsonNode> placementUnbind(Map<String, Object> body);

    /** Bitrix24's OAuth server ({@code https://oauth.bitrix.info}): a new token pair for a refresh token. */
    interface OAuth {
        String TOKEN = "oauth/token";

        @RequestLine("GET /oauth/token/?grant_type=refresh_token&client_id={clientId}&client_secret={clientSecret}&refresh_token={refreshToken}")
        @CrmEndpoint(TOKEN)
        Map<String, JsonNode> refresh(@Param("clientId") String clientId, @Param("clientSecret") String clientSecret,
                                      @Param("refreshToken") String refreshToken);
    }
}
