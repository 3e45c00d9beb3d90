package io.planpilot.app.webhook;

import io.planpilot.app.api.Problems;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.sync.Connections;
import io.planpilot.core.connector.UnsupportedCapabilityException;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /webhooks/{connectionId}} (and below it, for CRMs that put a secret in the path): the
 * CRM's callback is verified and parsed by the connection's connector, stored durably in the inbox
 * (callbacks that arrive together in one commit, see {@link CallbackIntake}) and only then
 * acknowledged with 200; the inbox workers process it. Public: the CRM proves itself
 * with its own signature or token, which the connector checks.
 *
 * <p>The connector's {@code receive} is taken to follow this convention: {@link WebhookRejectedException}
 * when the sender is not proven genuine (a wrong, missing or stale signature or token, including a
 * body so broken that the credential in it cannot be found): 401, logged and counted, nothing kept.
 * Any other exception comes after verification and means a genuine callback that cannot be read:
 * 400 naming what is wrong, and the raw request is kept as a MALFORMED entry.
 */
@RestController
public class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    /**
     * Stores of callbacks running at once: a few, so that one commits while the next is being sent
     * and the rest of the pool stays free for the workers and the API.
     */
    static final int INTAKE_STATEMENTS = 4;
    /** Callbacks stored in one statement at most. */
    static final int INTAKE_BATCH = 64;
    /** What a 503 asks the CRM to wait before it sends a callback that could not be stored again. */
    static final int RETRY_AFTER_SECONDS = 5;

    /** The times an event may carry: what PostgreSQL and ISO-8601 both hold. */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private final Connections connections;
    private final WebhookInbox inbox;
    private final CallbackIntake intake;
    private final InboxWorkers workers;
    private final WebhookMetrics metrics;
    private final AdapterConfig config;
    private final Clock clock;

    public WebhookController(Connections connections, WebhookInbox inbox, InboxWorkers workers, WebhookMetrics metrics,
                             AdapterConfig config, Clock clock) {
        this.connections = connections;
        this.inbox = inbox;
        this.intake = new CallbackIntake(inbox::accept, INTAKE_STATEMENTS, INTAKE_BATCH, metrics::intakeBatch);
        this.workers = workers;
        this.metrics = metrics;
        this.config = config;
        this.clock = clock;
    }

    @PostMapping("/webhooks/{connectionId}/**")
    public Mono<Map<String, Object>> receive(@PathVariable String connectionId, ServerHttpRequest request) {
        Connections.Connection connection = connections.find(connectionId)
                .orElseThrow(() -> Problems.notFound("connection", connectionId));
        if (!connection.connector().capabilities().webhooks()) {
            throw takesNoWebhooks(connection);
        }
        long limit = config.webhooks().maxBodySize();
        if (request.getHeaders().getContentLength() > drainLimit(limit)) {
            throw tooLarge(limit, true);
        }
        return body(request, (int) limit)
                .map(body -> webhookRequest(request, body))
                .flatMap(webhook -> Mono.fromCallable(() -> Received.from(connection, webhook))
                        .subscribeOn(Schedulers.boundedElastic())
                        .flatMap(received -> received.failure() == null
                                ? accept(connection, webhook, received.events())
                                : refuse(connection, webhook, received.failure())));
    }

    /** What the connector made of a callback: its events, or why it refused or could not read it. */
    private record Received(List<WebhookEvent> events, RuntimeException failure) {
        static Received from(Connections.Connection connection, WebhookRequest webhook) {
            try {
                List<WebhookEvent> events = connection.connector().receive(webhook);
                return new Received(events == null ? List.of() : events, null);
            } catch (RuntimeException e) {
                return new Received(null, e);
            } catch (StackOverflowError e) {
                // a parser that recurses per nesting level: the body is nested too deeply
                return new Received(null, new IllegalArgumentException("the body is nested too deeply to read"));
            }
        }
    }

    private Mono<Map<String, Object>> accept(Connections.Connection connection, WebhookRequest webhook,
                                             List<WebhookEvent> received) {
        List<WebhookEvent> events = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < received.size(); i++) {
            WebhookEvent event = received.get(i);
            String problem = problem(event);
            if (problem != null) {
                return malformed(connection, webhook, "event " + (i + 1) + " of " + received.size() + ": " + problem);
            }
            if (ids.add(event.eventId())) { // the same event twice in one callback counts once
                events.add(event);
            }
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        if (events.isEmpty()) {
            metrics.accepted(connection.id(), 0);
            answer.put("events", 0);
            answer.put("stored", 0);
            return Mono.just(answer);
        }
        return intake.accept(new WebhookInbox.Callback(connection.id(), webhook, events))
                .onErrorMap(e -> !(e instanceof ErrorResponseException), e -> notStored(connection, e))
                .map(accepted -> {
                    // committed: acknowledge, and let an idle worker start on it
                    if (accepted.inserted() > 0) {
                        workers.wake();
                    }
                    metrics.accepted(connection.id(), accepted.repeated());
                    answer.put("events", accepted.events());
                    answer.put("stored", accepted.inserted());
                    return answer;
                });
    }

    private Mono<Map<String, Object>> refuse(Connections.Connection connection, WebhookRequest webhook, RuntimeException e) {
        if (e instanceof WebhookRejectedException rejected) {
            log.warn("Webhook of '{}' rejected: {}", connection.id(), rejected.getMessage());
            metrics.rejected(connection.id(), rejected.getMessage());
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED,
                    "the callback's signature or token is wrong, missing or stale");
            problem.setTitle("Unauthorized");
            return Mono.error(new ErrorResponseException(HttpStatus.UNAUTHORIZED, problem, null));
        }
        if (e instanceof UnsupportedCapabilityException) {
            return Mono.error(takesNoWebhooks(connection));
        }
        return malformed(connection, webhook, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /**
     * The database could not store a verified callback (unreachable, or refusing): 503 with a
     * Retry-After, so that the CRM sends it again; nothing was acknowledged, so nothing is lost.
     */
    private ErrorResponseException notStored(Connections.Connection connection, Throwable e) {
        // the database's own words, without the statement around them
        Throwable cause = NestedExceptionUtils.getMostSpecificCause(e);
        log.warn("Webhook of '{}' not stored, answered 503 for the CRM to send it again: {}", connection.id(), cause.toString());
        metrics.notStored(connection.id());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
                "the inbox cannot store the callback now; send it again later");
        problem.setTitle("Service Unavailable");
        problem.setProperty("connection", connection.id());
        ErrorResponseException error = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, problem, e);
        error.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
        return error;
    }

    /** Keeps the raw request as MALFORMED and answers 400 naming what is wrong and the kept entry. */
    private Mono<Map<String, Object>> malformed(Connections.Connection connection, WebhookRequest webhook, String what) {
        String error = Texts.storable("the callback cannot be read: " + what);
        return inbox.keepMalformed(connection.id(), webhook, error)
                .onErrorMap(e -> !(e instanceof ErrorResponseException), e -> notStored(connection, e))
                .flatMap(entry -> {
                    log.warn("Webhook of '{}' kept as MALFORMED (inbox entry {}): {}", connection.id(), entry.id(), error);
                    metrics.malformed(connection.id());
                    ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, error);
                    problem.setTitle("Bad Request");
                    problem.setProperty("connection", connection.id());
                    problem.setProperty("inboxEntry", entry.id());
                    return Mono.error(new ErrorResponseException(HttpStatus.BAD_REQUEST, problem, null));
                });
    }

    /** What makes an event impossible to process, or null. */
    private static String problem(WebhookEvent event) {
        if (event == null) {
            return "no event";
        }
        if (event.eventId() == null || event.eventId().isBlank()) {
            return "no event id";
        }
        if (event.change() == null) {
            return "no change (CHANGED or DELETED)";
        }
        if (event.kind() == null) {
            return "no record kind";
        }
        if (event.recordId() == null || event.recordId().isBlank()) {
            return "no record id";
        }
        if (!Texts.isStorable(event.eventId()) || !Texts.isStorable(event.recordId())) {
            return "the event or record id holds a NUL character or broken UTF-16";
        }
        if (event.eventId().length() > 500 || event.recordId().length() > 500) {
            return "the event or record id is longer than 500 characters";
        }
        if (event.occurredAt() != null && (event.occurredAt().isBefore(EARLIEST) || event.occurredAt().isAfter(LATEST))) {
            return "the event occurred at " + event.occurredAt() + ", outside the years 1 to 9999";
        }
        return null;
    }

    /** The callback as the connector sees it: the URL as the CRM called it, header names in lower case. */
    private WebhookRequest webhookRequest(ServerHttpRequest request, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.getHeaders().forEach((name, values) -> headers
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>())
                .addAll(values.stream().map(Texts::storable).toList()));
        return new WebhookRequest(request.getMethod().name(), calledUrl(config.publicBaseUrl(), request), headers, body,
                clock.instant());
    }

    /**
     * The URL as the CRM called it: {@code adapter.public-base-url} (behind a proxy) followed by the
     * path and query as received; without one, the URL as received.
     */
    static String calledUrl(String publicBaseUrl, ServerHttpRequest request) {
        if (publicBaseUrl == null || publicBaseUrl.isEmpty()) {
            return request.getURI().toString();
        }
        String base = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1) : publicBaseUrl;
        String query = request.getURI().getRawQuery();
        return base + request.getPath().pathWithinApplication().value() + (query == null ? "" : "?" + query);
    }

    /**
     * The body's bytes, each buffer copied and released as it comes. A body over {@code limit} is a
     * 413: up to {@link #drainLimit} it is read to its end and dropped, so that the sender gets the
     * answer on an intact connection; beyond that the connection is closed.
     */
    private static Mono<byte[]> body(ServerHttpRequest request, int limit) {
        long drainLimit = drainLimit(limit);
        return Mono.defer(() -> {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            long[] received = {0};
            return request.getBody().<byte[]>handle((buffer, sink) -> {
                try {
                    int length = buffer.readableByteCount();
                    received[0] += length;
                    if (received[0] > drainLimit) {
                        sink.error(tooLarge(limit, true));
                    } else if (received[0] <= limit) {
                        byte[] chunk = new byte[length];
                        buffer.read(chunk);
                        bytes.write(chunk, 0, length);
                    }
                } finally {
                    DataBufferUtils.release(buffer);
                }
            }).then(Mono.fromCallable(() -> {
                if (received[0] > limit) {
                    throw tooLarge(limit, false);
                }
                return bytes.toByteArray();
            }));
        });
    }

    /** How much of a body over the limit is read and dropped before the connection is closed instead. */
    static long drainLimit(long limit) {
        return Math.max(4 * limit, 8L * 1024 * 1024);
    }

    private static ErrorResponseException takesNoWebhooks(Connections.Connection connection) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "the connection '" + connection.id()
                + "' (" + connection.config().type() + ") takes no webhooks: its CRM is only synced");
        problem.setTitle("Not Found");
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }

    private static ErrorResponseException tooLarge(long limit, boolean closing) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE,
                "the callback's body is larger than " + limit + " bytes (adapter.webhooks.max-body-size)");
        problem.setTitle("Content Too Large");
        ErrorResponseException error = new ErrorResponseException(HttpStatus.CONTENT_TOO_LARGE, problem, null);
        if (closing) {
            // the rest of the body is not read: the connection cannot carry another request
            error.getHeaders().set(HttpHeaders.CONNECTION, "close");
        }
        return error;
    }
}
