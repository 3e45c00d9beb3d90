package io.planpilot.app.amocrm;

import org.springframework.core.Ordered;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsProcessor;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

/**
 * The widget's script runs on the account's own pages ({@code https://acme.amocrm.ru}) and calls the
 * adapter from there: the browser lets it only when the adapter allows that origin and the
 * {@code X-Auth-Token} header. Exactly the connection's base-url origin is allowed, for GET; a
 * preflight is answered here, before the admin's security; another origin gets a 403.
 */
@Component
class WidgetCors implements WebFilter, Ordered {

    private static final PathPattern WIDGET = PathPatternParser.defaultInstance.parse("/crm/amocrm/{connection}/widget");

    private final WidgetAccounts accounts;
    private final CorsProcessor processor = new DefaultCorsProcessor();

    WidgetCors(WidgetAccounts accounts) {
        this.accounts = accounts;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        PathPattern.PathMatchInfo match = WIDGET.matchAndExtract(exchange.getRequest().getPath().pathWithinApplication());
        if (match == null) {
            return chain.filter(exchange);
        }
        WidgetAccount account = accounts.find(match.getUriVariables().get("connection")).orElse(null);
        if (account == null) {
            return chain.filter(exchange); // the controller answers 404
        }
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(List.of(account.origin()));
        cors.setAllowedMethods(List.of(HttpMethod.GET.name()));
        cors.setAllowedHeaders(List.of(WidgetController.AUTH_HEADER));
        cors.setMaxAge(Duration.ofHours(1));
        boolean allowed = processor.process(cors, exchange);
        if (!allowed || CorsUtils.isPreFlightRequest(exchange.getRequest())) {
            return exchange.getResponse().setComplete();
        }
        return chain.filter(exchange);
    }

    /** Before Spring Security's filters (-100), so that a preflight needs no credentials. */
    @Override
    public int getOrder() {
        return -200;
    }
}
