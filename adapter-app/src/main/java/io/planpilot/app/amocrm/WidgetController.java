package io.planpilot.app.amocrm;

import io.planpilot.app.api.Problems;
import io.planpilot.app.config.AdapterConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The amoCRM widget's backend: {@code GET /crm/amocrm/{connection}/widget?lead=<id>} for a lead card,
 * without {@code lead} for the department. Public to the admin's security (the path is outside
 * {@code /api}): the caller proves itself with amoCRM's {@code X-Auth-Token} ({@link WidgetTokens});
 * wrong or missing, a 401 problem, logged with the reason. The browser's cross-origin rules are
 * answered by {@link WidgetCors}.
 */
@RestController
class WidgetController {

    static final String AUTH_HEADER = "X-Auth-Token";

    private static final Logger log = LoggerFactory.getLogger(WidgetController.class);

    private final WidgetAccounts accounts;
    private final WidgetTokens tokens;
    private final WidgetFigures figures;
    private final AdapterConfig config;

    WidgetController(WidgetAccounts accounts, WidgetTokens tokens, WidgetFigures figures, AdapterConfig config) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.figures = figures;
        this.config = config;
    }

    @GetMapping("/crm/amocrm/{connection}/widget")
    Mono<Map<String, Object>> widget(@PathVariable String connection, @RequestParam(required = false) String lead,
                                     ServerHttpRequest request) {
        WidgetAccount account = accounts.find(connection)
                .orElseThrow(() -> Problems.notFound("amocrm connection", connection));
        String base = base(config.publicBaseUrl(), request.getURI());
        WidgetUser user;
        try {
            user = tokens.verify(request.getHeaders().getFirst(AUTH_HEADER), account, audiences(base));
        } catch (WidgetTokenRejected e) {
            log.warn("amoCRM widget call for '{}' refused: {}", connection, e.getMessage());
            throw unauthorized();
        }
        if (lead == null || lead.isBlank()) {
            log.debug("amoCRM widget of '{}': the department for user {} (token {})", connection, user.userId(), user.tokenId());
            return figures.department(connection, base);
        }
        String leadId = lead.trim();
        if (!leadId.matches("\\d{1,20}")) {
            throw Problems.badRequest("lead", "must be an amoCRM lead id, digits only (got '" + lead + "')");
        }
        log.debug("amoCRM widget of '{}': lead {} for user {} (token {})", connection, leadId, user.userId(), user.tokenId());
        return figures.lead(connection, leadId, base);
    }

    /** {@code adapter.public-base-url} without a trailing slash; without it, the address the request came to. */
    static String base(String publicBaseUrl, URI requested) {
        if (publicBaseUrl != null && !publicBaseUrl.isBlank()) {
            String trimmed = publicBaseUrl.trim();
            return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
        }
        return WidgetAccount.origin(requested);
    }

    /**
     * What a token's {@code aud} may be: amoCRM puts there the scheme and host of the integration's
     * redirect URI (its official library compares exactly that), so the adapter's base address without
     * its path, with and without an explicit port.
     */
    static Set<String> audiences(String base) {
        URI uri = URI.create(base);
        String origin = WidgetAccount.origin(uri);
        Set<String> audiences = new LinkedHashSet<>();
        audiences.add(WidgetTokens.normalized(origin));
        if (uri.getPort() != -1) {
            audiences.add(WidgetTokens.normalized(origin.substring(0, origin.lastIndexOf(':'))));
        }
        return audiences;
    }

    private static ErrorResponseException unauthorized() {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
                "the widget's X-Auth-Token is missing, wrong or expired; the adapter's log says why");
        problem.setTitle("Unauthorized");
        ErrorResponseException refused = new ErrorResponseException(HttpStatus.UNAUTHORIZED, problem, null);
        refused.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, AUTH_HEADER);
        return refused;
    }
}
