package io.planpilot.app.action;

import io.planpilot.app.api.Problems;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The outbox for the admin: what the rules pushed or will push into the CRMs, and a retry of what failed. */
@RestController
@RequestMapping("/api/v1/actions")
public class ActionsController {

    private final ActionOutbox outbox;
    private final ActionDispatcher dispatcher;
    private final Clock clock;

    public ActionsController(ActionOutbox outbox, ActionDispatcher dispatcher, Clock clock) {
        this.outbox = outbox;
        this.dispatcher = dispatcher;
        this.clock = clock;
    }

    /** {@code {rows:[...]}}, newest first, at most 500; {@code status}, {@code connection} and {@code rule} filter. */
    @GetMapping
    public Mono<Map<String, List<Action>>> list(@RequestParam(required = false) String status,
                                                @RequestParam(required = false) String connection,
                                                @RequestParam(required = false) String rule) {
        return outbox.list(status(status), blankToNull(connection), blankToNull(rule))
                .collectList()
                .map(rows -> Map.of("rows", rows));
    }

    /** Sends a FAILED action again: 200 with the action; 404 unknown; 409 when it is not FAILED. */
    @PostMapping("/{id}/retry")
    public Mono<Action> retry(@PathVariable String id) {
        long actionId;
        try {
            actionId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Mono.error(Problems.notFound("action", id));
        }
        return outbox.requeue(actionId, clock.instant())
                .doOnNext(action -> dispatcher.wake())
                .switchIfEmpty(Mono.defer(() -> outbox.find(actionId)
                        .switchIfEmpty(Mono.error(Problems.notFound("action", id)))
                        .flatMap(action -> Mono.error(notRetryable(action)))));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static Action.Status status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        return Arrays.stream(Action.Status.values()).filter(s -> s.name().equalsIgnoreCase(status.trim())).findFirst()
                .orElseThrow(() -> Problems.badRequest("status", "must be one of "
                        + Arrays.toString(Action.Status.values()) + " (got '" + status + "')"));
    }

    private static ErrorResponseException notRetryable(Action action) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "action " + action.id()
                + " is " + action.status() + ": only FAILED actions are sent again");
        problem.setTitle("Conflict");
        problem.setProperty("status", action.status().name());
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }
}
