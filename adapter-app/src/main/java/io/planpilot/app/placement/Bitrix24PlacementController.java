package io.planpilot.app.placement;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.security.SignedLinks;
import io.planpilot.connector.bitrix24.Bitrix24Application;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The Bitrix24 local application behind the dashboard inside the portal.
 * <ul>
 *   <li>{@code POST /crm/bitrix24/{connection}/install}: the application's install URL. The portal opens it
 *       (in its own frame) with {@code AUTH_ID}, {@code AUTH_EXPIRES}, {@code REFRESH_ID}, {@code member_id},
 *       {@code DOMAIN}. The caller is the configured portal when {@code DOMAIN} is the host of the
 *       connection's {@code base-url}, {@code member_id} is the one of the first install, and {@code app.info}
 *       called on that portal with {@code AUTH_ID} names the configured {@code app-client-id}. Then the
 *       tokens are stored sealed, {@code CRM_ANALYTICS_MENU} and {@code CRM_DEAL_DETAIL_TAB} are bound to the
 *       placement handler, and the page tells the portal the install is finished ({@code BX24.installFinish()}).</li>
 *   <li>{@code POST /crm/bitrix24/{connection}/placement}: the placement handler. The portal posts the
 *       viewing user's {@code AUTH_ID} with {@code DOMAIN}, {@code member_id}, {@code PLACEMENT} and
 *       {@code PLACEMENT_OPTIONS}; when they are the installed portal's and the portal accepts the token
 *       ({@code user.current}), the answer is a 303 to the dashboard page with a signed link valid for
 *       {@link #LINK_TTL}: the overview for {@code CRM_ANALYTICS_MENU} and for the application's own page
 *       ({@code DEFAULT}, the same URL as its handler path), the deal's page for {@code CRM_DEAL_DETAIL_TAB}.</li>
 * </ul>
 * A wrong portal or a refused token is a 403 with a plain explanation, logged with the reason.
 */
@RestController
public class Bitrix24PlacementController {

    static final String ANALYTICS_MENU = "CRM_ANALYTICS_MENU";
    static final String DEAL_DETAIL_TAB = "CRM_DEAL_DETAIL_TAB";
    /** The application's own page (its left-menu item), which the handler path also serves. */
    static final String DEFAULT = "DEFAULT";
    static final Duration LINK_TTL = Duration.ofMinutes(10);
    /** Where Bitrix24 serves its BX24 JavaScript library for application pages. */
    static final String BX24_SCRIPT = "https://api.bitrix24.com/api/v1/";

    private static final Logger log = LoggerFactory.getLogger(Bitrix24PlacementController.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final AdapterConfig config;
    private final Bitrix24Applications applications;
    private final AppInstalls installs;
    private final SignedLinks links;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public Bitrix24PlacementController(AdapterConfig config, Bitrix24Applications applications, AppInstalls installs,
                                       SignedLinks links, Clock clock) {
        this.config = config;
        this.applications = applications;
        this.installs = installs;
        this.links = links;
        this.clock = clock;
    }

    /** A refusal: the status, what the portal's user reads, and what the log says. */
    static final class Refusal extends RuntimeException {
        final HttpStatus status;
        final String shown;

        Refusal(HttpStatus status, String shown, String reason) {
            super(reason);
            this.status = status;
            this.shown = shown;
        }
    }

    @PostMapping("/crm/bitrix24/{connection}/install")
    public Mono<ResponseEntity<String>> install(@PathVariable String connection, ServerWebExchange exchange) {
        return fields(exchange).flatMap(form -> {
            Bitrix24Application app = application(connection);
            String domain = form.getFirst("DOMAIN");
            String memberId = form.getFirst("member_id");
            String auth = form.getFirst("AUTH_ID");
            String refresh = form.getFirst("REFRESH_ID");
            if (!app.isPortal(domain)) {
                throw forbidden("This install request does not come from the portal of connection '" + connection
                        + "' (" + app.domain() + ").", "DOMAIN " + domain + " is not " + app.domain());
            }
            if (blank(memberId) || blank(auth) || blank(refresh)) {
                throw new Refusal(HttpStatus.BAD_REQUEST, "The install request lacks "
                        + (blank(memberId) ? "member_id" : blank(auth) ? "AUTH_ID" : "REFRESH_ID")
                        + ": open it from Bitrix24 (Applications > Developer resources > the application > Install).",
                        "install without member_id, AUTH_ID or REFRESH_ID");
            }
            return installs.find(connection).map(java.util.Optional::of).defaultIfEmpty(java.util.Optional.empty())
                    .flatMap(known -> {
                        if (known.isPresent() && !known.get().memberId().equals(memberId.trim())) {
                            throw forbidden("The application of connection '" + connection
                                    + "' is installed on another Bitrix24 account (member_id differs).",
                                    "member_id " + memberId + " is not the installed " + known.get().memberId());
                        }
                        return blocking(() -> {
                            Bitrix24Application.AppInfo info = verified(() -> app.appInfo(auth), "app.info");
                            if (!app.clientId().equals(info.code())) {
                                throw forbidden("AUTH_ID belongs to another application (" + info.code()
                                        + "), not to the one set as app-client-id of connection '" + connection + "'.",
                                        "app.info CODE " + info.code() + " is not app-client-id " + app.clientId());
                            }
                            return info;
                        }).flatMap(info -> installs.save(new AppInstalls.Install(connection, Bitrix24Applications.TYPE,
                                        app.domain(), memberId.trim(), auth.trim(), refresh.trim(), expires(form), null),
                                clock.instant()).thenReturn(info));
                    })
                    .flatMap(info -> blocking(() -> {
                        String handler = CalledUrl.base(config.publicBaseUrl(), exchange.getRequest())
                                + "/crm/bitrix24/" + connection + "/placement";
                        verified(() -> {
                            app.bindPlacement(auth, ANALYTICS_MENU, handler, titles("PlanPilot: план продаж", "PlanPilot: sales plan"));
                            app.bindPlacement(auth, DEAL_DETAIL_TAB, handler, titles("PlanPilot", "PlanPilot"));
                            return null;
                        }, "placement.bind");
                        log.info("Bitrix24 application installed for connection {} on {} (member_id {}); placements {} and {} "
                                + "bound to {}", connection, app.domain(), memberId, ANALYTICS_MENU, DEAL_DETAIL_TAB, handler);
                        return installedPage(app, "ru".equalsIgnoreCase(form.getFirst("LANG")));
                    }));
        }).onErrorResume(Refusal.class, refusal -> refused(connection, "install", refusal));
    }

    @PostMapping("/crm/bitrix24/{connection}/placement")
    public Mono<ResponseEntity<String>> placement(@PathVariable String connection, ServerWebExchange exchange) {
        return fields(exchange).flatMap(form -> {
            Bitrix24Application app = application(connection);
            String domain = form.getFirst("DOMAIN");
            String memberId = form.getFirst("member_id");
            String auth = form.getFirst("AUTH_ID");
            String placement = form.getFirst("PLACEMENT");
            if (!app.isPortal(domain)) {
                throw forbidden("PlanPilot shows this dashboard only inside the portal of connection '" + connection + "'.",
                        "DOMAIN " + domain + " is not " + app.domain());
            }
            return installs.find(connection)
                    .switchIfEmpty(Mono.error(() -> forbidden("The PlanPilot application is not installed on this portal yet: "
                                    + "an administrator installs it first (Applications > Developer resources).",
                            "placement call before any install")))
                    .flatMap(install -> {
                        if (blank(memberId) || !install.memberId().equals(memberId.trim())) {
                            throw forbidden("This call does not come from the Bitrix24 account PlanPilot is installed on.",
                                    "member_id " + memberId + " is not the installed " + install.memberId());
                        }
                        String target = target(connection, placement, form.getFirst("PLACEMENT_OPTIONS"), form.getFirst("LANG"));
                        return blocking(() -> verified(() -> app.currentUser(auth), "user.current"))
                                .map(user -> {
                                    log.info("Bitrix24 placement {} of connection {} opened by user {} ({})", placement,
                                            connection, user.id(), user.name());
                                    return ResponseEntity.status(HttpStatus.SEE_OTHER).header(HttpHeaders.LOCATION, target)
                                            .<String>build();
                                });
                    });
        }).onErrorResume(Refusal.class, refusal -> refused(connection, "placement", refusal));
    }

    /** The dashboard page for a placement, with a signed link of the scope it may see. */
    private String target(String connection, String placement, String options, String language) {
        String lang = "en".equalsIgnoreCase(language) || "ru".equalsIgnoreCase(language)
                ? "&lang=" + language.toLowerCase(java.util.Locale.ROOT) : "";
        if (ANALYTICS_MENU.equals(placement) || DEFAULT.equals(placement)) {
            return "/ui?t=" + encode(links.issue("connection:" + connection, LINK_TTL)) + "&embed=bitrix24" + lang;
        }
        if (DEAL_DETAIL_TAB.equals(placement)) {
            String dealId = dealId(options);
            return "/ui/deals/" + connection + "/" + encode(dealId) + "?t="
                    + encode(links.issue("deal:" + connection + ":" + dealId, LINK_TTL)) + "&embed=bitrix24" + lang;
        }
        throw new Refusal(HttpStatus.BAD_REQUEST, "PlanPilot has no view for the placement " + placement + " (it binds "
                + ANALYTICS_MENU + " and " + DEAL_DETAIL_TAB + ").", "unknown PLACEMENT " + placement);
    }

    private static String dealId(String options) {
        String id = null;
        try {
            JsonNode node = options == null ? null : JSON.readTree(options);
            id = node == null || node.get("ID") == null ? null : node.get("ID").asString();
        } catch (RuntimeException e) {
            // handled below
        }
        if (id == null || !id.matches("\\d{1,20}")) {
            throw new Refusal(HttpStatus.BAD_REQUEST, "The deal tab was opened without a deal id (PLACEMENT_OPTIONS.ID).",
                    "PLACEMENT_OPTIONS without a numeric ID: " + options);
        }
        return id;
    }

    private Bitrix24Application application(String connection) {
        if (!applications.isBitrix24(connection)) {
            throw new Refusal(HttpStatus.NOT_FOUND, "No Bitrix24 connection '" + connection + "' is configured.",
                    "unknown connection");
        }
        return applications.of(connection).orElseThrow(() -> new Refusal(HttpStatus.NOT_FOUND,
                "Connection '" + connection + "' has no local application: set app-client-id and app-client-secret.",
                "no app-client-id/app-client-secret"));
    }

    /** The portal's answer to a token: a refusal becomes a 403, an unreachable portal a 502. */
    private static <T> T verified(java.util.concurrent.Callable<T> call, String method) throws Exception {
        try {
            return call.call();
        } catch (Bitrix24Application.Refused e) {
            throw forbidden("The portal did not accept the authorization of this request (" + Objects.toString(e.code(), "refused")
                    + "). Reopen the page from Bitrix24.", method + " refused: " + e.getMessage());
        } catch (RuntimeException e) {
            if (Bitrix24Application.unavailable(e)) {
                throw new Refusal(HttpStatus.BAD_GATEWAY, "The Bitrix24 portal could not be reached to check this request; "
                        + "try again in a minute.", method + " failed: " + e.getMessage());
            }
            throw e;
        }
    }

    private Instant expires(MultiValueMap<String, String> form) {
        String seconds = form.getFirst("AUTH_EXPIRES");
        long value = seconds != null && seconds.trim().matches("\\d{1,9}") ? Long.parseLong(seconds.trim()) : 3600;
        return clock.instant().plusSeconds(value);
    }

    private ResponseEntity<String> installedPage(Bitrix24Application app, boolean russian) {
        byte[] bytes = new byte[18];
        random.nextBytes(bytes);
        String nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String text = russian
                ? "PlanPilot установлен. Дашборд — в CRM: «Аналитика» и вкладка «PlanPilot» в карточке сделки."
                : "PlanPilot is installed. The dashboard is in the CRM: the Analytics menu and the PlanPilot tab of each deal.";
        String page = "<!DOCTYPE html>\n<html lang=\"" + (russian ? "ru" : "en") + "\"><head><meta charset=\"utf-8\">"
                + "<title>PlanPilot</title><script src=\"" + BX24_SCRIPT + "\"></script></head>\n<body><p>" + text + "</p>\n"
                + "<script nonce=\"" + nonce + "\">BX24.init(function () { BX24.installFinish(); });</script>\n</body></html>\n";
        return ResponseEntity.ok()
                .contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
                // this page runs Bitrix24's own script inside the portal's frame: the portal may frame it
                .header("Content-Security-Policy", "default-src 'none'; script-src " + BX24_SCRIPT + " 'nonce-" + nonce
                        + "'; connect-src " + app.portal() + "; frame-ancestors " + app.portal())
                .body(page);
    }

    private Mono<ResponseEntity<String>> refused(String connection, String what, Refusal refusal) {
        log.warn("Bitrix24 {} call for connection {} refused ({}): {}", what, connection, refusal.status.value(),
                refusal.getMessage());
        return Mono.just(ResponseEntity.status(refusal.status)
                .contentType(new MediaType(MediaType.TEXT_PLAIN, StandardCharsets.UTF_8))
                .body(refusal.shown + "\n"));
    }

    private static Refusal forbidden(String shown, String reason) {
        return new Refusal(HttpStatus.FORBIDDEN, shown, reason);
    }

    /** The form fields and the query parameters (Bitrix24 puts DOMAIN, PROTOCOL, LANG, APP_SID in the query). */
    private static Mono<MultiValueMap<String, String>> fields(ServerWebExchange exchange) {
        return exchange.getFormData().map(form -> {
            MultiValueMap<String, String> all = new LinkedMultiValueMap<>(form);
            exchange.getRequest().getQueryParams().forEach((key, values) -> all.putIfAbsent(key, values));
            return all;
        });
    }

    private static Map<String, String> titles(String russian, String english) {
        Map<String, String> titles = new LinkedHashMap<>();
        titles.put("ru", russian);
        titles.put("en", english);
        return titles;
    }

    private static <T> Mono<T> blocking(java.util.concurrent.Callable<T> call) {
        return Mono.fromCallable(call).subscribeOn(Schedulers.boundedElastic());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
