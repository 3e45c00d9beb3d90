package io.planpilot.app.webhook;

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

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The webhook inbox for the admin: what came in, where it stands, and a retry of what gave up. */
@RestController
@RequestMapping("/api/v1/webhooks/inbox")
public class WebhookInboxController {

    private final WebhookInbox inbox;
    private final InboxWorkers workers;

    public WebhookInboxController(WebhookInbox inbox, InboxWorkers workers) {
        this.inbox = inbox;
        this.workers = workers;
    }

    /** {@code {rows:[...]}}, newest first, at most 200; {@code status} and {@code connection} filter. */
    @GetMapping
    public Mono<Map<String, List<InboxEntry>>> list(@RequestParam(required = false) String status,
                                                    @RequestParam(required = false) String connection) {
        InboxEntry.Status wanted = status(status);
        return inbox.list(wanted, connection == null || connection.isBlank() ? null : connection)
                .collectList()
                .map(rows -> Map.of("rows", rows));
    }

    /** Puts a DEAD or FAILED entry back in the queue: 200 with the entry; 404 unknown; 409 in another status. */
    @PostMapping("/{id}/retry")
    public Mono<InboxEntry> retry(@PathVariable String id) {
        long entryId;
        try {
            entryId = Long.parseLong(id);
        } catch (NumberFormatException e) {
            return Mono.error(Problems.notFound("webhook inbox entry", id));
        }
        return inbox.requeue(entryId)
                .doOnNext(entry -> workers.wakeNow())
                .switchIfEmpty(Mono.defer(() -> inbox.find(entryId)
                        .switchIfEmpty(Mono.error(Problems.notFound("webhook inbox entry", id)))
                        .flatMap(entry -> Mono.error(notRetryable(entry)))));
    }

    private static InboxEntry.Status status(String status) {
        if (status == null || status.isBlank()) {
            return null;
        }
        return Arrays.stream(InboxEntry.Status.values()).filter(s -> s.name().equalsIgnoreCase(status.trim())).findFirst()
                .orElseThrow(() -> Problems.badRequest("status", "must be one of "
                        + Arrays.toString(InboxEntry.Status.values()) + " (got '" + status + "')"));
    }

    private static ErrorResponseException notRetryable(InboxEntry entry) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, "webhook inbox entry " + entry.id()
                + " is " + entry.status() + ": only DEAD or FAILED entries are retried");
        problem.setTitle("Conflict");
        problem.setProperty("status", entry.status().name());
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }
}
