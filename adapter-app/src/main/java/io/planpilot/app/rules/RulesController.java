package io.planpilot.app.rules;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.kpi.KpiParameters;
import io.planpilot.core.kpi.KpiQuery;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;

/** {@code POST /api/v1/rules/run}: evaluates the rules now for {@code period}/{@code asOf}. */
@RestController
public class RulesController {

    private final RuleRuns runs;
    private final AdapterConfig config;
    private final Clock clock;

    public RulesController(RuleRuns runs, AdapterConfig config, Clock clock) {
        this.runs = runs;
        this.config = config;
        this.clock = clock;
    }

    /** {@code {created, skippedAsDuplicate, withoutWrites}}; the parameters as for KPI calls (all connections). */
    @PostMapping("/api/v1/rules/run")
    public Mono<RuleRuns.Result> run(@RequestParam(required = false) String asOf,
                                     @RequestParam(required = false) String period) {
        return Mono.fromCallable(() -> {
                    KpiQuery query = KpiParameters.query(asOf, period, null, clock, config.timeZone(), config.connections().keySet());
                    return runs.run(query, "request");
                })
                .subscribeOn(Schedulers.boundedElastic());
    }
}
