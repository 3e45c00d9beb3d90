package io.planpilot.app.ui;

import io.planpilot.app.api.Problems;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.security.SignedLinks;
import io.planpilot.app.sync.Connections;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * {@code POST /api/v1/ui/links} (admin): a signed, expiring link to the dashboard that an admin hands
 * out instead of the admin token: {@code {scope, ttl}} → {@code {url, expiresAt}}.
 */
@RestController
public class UiLinksController {

    static final Duration DEFAULT_TTL = Duration.ofDays(7);
    static final Duration MAX_TTL = Duration.ofDays(366);

    private final SignedLinks links;
    private final Connections connections;
    private final AdapterConfig config;

    public UiLinksController(SignedLinks links, Connections connections, AdapterConfig config) {
        this.links = links;
        this.connections = connections;
        this.config = config;
    }

    public record LinkRequest(String scope, String ttl) {
    }

    @PostMapping("/api/v1/ui/links")
    public Map<String, Object> issue(@RequestBody(required = false) LinkRequest request, ServerWebExchange exchange) {
        String scope = request == null || request.scope() == null || request.scope().isBlank() ? UiGrant.ALL : request.scope().trim();
        UiGrant grant = UiGrant.parse(scope, null).orElseThrow(() -> Problems.badRequest("scope",
                "'" + scope + "' is not one of all, connection:<id>, deal:<connection>:<dealId>"));
        if (grant.connection() != null && connections.find(grant.connection()).isEmpty()) {
            throw Problems.badRequest("scope", "unknown connection '" + grant.connection() + "'");
        }
        Duration ttl = ttl(request == null ? null : request.ttl());
        String token = links.issue(scope, ttl);
        String path = grant.scope() == UiGrant.Scope.DEAL ? "/ui/deals/{c}/{d}" : "/ui";
        String base = config.publicBaseUrl() == null || config.publicBaseUrl().isBlank()
                ? UriComponentsBuilder.fromUri(exchange.getRequest().getURI()).replacePath(null).replaceQuery(null).build().toUriString()
                : config.publicBaseUrl().replaceAll("/+$", "");
        String url = base + UriComponentsBuilder.fromPath(path).queryParam(UiAccess.TOKEN_PARAMETER, "{t}").encode()
                .buildAndExpand(grant.scope() == UiGrant.Scope.DEAL
                        ? new Object[]{grant.connection(), grant.dealId(), token} : new Object[]{token})
                .toUriString();
        return Map.of("url", url, "scope", scope, "expiresAt", links.verify(token).orElseThrow().expires().toString());
    }

    private static Duration ttl(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_TTL;
        }
        Duration ttl;
        try {
            ttl = Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw Problems.badRequest("ttl", "'" + text + "' is not an ISO-8601 duration (PT8H, P7D)");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw Problems.badRequest("ttl", "must be above 0 and at most " + MAX_TTL.toDays() + " days, not " + text);
        }
        return ttl;
    }
}
