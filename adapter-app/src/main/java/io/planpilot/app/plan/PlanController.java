package io.planpilot.app.plan;

import io.planpilot.app.kpi.KpiSnapshots;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Map;

/** {@code PUT /api/v1/plan}: a new plan as CSV; a bad one is a 400 naming its lines, and the old plan stays. */
@RestController
@RequestMapping("/api/v1")
public class PlanController {

    private final KpiSnapshots snapshots;

    public PlanController(KpiSnapshots snapshots) {
        this.snapshots = snapshots;
    }

    @PutMapping("/plan")
    public Mono<Map<String, Object>> replace(@RequestBody(required = false) String csv) {
        return Mono.fromCallable(() -> {
            try {
                int rows = snapshots.replacePlan(csv == null ? "" : csv).size();
                return Map.<String, Object>of("rows", rows);
            } catch (InvalidPlanException e) {
                ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                        "the plan was not changed: " + e.problems().get(0)
                                + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : ""));
                problem.setTitle("Bad Request");
                problem.setProperty("errors", e.problems());
                throw new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, e);
            }
        }).subscribeOn(Schedulers.boundedElastic());
    }
}
