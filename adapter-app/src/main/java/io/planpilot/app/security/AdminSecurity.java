package io.planpilot.app.security;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationEntryPointFailureHandler;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;

/**
 * {@code /api/**} needs {@code Authorization: Bearer <admin-token>}; everything else is public, and
 * CRM callbacks ({@code /webhooks/**}) have a chain of their own.
 * A request that carries the token is the admin anywhere, which is what
 * {@code management.endpoint.health.show-details: when-authorized} asks for.
 */
@Configuration(proxyBeanMethods = false)
public class AdminSecurity {

    private static final String BEARER = "Bearer ";

    @Bean
    ReactiveAuthenticationManager adminTokenAuthentication(AdminToken token) {
        return authentication -> token.matches((String) authentication.getCredentials())
                ? Mono.just(UsernamePasswordAuthenticationToken.authenticated("admin", null, AuthorityUtils.createAuthorityList("ROLE_ADMIN")))
                : Mono.error(new BadCredentialsException("the admin token is wrong"));
    }

    /**
     * CRM callbacks ({@code /webhooks/**}) prove themselves to their connector (signature or token),
     * never with the admin token or a session: they get a chain of their own with nothing in it, which
     * spares every callback the session lookup, the authentication filters and the headers of the
     * pages. Ordered before the main chain, which then never sees them.
     */
    @Bean
    @org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain webhookSecurityChain(ServerHttpSecurity http) {
        return http
                .securityMatcher(org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers.pathMatchers("/webhooks/**"))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .anonymous(ServerHttpSecurity.AnonymousSpec::disable)
                .headers(ServerHttpSecurity.HeaderSpec::disable)
                .securityContextRepository(org.springframework.security.web.server.context.NoOpServerSecurityContextRepository.getInstance())
                .authorizeExchange(exchanges -> exchanges.anyExchange().permitAll())
                .build();
    }

    @Bean
    SecurityWebFilterChain adminSecurityChain(ServerHttpSecurity http, ReactiveAuthenticationManager adminTokenAuthentication,
                                              FailedLogins failedLogins, io.planpilot.app.config.AdapterConfig config) {
        ServerAuthenticationEntryPoint unauthorized = AdminSecurity::unauthorized;
        AuthenticationWebFilter bearer = new AuthenticationWebFilter(adminTokenAuthentication);
        bearer.setServerAuthenticationConverter(AdminSecurity::bearerToken);
        // CRMs authenticate webhooks their own way; a Bearer header there is theirs, not the admin's
        bearer.setRequiresAuthenticationMatcher(
                org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers.pathMatchers("/api/**", "/actuator/**"));
        ServerAuthenticationEntryPointFailureHandler refuse = new ServerAuthenticationEntryPointFailureHandler(unauthorized);
        bearer.setAuthenticationFailureHandler((exchange, failure) -> {
            if (failure instanceof BadCredentialsException) {
                failedLogins.failed(address(exchange.getExchange()));
            }
            return refuse.onAuthenticationFailure(exchange, failure);
        });
        return http
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .addFilterBefore(throttle(failedLogins), SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAt(bearer, SecurityWebFiltersOrder.AUTHENTICATION)
                .addFilterAfter(dashboardHeaders(config), SecurityWebFiltersOrder.HTTP_HEADERS_WRITER)
                .headers(headers -> headers
                        .referrerPolicy(policy -> policy.policy(
                                org.springframework.security.web.server.header.ReferrerPolicyServerHttpHeadersWriter.ReferrerPolicy.NO_REFERRER))
                        .contentSecurityPolicy(policy -> policy.policyDirectives("default-src 'self'; frame-ancestors "
                                + (config.frameAncestors().isEmpty() ? "'none'" : String.join(" ", config.frameAncestors())))))
                .authorizeExchange(exchanges -> exchanges.pathMatchers("/api/**").authenticated()
                        // /crm/** is called by the CRMs themselves, which authenticate their own way (a Bitrix24
                        // portal's AUTH_ID, HubSpot's request signature, amoCRM's X-Auth-Token): never the admin token
                        .pathMatchers("/crm/**").permitAll()
                        // the dashboard guards itself (admin-token session or signed link: io.planpilot.app.ui.UiAccess)
                        .pathMatchers("/ui", "/ui/**", "/webjars/**").permitAll()
                        .anyExchange().permitAll())
                .exceptionHandling(handling -> handling.authenticationEntryPoint(unauthorized))
                .build();
    }

    /**
     * The dashboard's pages may be framed by the configured CRM origins: for {@code /ui} the
     * Content-Security-Policy's {@code frame-ancestors} alone governs framing (X-Frame-Options cannot
     * name an origin, so it goes), and ECharts may style its own elements (inline styles, never
     * scripts). Runs after the headers writer's, so it has the last word.
     */
    private static org.springframework.web.server.WebFilter dashboardHeaders(io.planpilot.app.config.AdapterConfig config) {
        String policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "frame-ancestors " + (config.frameAncestors().isEmpty() ? "'none'" : String.join(" ", config.frameAncestors()));
        return (exchange, chain) -> {
            String path = exchange.getRequest().getPath().pathWithinApplication().value();
            if (path.equals("/ui") || path.startsWith("/ui/")) {
                exchange.getResponse().beforeCommit(() -> {
                    HttpHeaders headers = exchange.getResponse().getHeaders();
                    headers.remove("X-Frame-Options");
                    headers.set("Content-Security-Policy", policy);
                    return Mono.empty();
                });
            }
            return chain.filter(exchange);
        };
    }

    /**
     * Refuses admin calls from an address that sent too many wrong tokens lately: 429 with
     * {@code Retry-After}, before the token is even looked at.
     */
    private static org.springframework.web.server.WebFilter throttle(FailedLogins failedLogins) {
        var admin = org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers.pathMatchers("/api/**", "/actuator/**");
        return (exchange, chain) -> admin.matches(exchange).flatMap(match -> {
            java.time.Duration wait = match.isMatch() ? failedLogins.blockedFor(address(exchange)) : java.time.Duration.ZERO;
            if (wait.isZero()) {
                return chain.filter(exchange);
            }
            var response = exchange.getResponse();
            response.setStatusCode(HttpStatus.TOO_MANY_REQUESTS);
            response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
            String body = "{\"type\":\"about:blank\",\"title\":\"Too Many Requests\",\"status\":429,\"detail\":\"too many wrong "
                    + "admin tokens from this address; try again in " + seconds + " s\"}";
            return response.writeWith(Mono.just(response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8))));
        });
    }

    private static String address(ServerWebExchange exchange) {
        var remote = exchange.getRequest().getRemoteAddress();
        return remote == null || remote.getAddress() == null ? "unknown" : remote.getAddress().getHostAddress();
    }

    private static Mono<org.springframework.security.core.Authentication> bearerToken(ServerWebExchange exchange) {
        String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Mono.empty();
        }
        return Mono.just(UsernamePasswordAuthenticationToken.unauthenticated("admin", header.substring(BEARER.length()).trim()));
    }

    private static Mono<Void> unauthorized(ServerWebExchange exchange, AuthenticationException failure) {
        String detail = failure instanceof BadCredentialsException
                ? "the admin token is wrong"
                : "the Authorization header with the admin token (Bearer) is missing";
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.UNAUTHORIZED);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        String body = "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"" + detail
                + "\",\"instance\":\"" + exchange.getRequest().getPath().value().replace("\"", "") + "\"}";
        DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
        return response.writeWith(Mono.just(buffer));
    }
}
