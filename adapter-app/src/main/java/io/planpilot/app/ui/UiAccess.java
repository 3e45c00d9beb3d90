package io.planpilot.app.ui;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.security.SignedLinks;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Optional;

/**
 * Guards {@code /ui}: a page opens for a signed link ({@code ?t=}, checked on every request, never
 * remembered) or a session that logged in with the admin token; anyone else is sent to the login
 * form. Also settles the page's language: {@code ?lang=ru|en}, remembered in the session, else
 * {@code adapter.locale}.
 */
@Component
@Order(0) // after Spring Security's chain, which leaves /ui to this filter
public class UiAccess implements WebFilter {

    static final String GRANT = UiAccess.class.getName() + ".grant";
    static final String LANG = UiAccess.class.getName() + ".lang";
    static final String SESSION_GRANT = "planpilot.ui.grant";
    static final String SESSION_LANG = "planpilot.ui.lang";
    static final String TOKEN_PARAMETER = "t";
    static final String LOGIN = "/ui/login";

    private final SignedLinks links;
    private final String defaultLang;

    public UiAccess(SignedLinks links, AdapterConfig config) {
        this.links = links;
        this.defaultLang = Messages.supported(config.locale()) ? config.locale() : Messages.EN;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String path = exchange.getRequest().getPath().pathWithinApplication().value();
        if (!path.equals("/ui") && !path.startsWith("/ui/") || path.startsWith("/ui/assets/")) {
            return chain.filter(exchange);
        }
        return exchange.getSession().flatMap(session -> {
            exchange.getAttributes().put(LANG, lang(exchange, session));
            if (path.equals(LOGIN)) {
                return chain.filter(exchange);
            }
            Optional<UiGrant> grant = grant(exchange, session);
            if (grant.isEmpty()) {
                return toLogin(exchange);
            }
            exchange.getAttributes().put(GRANT, grant.get());
            return chain.filter(exchange);
        });
    }

    private String lang(ServerWebExchange exchange, WebSession session) {
        String asked = exchange.getRequest().getQueryParams().getFirst("lang");
        if (asked != null && Messages.supported(asked)) {
            session.getAttributes().put(SESSION_LANG, asked);
            return asked;
        }
        Object remembered = session.getAttributes().get(SESSION_LANG);
        return remembered instanceof String lang ? lang : defaultLang;
    }

    private Optional<UiGrant> grant(ServerWebExchange exchange, WebSession session) {
        String token = exchange.getRequest().getQueryParams().getFirst(TOKEN_PARAMETER);
        if (token != null) {
            // a link that is wrong or expired opens nothing, even in a logged-in browser: it says what it grants
            return links.verify(token).flatMap(g -> UiGrant.parse(g.scope(), token));
        }
        return UiGrant.ALL.equals(session.getAttributes().get(SESSION_GRANT)) ? Optional.of(UiGrant.all(null)) : Optional.empty();
    }

    private static Mono<Void> toLogin(ServerWebExchange exchange) {
        var request = exchange.getRequest();
        String next = request.getPath().pathWithinApplication().value()
                + (request.getURI().getRawQuery() == null ? "" : "?" + request.getURI().getRawQuery());
        URI login = UriComponentsBuilder.fromPath(LOGIN).queryParam("next", "{next}").encode().buildAndExpand(next).toUri();
        exchange.getResponse().setStatusCode(HttpStatus.SEE_OTHER);
        exchange.getResponse().getHeaders().setLocation(login);
        return exchange.getResponse().setComplete();
    }
}
