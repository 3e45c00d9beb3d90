package io.planpilot.app.kpi;

import io.planpilot.app.api.Problems;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiParameterException;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.UnknownKeyException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The KPI API (CONTRACT.md): every answer echoes the period in its normal form and asOf in UTC. */
@RestController
@RequestMapping("/api/v1")
public class KpiController {

    private final KpiSnapshots snapshots;
    private final AdapterConfig config;
    private final Clock clock;

    public KpiController(KpiSnapshots snapshots, AdapterConfig config, Clock clock) {
        this.snapshots = snapshots;
        this.config = config;
        this.clock = clock;
    }

    @GetMapping("/kpi/summary")
    public Mono<Map<String, Object>> summary(@RequestParam(required = false) String asOf,
                                             @RequestParam(required = false) String period,
                                             @RequestParam(required = false) String connection) {
        return compute(asOf, period, connection, (engine, query) -> {
            Map<String, Object> answer = header(query, true);
            answer.putAll(KpiJson.figures(engine.summary(query)));
            return answer;
        });
    }

    @GetMapping("/kpi/breakdown")
    public Mono<Map<String, Object>> breakdown(@RequestParam(required = false) String asOf,
                                               @RequestParam(required = false) String period,
                                               @RequestParam(required = false) String connection,
                                               @RequestParam(required = false) String dimension) {
        Dimension d = KpiParameters.dimension(dimension, null);
        return compute(asOf, period, connection, (engine, query) -> {
            Map<String, Object> answer = header(query, true);
            answer.put("dimension", d.key());
            List<Map<String, Object>> rows = new ArrayList<>();
            for (BreakdownRow row : engine.breakdown(query, d)) {
                Map<String, Object> json = new LinkedHashMap<>();
                json.put("key", row.key());
                json.put("name", row.name());
                json.putAll(KpiJson.figures(row.figures()));
                rows.add(json);
            }
            answer.put("rows", rows);
            return answer;
        });
    }

    @GetMapping("/kpi/funnel")
    public Mono<Map<String, Object>> funnel(@RequestParam(required = false) String asOf,
                                            @RequestParam(required = false) String period,
                                            @RequestParam(required = false) String connection,
                                            @RequestParam(required = false) String pipeline) {
        return compute(asOf, period, connection, (engine, query) -> {
            Map<String, Object> answer = header(query, false);
            answer.putAll(KpiJson.funnel(engine.funnel(query, pipeline)));
            return answer;
        });
    }

    @GetMapping("/kpi/reps")
    public Mono<Map<String, Object>> reps(@RequestParam(required = false) String asOf,
                                          @RequestParam(required = false) String period,
                                          @RequestParam(required = false) String connection) {
        return compute(asOf, period, connection, (engine, query) -> {
            Map<String, Object> answer = header(query, true);
            answer.put("rows", engine.reps(query));
            return answer;
        });
    }

    @GetMapping("/kpi/capacity")
    public Mono<Map<String, Object>> capacity(@RequestParam(required = false) String asOf,
                                              @RequestParam(required = false) String period,
                                              @RequestParam(required = false) String connection,
                                              @RequestParam(required = false) String dimension) {
        Dimension d = KpiParameters.dimension(dimension, Dimension.DEPARTMENT);
        return compute(asOf, period, connection, (engine, query) -> {
            Map<String, Object> answer = header(query, true);
            answer.put("dimension", d.key());
            answer.put("rows", engine.capacity(query, d));
            return answer;
        });
    }

    @GetMapping("/data-quality")
    public Mono<Map<String, Object>> dataQuality(@RequestParam(required = false) String asOf,
                                                 @RequestParam(required = false) String period,
                                                 @RequestParam(required = false) String connection) {
        return compute(asOf, period, connection, (engine, query) -> {
            Map<String, Object> answer = header(query, false);
            var report = engine.dataQuality(query);
            answer.put("counts", report.counts());
            answer.put("byRep", report.byRep());
            answer.put("items", report.items());
            return answer;
        });
    }

    /** Checks the parameters, then computes off the event loop: a query scans the whole snapshot. */
    private Mono<Map<String, Object>> compute(String asOf, String period, String connection,
                                              java.util.function.BiFunction<KpiEngine, KpiQuery, Map<String, Object>> report) {
        KpiQuery query = KpiParameters.query(asOf, period, connection, clock, config.timeZone(), snapshots.connections());
        return Mono.fromCallable(() -> {
            try {
                return report.apply(new KpiEngine(snapshots.current()), query);
            } catch (KpiParameterException e) {
                throw Problems.badRequest(e.parameter(), e.getMessage().substring(e.parameter().length() + 2));
            } catch (UnknownKeyException e) {
                throw Problems.notFound(e.what(), e.key());
            }
        }).subscribeOn(Schedulers.parallel());
    }

    private Map<String, Object> header(KpiQuery query, boolean currency) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("period", query.period().label());
        answer.put("asOf", DateTimeFormatter.ISO_INSTANT.format(query.asOf().atOffset(ZoneOffset.UTC)));
        if (query.connection() != null) {
            answer.put("connection", query.connection());
        }
        if (currency) {
            answer.put("currency", config.baseCurrency());
        }
        return answer;
    }
}
