package io.planpilot.connector.pipedrive;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.WebhookRequest;
import io.planpilot.tck.FakeCrm;
import io.planpilot.tck.FakeCrmFaults;
import io.planpilot.tck.FakeCrmFaults.Fault;
import tools.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Pipedrive company on WireMock, answering from a {@link PipedriveCompany}; webhooks v2 as Pipedrive
 * posts them (JSON with {@code meta}, {@code data}, {@code previous}, HTTP Basic); and the kit's faults
 * on {@code GET /api/v2/deals}: 429 with {@code x-ratelimit-reset} (the wait Pipedrive announces) or
 * without any wait header, HTTP errors (Pipedrive's JSON, or a proxy's HTML for 502/503), slow
 * answers, JSON cut short in a deal's title, and {@code value} as {@code "abc"}.
 */
final class PipedriveFakeCrm implements FakeCrm {

    static final int PAGE_CAP = 500;
    static final String WEBHOOK_USER = "planpilot";
    static final String WEBHOOK_PASSWORD = "s3cret-webhook-pass";

    final PipedriveCompany company = new PipedriveCompany();
    private final FakeCrmFaults faults = new FakeCrmFaults();
    private final Transformer transformer = new Transformer();
    private WireMockServer server;
    private Long changeDuringNextRead;
    private String loseNextAnswerOf;
    private long nextDealId = 1;

    ResponseDefinitionTransformerV2 extension() {
        return transformer;
    }

    PipedriveFakeCrm attach(WireMockServer server) {
        this.server = server;
        return this;
    }

    String baseUrl() {
        return server.baseUrl();
    }

    @Override
    public synchronized void reset() {
        company.clearRecords();
        faults.clear();
        changeDuringNextRead = null;
        loseNextAnswerOf = null;
        nextDealId = 1;
        server.stubFor(any(urlPathMatching("/.*")).willReturn(ok()));
    }

    @Override
    public int pageCap() {
        return PAGE_CAP;
    }

    @Override
    public String dealListEndpoint() {
        return PipedriveClient.DEALS;
    }

    /** Deals modified an hour or two ago: won, open and lost in turn, in two pipelines and three currencies. */
    @Override
    public synchronized List<String> seedDeals(int count) {
        Instant base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = nextDealId++;
            company.seed(id, base);
            ids.add(String.valueOf(id));
        }
        return ids;
    }

    /** Changes the first deal's title and value now; its stage stays. */
    @Override
    public synchronized String updateOneDeal() {
        ObjectNode deal = company.deals.firstEntry().getValue();
        change(deal);
        return deal.get("id").asString();
    }

    private static void change(ObjectNode deal) {
        deal.put("title", deal.get("title").asString() + " (changed)");
        deal.put("value", deal.get("value").decimalValue().add(java.math.BigDecimal.valueOf(100)));
        deal.put("update_time", PipedriveCompany.time(Instant.now()));
    }

    /** Deletes the last deal now: Pipedrive keeps it 30 days, listed with {@code status=deleted}. */
    @Override
    public synchronized String deleteOneDeal() {
        ObjectNode deal = company.deals.lastEntry().getValue();
        deal.put("is_deleted", true);
        deal.put("update_time", PipedriveCompany.time(Instant.now()));
        return deal.get("id").asString();
    }

    @Override
    public synchronized String updateDealDuringNextRead() {
        long id = company.deals.firstKey();
        changeDuringNextRead = id;
        return String.valueOf(id);
    }

    /** With a wait: 429 with {@code x-ratelimit-reset: 2} (2 s, less 100 ms for the way); without: no wait header. */
    @Override
    public synchronized Duration rateLimitNextCall(boolean withResetHeader) {
        faults.rateLimit(withResetHeader);
        return withResetHeader ? Duration.ofMillis(1900) : null;
    }

    @Override
    public FakeCrmFaults faults() {
        return faults;
    }

    @Override
    public synchronized String malformNextCall() {
        faults.malformed();
        return "data[0].title";
    }

    @Override
    public synchronized String wrongTypeNextCall() {
        faults.wrongType();
        return "data[0].value";
    }

    /** The next call of {@code route} is carried out, but its answer is lost (a 504 from a proxy). */
    synchronized void loseNextAnswer(String route) {
        loseNextAnswerOf = route;
    }

    @Override
    public WebhookRequest validWebhook() {
        return webhook("change", "deal", firstDealId(), UUID.randomUUID().toString(), WEBHOOK_USER, WEBHOOK_PASSWORD);
    }

    @Override
    public WebhookRequest forgedWebhook() {
        return webhook("change", "deal", firstDealId(), UUID.randomUUID().toString(), WEBHOOK_USER, "guessed-password");
    }

    /** Pipedrive retries deliveries for hours and signs nothing with a time: no callback goes stale. */
    @Override
    public WebhookRequest staleWebhook() {
        return null;
    }

    private synchronized String firstDealId() {
        return company.deals.isEmpty() ? "1" : String.valueOf(company.deals.firstKey());
    }

    /** A webhook v2 call as Pipedrive sends it. */
    WebhookRequest webhook(String action, String entity, String entityId, String eventId, String user, String password) {
        ObjectNode body = PipedriveCompany.JSON.createObjectNode();
        ObjectNode meta = body.putObject("meta");
        meta.put("action", action);
        meta.put("entity", entity);
        meta.put("company_id", "13923453");
        meta.put("correlation_id", UUID.nameUUIDFromBytes(eventId.getBytes(StandardCharsets.UTF_8)).toString());
        meta.put("entity_id", entityId);
        meta.put("id", eventId);
        meta.put("is_bulk_edit", false);
        meta.put("timestamp", DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        meta.put("type", "general");
        meta.put("user_id", "1");
        meta.put("version", "2.0");
        meta.put("webhook_id", "456");
        meta.put("webhook_owner_id", "1");
        meta.put("change_source", "app");
        meta.put("attempt", 1);
        meta.put("host", "acme.pipedrive.com");
        meta.putArray("permitted_user_ids").add("1").add("2");
        if (action.equals("delete")) {
            body.putNull("data");
        } else {
            body.putObject("data").put("id", Long.parseLong(entityId)).put("title", "Deal " + entityId).put("status", "open");
        }
        body.putObject("previous").put("title", "Deal " + entityId + " (old)");
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("content-type", List.of("application/json"));
        headers.put("user-agent", List.of("Pipedrive Webhooks"));
        headers.put("authorization", List.of("Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8))));
        return new WebhookRequest("POST", "https://adapter.example/webhooks/pd", headers,
                body.toString().getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    // --- writes ---

    @Override
    public synchronized void verifyTaskWritten(CrmWrite.Task task) {
        ObjectNode body = PipedriveCompany.JSON.createObjectNode();
        body.put("subject", task.title());
        body.put("type", "task");
        body.put("owner_id", Long.parseLong(task.assignee()));
        if (task.dealId() != null) {
            body.put("deal_id", Long.parseLong(task.dealId()));
        }
        if (task.deadline() != null) {
            body.put("due_date", task.deadline().atOffset(ZoneOffset.UTC).toLocalDate().toString());
            body.put("due_time", DateTimeFormatter.ofPattern("HH:mm").format(task.deadline().atOffset(ZoneOffset.UTC)));
        }
        String note = (task.description() == null ? "" : task.description() + "\n\n") + io.planpilot.connector.support.WriteMarker.PREFIX
                + task.idempotencyKey();
        body.put("note", note);
        server.verify(1, postRequestedFor(urlPathEqualTo("/api/v2/activities"))
                .withHeader("x-api-token", equalTo(PipedriveCompany.TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(body.toString())));
        assertThat(company.activities.values().stream().filter(a -> note.equals(a.path("note").asString(null))
                && a.get("owner_id").asString().equals(task.assignee()))).as("activities holding %s", task).hasSize(1);
    }

    @Override
    public synchronized void verifyCommentWritten(CrmWrite.Comment comment) {
        String content = comment.text() + "\n\n" + io.planpilot.connector.support.WriteMarker.PREFIX + comment.idempotencyKey();
        ObjectNode body = PipedriveCompany.JSON.createObjectNode();
        body.put("content", content);
        body.put("deal_id", Long.parseLong(comment.dealId()));
        server.verify(1, postRequestedFor(urlPathEqualTo("/v1/notes"))
                .withHeader("x-api-token", equalTo(PipedriveCompany.TOKEN))
                .withRequestBody(equalToJson(body.toString())));
        assertThat(company.notes.values().stream().filter(n -> content.equals(n.get("content").asString())
                && n.get("deal_id").asString().equals(comment.dealId()))).as("notes holding %s", comment).hasSize(1);
    }

    @Override
    public List<Instant> requestTimes() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().toInstant()).sorted().toList();
    }

    /** The routes called, in order ({@code GET /api/v2/deals}, {@code GET /v1/deals/{id}/flow}, ...). */
    List<String> routesCalled() {
        return server.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> PipedriveCompany.route(e.getRequest().getMethod().getName(), URI.create(e.getRequest().getUrl()).getPath()))
                .toList();
    }

    /** The query parameters of every call of {@code route}, in order. */
    List<Map<String, String>> queriesOf(String route) {
        return server.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .filter(e -> PipedriveCompany.route(e.getRequest().getMethod().getName(),
                        URI.create(e.getRequest().getUrl()).getPath()).equals(route))
                .map(e -> FakeCrm.queryParameters(e.getRequest().getUrl())).toList();
    }

    // --- the API ---

    private final class Transformer implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "pipedrive-company";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            String path = URI.create(request.getUrl()).getPath();
            String method = request.getMethod().getName();
            String route = PipedriveCompany.route(method, path);
            Map<String, String> headers = new HashMap<>();
            for (HttpHeader header : request.getHeaders().all()) {
                headers.put(header.key().toLowerCase(java.util.Locale.ROOT), header.firstValue());
            }
            synchronized (PipedriveFakeCrm.this) {
                Fault fault = route.equals(PipedriveClient.DEALS) ? faults.poll() : null;
                if (fault instanceof Fault.RateLimit limit) {
                    ResponseDefinitionBuilder response = json(429, PipedriveCompany.errorBody("Rate limit exceeded", 429).toString());
                    if (limit.withWait()) {
                        response = response.withHeader("x-ratelimit-limit", "20").withHeader("x-ratelimit-remaining", "0")
                                .withHeader("x-ratelimit-reset", "2").withHeader("x-daily-ratelimit-token-remaining", "25000");
                    }
                    return response.build();
                }
                if (fault instanceof Fault.Status status) {
                    if (status.status() == 502 || status.status() == 503) {
                        return new ResponseDefinitionBuilder().withStatus(status.status()).withHeader("Content-Type", "text/html")
                                .withBody("<html><body><h1>" + status.status() + " Service Temporarily Unavailable</h1></body></html>")
                                .build();
                    }
                    String message = switch (status.status()) {
                        case 401 -> "unauthorized access";
                        case 403 -> "You do not have permission to access this resource";
                        case 404 -> "Unknown method .";
                        default -> "Internal server error";
                    };
                    return json(status.status(), PipedriveCompany.errorBody(message, status.status()).toString()).build();
                }
                PipedriveCompany.Answer answer = company.handle(method, path, FakeCrm.queryParameters(request.getUrl()), headers,
                        request.getBodyAsString(), Instant.now());
                if (route.equals(loseNextAnswerOf)) {
                    loseNextAnswerOf = null;
                    return new ResponseDefinitionBuilder().withStatus(504).withHeader("Content-Type", "text/html")
                            .withBody("<html><body>504 Gateway Time-out</body></html>").build();
                }
                String body = answer.body();
                if (route.equals(PipedriveClient.DEALS) && changeDuringNextRead != null
                        && body.contains("\"id\":" + changeDuringNextRead + ",")) {
                    ObjectNode deal = company.deals.get(changeDuringNextRead);
                    if (deal != null) {
                        change(deal);
                    }
                    changeDuringNextRead = null;
                }
                if (fault instanceof Fault.WrongType) {
                    body = body.replaceFirst("\"value\":[0-9.]+", "\"value\":\"abc\"");
                }
                if (fault instanceof Fault.Malformed) {
                    int title = body.indexOf("\"title\":\"");
                    body = body.substring(0, title + "\"title\":\"".length() + 3);
                }
                ResponseDefinitionBuilder response = new ResponseDefinitionBuilder().withStatus(answer.status()).withBody(body);
                for (Map.Entry<String, String> header : answer.headers().entrySet()) {
                    response = response.withHeader(header.getKey(), header.getValue());
                }
                if (fault instanceof Fault.Delay delay) {
                    response = response.withFixedDelay((int) delay.delay().toMillis());
                }
                return response.build();
            }
        }
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body);
    }

    @Override
    public synchronized String toString() {
        return "Pipedrive fake company at " + (server == null ? "?" : server.baseUrl()) + " with " + company.deals.size() + " deals";
    }
}
