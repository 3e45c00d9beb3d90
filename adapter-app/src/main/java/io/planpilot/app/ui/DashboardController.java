package io.planpilot.app.ui;

import io.planpilot.app.action.Action;
import io.planpilot.app.action.ActionOutbox;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.kpi.KpiParameters;
import io.planpilot.app.kpi.KpiSnapshots;
import io.planpilot.app.sync.Connections;
import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.DataQuality;
import io.planpilot.core.kpi.DealList;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiParameterException;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.UnknownKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The dashboard's pages at {@code /ui}: overview, funnel, reps, capacity, data quality, actions, the
 * deals behind a figure and one deal's page. {@link UiAccess} has let the visitor in; a connection
 * grant forces its connection, a deal grant opens only that deal's page.
 */
@Controller
public class DashboardController {

    private final KpiSnapshots snapshots;
    private final AdapterConfig config;
    private final Clock clock;
    private final Connections connections;
    private final ActionOutbox outbox;
    private final Templates templates;

    public DashboardController(KpiSnapshots snapshots, AdapterConfig config, Clock clock, Connections connections,
                               ActionOutbox outbox, Templates templates) {
        this.snapshots = snapshots;
        this.config = config;
        this.clock = clock;
        this.connections = connections;
        this.outbox = outbox;
        this.templates = templates;
    }

    /** The request's parameters every page reads. */
    private record Request(ServerWebExchange exchange, String period, String connection, String asOf) {
    }

    @GetMapping({"/ui", "/ui/"})
    public Mono<ResponseEntity<String>> overview(ServerWebExchange exchange, @RequestParam(required = false) String period,
                                                 @RequestParam(required = false) String connection,
                                                 @RequestParam(required = false) String asOf,
                                                 @RequestParam(required = false) String dimension) {
        return page(new Request(exchange, period, connection, asOf), "overview", (pages, ctx, params) -> {
            Dimension d = dimension(dimension, Dimension.REGION);
            params.put("overview", pages.overview(d, ctx.m(), ctx));
            params.put("dimensions", Dimension.values());
            return "overview.jte";
        });
    }

    @GetMapping("/ui/funnel")
    public Mono<ResponseEntity<String>> funnel(ServerWebExchange exchange, @RequestParam(required = false) String period,
                                               @RequestParam(required = false) String connection,
                                               @RequestParam(required = false) String asOf) {
        return page(new Request(exchange, period, connection, asOf), "funnel", (pages, ctx, params) -> {
            params.put("funnels", pages.funnels(ctx.m(), ctx));
            return "funnel.jte";
        });
    }

    @GetMapping("/ui/reps")
    public Mono<ResponseEntity<String>> reps(ServerWebExchange exchange, @RequestParam(required = false) String period,
                                             @RequestParam(required = false) String connection,
                                             @RequestParam(required = false) String asOf,
                                             @RequestParam(required = false) String sort,
                                             @RequestParam(required = false) String dir) {
        return page(new Request(exchange, period, connection, asOf), "reps", (pages, ctx, params) -> {
            String column = RepSort.column(sort);
            boolean descending = RepSort.descending(column, dir);
            params.put("rows", pages.reps(column, descending));
            params.put("sort", column);
            params.put("descending", descending);
            return "reps.jte";
        });
    }

    @GetMapping("/ui/capacity")
    public Mono<ResponseEntity<String>> capacity(ServerWebExchange exchange, @RequestParam(required = false) String period,
                                                 @RequestParam(required = false) String connection,
                                                 @RequestParam(required = false) String asOf,
                                                 @RequestParam(required = false) String dimension) {
        return page(new Request(exchange, period, connection, asOf), "capacity", (pages, ctx, params) -> {
            Dimension d = dimension(dimension, Dimension.DEPARTMENT);
            params.put("dimension", d);
            params.put("dimensions", Dimension.values());
            params.put("rows", pages.capacity(d));
            return "capacity.jte";
        });
    }

    @GetMapping("/ui/quality")
    public Mono<ResponseEntity<String>> quality(ServerWebExchange exchange, @RequestParam(required = false) String period,
                                                @RequestParam(required = false) String connection,
                                                @RequestParam(required = false) String asOf) {
        return page(new Request(exchange, period, connection, asOf), "quality", (pages, ctx, params) -> {
            params.put("quality", pages.dataQuality());
            return "quality.jte";
        });
    }

    @GetMapping("/ui/actions")
    public Mono<ResponseEntity<String>> actions(ServerWebExchange exchange, @RequestParam(required = false) String period,
                                                @RequestParam(required = false) String connection,
                                                @RequestParam(required = false) String asOf,
                                                @RequestParam(required = false) String status) {
        UiGrant grant = grant(exchange);
        Action.Status wanted = parseStatus(status);
        String only = grant.forcedConnection() != null ? grant.forcedConnection() : blankToNull(connection);
        return outbox.list(wanted, only, null).collectList().flatMap(actions ->
                page(new Request(exchange, period, connection, asOf), "actions", (pages, ctx, params) -> {
                    params.put("actions", actions);
                    params.put("status", wanted == null ? "" : wanted.name());
                    return "actions.jte";
                }));
    }

    @GetMapping("/ui/deals")
    public Mono<ResponseEntity<String>> deals(ServerWebExchange exchange, @RequestParam(required = false) String period,
                                              @RequestParam(required = false) String connection,
                                              @RequestParam(required = false) String asOf,
                                              @RequestParam(required = false) String set,
                                              @RequestParam(required = false) String dimension,
                                              @RequestParam(required = false) String key,
                                              @RequestParam(required = false) String stage,
                                              @RequestParam(required = false) String status,
                                              @RequestParam(required = false) String issue,
                                              @RequestParam(required = false) String rep) {
        return page(new Request(exchange, period, connection, asOf), null, (pages, ctx, params) -> {
            DealList.Kind kind = kind(set, issue);
            Dimension d = dimension(dimension, Dimension.DEPARTMENT);
            Set<String> onlyKeys = null;
            if (issue != null && !issue.isBlank()) {
                DataQuality quality = pages.dataQuality();
                onlyKeys = quality.items().stream()
                        .filter(i -> i.issue().equals(issue) && (rep == null || rep.isBlank() || i.rep().equals(rep)))
                        .map(DataQuality.Item::dealId).collect(Collectors.toSet());
            }
            String wantedStatus = status == null || status.isBlank() ? null : status.toUpperCase(Locale.ROOT);
            params.put("deals", pages.deals(new DealList.Filter(kind, d, blankToNull(key), blankToNull(stage)), wantedStatus, onlyKeys));
            params.put("what", describe(ctx.m(), kind, d, key, stage, wantedStatus, issue, rep));
            return "deals.jte";
        });
    }

    @GetMapping("/ui/deals/{dealConnection}/{dealId}")
    public Mono<ResponseEntity<String>> deal(ServerWebExchange exchange, @PathVariable String dealConnection,
                                             @PathVariable String dealId, @RequestParam(required = false) String period,
                                             @RequestParam(required = false) String asOf) {
        UiGrant grant = grant(exchange);
        if (!grant.mayOpenDeal(dealConnection, dealId) || connections.find(dealConnection).isEmpty()) {
            return Mono.just(error(exchange, HttpStatus.NOT_FOUND, "error.notFound"));
        }
        return outbox.list(null, dealConnection, null).collectList().flatMap(actions ->
                page(new Request(exchange, period, dealConnection, asOf), null, true, (pages, ctx, params) -> {
                    var page = pages.deal(dealId, actions);
                    if (page.isEmpty()) {
                        throw new ErrorResponseException(HttpStatus.NOT_FOUND);
                    }
                    params.put("deal", page.get());
                    return "deal.jte";
                }));
    }

    /** What builds one page: fills the template's parameters, names the template. */
    @FunctionalInterface
    private interface PageBuilder {
        String build(DashboardPages pages, UiContext ctx, Map<String, Object> params);
    }

    private Mono<ResponseEntity<String>> page(Request request, String nav, PageBuilder builder) {
        return page(request, nav, false, builder);
    }

    private Mono<ResponseEntity<String>> page(Request request, String nav, boolean dealPage, PageBuilder builder) {
        ServerWebExchange exchange = request.exchange();
        UiGrant grant = grant(exchange);
        if (!grant.dashboard() && !dealPage) {
            return Mono.just(error(exchange, HttpStatus.FORBIDDEN, "error.forbidden"));
        }
        return Mono.fromCallable(() -> {
            Messages m = messages(exchange);
            String connection = grant.forcedConnection() != null ? grant.forcedConnection() : blankToNull(request.connection());
            try {
                KpiQuery query = KpiParameters.query(request.asOf(), request.period(), connection, clock, config.timeZone(),
                        snapshots.connections());
                UiContext ctx = new UiContext(grant, m, query.period().label(), connection, blankToNull(request.asOf()),
                        config.baseCurrency(), List.copyOf(snapshots.connections()));
                Map<String, Object> params = new LinkedHashMap<>();
                String template = builder.build(new DashboardPages(new KpiEngine(snapshots.current()), query, connections,
                        config.rules().settings().stuckInStage()), ctx, params);
                params.put("f", new Frame(ctx, m.t("page." + (nav == null ? template.replace(".jte", "") : nav)), nav,
                        langHref(exchange, ctx.otherLang())));
                params.put("periods", PeriodOptions.around(query.asOf().atZone(config.timeZone()).toLocalDate(),
                        query.period().label()));
                return html(HttpStatus.OK, templates.render(template, params));
            } catch (KpiParameterException e) {
                return error(exchange, HttpStatus.BAD_REQUEST, e.getMessage());
            } catch (UnknownKeyException e) {
                return error(exchange, HttpStatus.NOT_FOUND, e.getMessage());
            } catch (ErrorResponseException e) {
                String detail = e.getBody().getDetail();
                return error(exchange, e.getStatusCode(), detail == null ? "error.notFound" : detail);
            }
        }).subscribeOn(Schedulers.parallel());
    }

    private ResponseEntity<String> error(ServerWebExchange exchange, HttpStatusCode status, String problem) {
        Messages m = messages(exchange);
        String text = problem.startsWith("error.") ? m.t(problem) : problem;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("m", m);
        params.put("status", status.value());
        params.put("problem", text);
        return html(status, templates.render("error.jte", params));
    }

    static ResponseEntity<String> html(HttpStatusCode status, String body) {
        return ResponseEntity.status(status).contentType(new MediaType(MediaType.TEXT_HTML, java.nio.charset.StandardCharsets.UTF_8))
                .header("Cache-Control", "no-store").body(body);
    }

    private Messages messages(ServerWebExchange exchange) {
        return new Messages(exchange.getAttributeOrDefault(UiAccess.LANG, config.locale()), config.timeZone());
    }

    private static UiGrant grant(ServerWebExchange exchange) {
        return exchange.getRequiredAttribute(UiAccess.GRANT);
    }

    private static String langHref(ServerWebExchange exchange, String lang) {
        var uri = exchange.getRequest().getURI();
        return UriComponentsBuilder.fromPath(uri.getRawPath()).query(uri.getRawQuery()).replaceQueryParam("lang", lang)
                .build(true).toUriString();
    }

    private static Dimension dimension(String value, Dimension fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        return Dimension.fromKey(value.trim().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> new KpiParameterException("dimension", "'" + value + "' is not a dimension"));
    }

    private static DealList.Kind kind(String set, String issue) {
        if (set == null || set.isBlank()) {
            return issue == null || issue.isBlank() ? DealList.Kind.ANY : DealList.Kind.QUALITY;
        }
        try {
            return DealList.Kind.valueOf(set.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new KpiParameterException("set", "'" + set + "' is not a set of deals");
        }
    }

    private static Action.Status parseStatus(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        try {
            return Action.Status.valueOf(status.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String describe(Messages m, DealList.Kind kind, Dimension dimension, String key, String stage, String status,
                                   String issue, String rep) {
        StringBuilder what = new StringBuilder(m.t("set." + kind.name()));
        if (dimension != Dimension.DEPARTMENT && key != null && !key.isBlank()) {
            what.append(" · ").append(m.t("dimension." + dimension.key())).append(": ").append(key);
        }
        if (stage != null && !stage.isBlank()) {
            what.append(" · ").append(m.t("funnel.stage")).append(": ").append(stage);
        }
        if (status != null) {
            what.append(" · ").append(m.t("status." + status));
        }
        if (issue != null && !issue.isBlank()) {
            what.append(" · ").append(issue);
        }
        if (rep != null && !rep.isBlank()) {
            what.append(" · ").append(m.t("dimension.rep")).append(": ").append(rep);
        }
        return what.toString();
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
