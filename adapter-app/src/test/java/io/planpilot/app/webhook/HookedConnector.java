package io.planpilot.app.webhook;

import io.planpilot.core.connector.Capabilities;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Stage;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code hooked} connector: callbacks are {@code {"events":[{"id":"e1","deal":"d1","change":"CHANGED"}]}}
 * with the connection's {@code token} in {@code X-Hook-Token} (compared in constant time); re-reads
 * come from the connection's {@link HookedCrm}; a sync reads nothing but moves the cursor. It follows
 * the convention the app assumes: verification first ({@link WebhookRejectedException}), then parsing
 * ({@link IllegalArgumentException} naming what is wrong).
 */
final class HookedConnector implements Connector {

    static final String TOKEN_HEADER = "X-Hook-Token";
    static final String PIPELINE = "sales";
    static final String OPEN_STAGE = "talks";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final String connection;
    private final byte[] token;

    HookedConnector(String connection, String token) {
        this.connection = connection;
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, false, false, true, true, true, false, true);
    }

    @Override
    public void read(SyncMode mode, String cursor, PageConsumer pages) {
        pages.accept(SyncPage.builder().cursor("hooked1;" + System.currentTimeMillis()).build());
    }

    @Override
    public SyncPage reread(List<RecordRef> records) {
        HookedCrm crm = HookedCrm.of(connection);
        HookedCrm.Found found = crm.readUrl == null ? crm.reread(records) : rereadOverHttp(crm.readUrl, records);
        return SyncPage.builder()
                .pipelines(List.of(new Pipeline(connection, PIPELINE, "Sales")))
                .stages(List.of(new Stage(connection, PIPELINE, OPEN_STAGE, "Talks", BigDecimal.ONE, DealStatus.OPEN, null),
                        new Stage(connection, PIPELINE, "won", "Won", BigDecimal.TEN, DealStatus.WON, null),
                        new Stage(connection, PIPELINE, "lost", "Lost", BigDecimal.TEN, DealStatus.LOST, null)))
                .deals(found.deals())
                .deletions(found.gone())
                .build();
    }

    /**
     * Writes go to the pretend CRM's HTTP API ({@link HookedCrm#writeUrl}, a WireMock server in the
     * tests): {@code GET /tasks?key=} or {@code /comments?key=} looks for the idempotency key first
     * (200 with {@code {"id":..}} when found, 404 when not), then {@code POST /tasks} or
     * {@code /comments} with the JSON of the write answers {@code {"id":..}}. 5xx and 429 are transient,
     * other statuses refusals.
     */
    @Override
    public String write(CrmWrite write) {
        String url = HookedCrm.of(connection).writeUrl;
        if (url == null) {
            throw new ConnectorException("hooked: no CRM API to write to");
        }
        String kind = write instanceof CrmWrite.Comment ? "comments" : "tasks";
        String key = java.net.URLEncoder.encode(write.idempotencyKey(), StandardCharsets.UTF_8);
        HttpResponse<String> found = call(HttpRequest.newBuilder(URI.create(url + "/" + kind + "?key=" + key)).GET());
        if (found.statusCode() == 200) {
            return JSON.readTree(found.body()).get("id").asString();
        }
        if (found.statusCode() != 404) {
            throw failure("GET /" + kind, found);
        }
        HttpResponse<String> made = call(HttpRequest.newBuilder(URI.create(url + "/" + kind))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(write))));
        if (made.statusCode() / 100 != 2) {
            throw failure("POST /" + kind, made);
        }
        return JSON.readTree(made.body()).get("id").asString();
    }

    /**
     * Re-reads through the pretend CRM's HTTP API: {@code GET /deals/{id}} answers
     * {@code {"amount": 123.45}} for an open deal created a day ago, 404 for a deal that is gone.
     */
    private HookedCrm.Found rereadOverHttp(String url, List<RecordRef> records) {
        List<io.planpilot.core.domain.Deal> deals = new ArrayList<>();
        List<RecordRef> gone = new ArrayList<>();
        for (RecordRef ref : records) {
            HttpResponse<String> answer = call(HttpRequest.newBuilder(URI.create(url + "/deals/" + ref.id())).GET());
            if (answer.statusCode() == 404) {
                gone.add(ref);
            } else if (answer.statusCode() == 200) {
                BigDecimal amount = JSON.readTree(answer.body()).get("amount").decimalValue();
                deals.add(new io.planpilot.core.domain.Deal(connection, ref.id(), "Deal " + ref.id(), PIPELINE, OPEN_STAGE,
                        DealStatus.OPEN, amount, "USD", null, java.time.Instant.parse("2026-01-01T00:00:00Z"), null, null,
                        java.util.Map.of(), List.of(), null, false, java.time.Instant.now()));
            } else {
                throw failure("GET /deals/" + ref.id(), answer);
            }
        }
        return new HookedCrm.Found(deals, gone);
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(2)).build();

    private static HttpResponse<String> call(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new TransientFailure("hooked: the CRM API did not answer: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransientFailure("hooked: interrupted");
        }
    }

    private static ConnectorException failure(String call, HttpResponse<String> response) {
        String message = "hooked: " + call + " answered " + response.statusCode() + ": " + response.body();
        int status = response.statusCode();
        return status >= 500 || status == 429 ? new TransientFailure(message) : new ConnectorException(message);
    }

    /** A failure a retry may cure: the CRM was down or limiting. */
    static final class TransientFailure extends ConnectorException {
        TransientFailure(String message) {
            super(message);
        }

        @Override
        public boolean isTransient() {
            return true;
        }
    }

    @Override
    public List<WebhookEvent> receive(WebhookRequest request) {
        HookedCrm.of(connection).lastUrl = request.url();
        String presented = request.header(TOKEN_HEADER);
        if (presented == null) {
            throw new WebhookRejectedException(TOKEN_HEADER + " is missing");
        }
        if (!MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
            throw new WebhookRejectedException(TOKEN_HEADER + " is wrong");
        }
        JsonNode body;
        try {
            body = JSON.readTree(request.body());
        } catch (JacksonException e) {
            throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
        }
        if (body == null || body.isMissingNode() || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object with \"events\"");
        }
        JsonNode events = body.get("events");
        if (events == null || !events.isArray()) {
            throw new IllegalArgumentException("events: must be an array");
        }
        List<WebhookEvent> parsed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode event = events.get(i);
            String id = text(event, "id", i);
            String deal = text(event, "deal", i);
            String change = event.has("change") ? event.get("change").asString() : "CHANGED";
            if (!change.equals("CHANGED") && !change.equals("DELETED")) {
                throw new IllegalArgumentException("events[" + i + "].change: must be CHANGED or DELETED (got '" + change + "')");
            }
            // "at": when it happened, in epoch seconds, as several CRMs send it
            java.time.Instant at = event.has("at") ? java.time.Instant.ofEpochSecond(event.get("at").asLong()) : null;
            parsed.add(new WebhookEvent(id, WebhookEvent.Change.valueOf(change), RecordKind.DEAL, deal, at));
        }
        return parsed;
    }

    private static String text(JsonNode event, String field, int index) {
        JsonNode value = event == null ? null : event.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new IllegalArgumentException("events[" + index + "]." + field + ": must be a non-empty string");
        }
        return value.asString();
    }
}
