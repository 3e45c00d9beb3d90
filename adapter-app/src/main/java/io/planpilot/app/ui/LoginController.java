package io.planpilot.app.ui;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.security.AdminToken;
import io.planpilot.app.security.FailedLogins;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /ui/login}: the admin token opens the whole dashboard for the browser's session. Wrong
 * tokens count against the address like wrong Bearer tokens do, and too many lock it out a while.
 */
@Controller
public class LoginController {

    private final AdminToken token;
    private final FailedLogins failedLogins;
    private final Templates templates;
    private final AdapterConfig config;

    public LoginController(AdminToken token, FailedLogins failedLogins, Templates templates, AdapterConfig config) {
        this.token = token;
        this.failedLogins = failedLogins;
        this.templates = templates;
        this.config = config;
    }

    @GetMapping("/ui/login")
    public Mono<ResponseEntity<String>> form(ServerWebExchange exchange, @RequestParam(required = false) String next) {
        return Mono.just(page(exchange, HttpStatus.OK, null, next));
    }

    @PostMapping("/ui/login")
    public Mono<ResponseEntity<String>> login(ServerWebExchange exchange) {
        String address = address(exchange);
        return exchange.getFormData().flatMap(form -> exchange.getSession().map(session -> {
            String next = safeNext(form.getFirst("next"));
            Duration blocked = failedLogins.blockedFor(address);
            if (!blocked.isZero()) {
                return page(exchange, HttpStatus.TOO_MANY_REQUESTS, "login.blocked", next);
            }
            if (!token.matches(trimmed(form))) {
                failedLogins.failed(address);
                return page(exchange, HttpStatus.UNAUTHORIZED, "login.wrong", next);
            }
            session.getAttributes().put(UiAccess.SESSION_GRANT, UiGrant.ALL);
            return ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(next)).<String>build();
        }));
    }

    @PostMapping("/ui/logout")
    public Mono<ResponseEntity<String>> logout(ServerWebExchange exchange) {
        return exchange.getSession().flatMap(session -> session.invalidate()
                .thenReturn(ResponseEntity.status(HttpStatus.SEE_OTHER).location(URI.create(UiAccess.LOGIN)).<String>build()));
    }

    private ResponseEntity<String> page(ServerWebExchange exchange, HttpStatus status, String problem, String next) {
        Messages m = new Messages(exchange.getAttributeOrDefault(UiAccess.LANG, config.locale()), config.timeZone());
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("m", m);
        params.put("problem", problem == null ? null : m.t(problem));
        params.put("next", safeNext(next));
        String other = Messages.RU.equals(m.lang()) ? Messages.EN : Messages.RU;
        params.put("langHref", UriComponentsBuilder.fromPath(UiAccess.LOGIN).queryParam("lang", other)
                .queryParam("next", "{next}").encode().buildAndExpand(safeNext(next)).toUriString());
        return DashboardController.html(status, templates.render("login.jte", params));
    }

    private static String trimmed(MultiValueMap<String, String> form) {
        String value = form.getFirst("token");
        return value == null ? null : value.trim();
    }

    /**
     * Only a dashboard path, so the form cannot send the browser elsewhere; a signed link's {@code t}
     * is dropped (the session grants more than a link could, and an expired one would loop back here).
     */
    static String safeNext(String next) {
        if (next == null || !(next.equals("/ui") || next.startsWith("/ui/") || next.startsWith("/ui?"))
                || next.startsWith(UiAccess.LOGIN) || next.contains("//") || next.contains("\\")) {
            return "/ui";
        }
        return UriComponentsBuilder.fromUriString(next).replaceQueryParam(UiAccess.TOKEN_PARAMETER).build(true).toUriString();
    }

    private static String address(ServerWebExchange exchange) {
        var remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }
}
