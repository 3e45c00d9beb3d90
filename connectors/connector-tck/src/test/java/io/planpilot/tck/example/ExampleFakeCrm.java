package io.planpilot.tck.example;

import io.planpilot.tck.FakeCrmFaults;
import io.planpilot.tck.FakeCrmFaults.Fault;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.QueryParameter;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.WebhookRequest;
import io.planpilot.tck.FakeCrm;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 * The example CRM on WireMock: an in-memory account (users, one pipeline, deals, deleted deals,
 * tasks) served by a {@link ResponseDefinitionTransformerV2} in the API's shapes that
 * {@link ExampleConnector} documents, with the kit's faults on the deal list.
 */
final class ExampleFakeCrm implements FakeCrm {

    static final String TOKEN = "example-token";
    static final String WEBHOOK_SECRET = "example-webhook-secret";
    static final int PAGE_CAP = 50;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ZoneOffset[] ZONES = {ZoneOffset.UTC, ZoneOffset.ofHours(3), ZoneOffset.ofHours(-5)};
    private static final String[] CURRENCIES = {"USD", "EUR", "RUB"};

    /** A deal as the account holds it. */
    private record StoredDeal(long id, String title, String stageId, String status, BigDecimal value, String currency,
                              String ownerId, Instant createdAt, Instant closedAt, Instant modifiedAt, Instant deletedAt,
                              String region, ZoneOffset zone) {

        StoredDeal changed(Instant at) {
            return new StoredDeal(id, title + " (changed)", stageId, status, value.add(BigDecimal.valueOf(100)), currency,
                    ownerId, createdAt, closedAt, at, deletedAt, region, zone);
        }

        StoredDeal deleted(Instant at) {
            return new StoredDeal(id, title, stageId, status, value, currency, ownerId, createdAt, closedAt, at, at, region, zone);
        }
    }

    private record StoredTask(String id, String idempotencyKey, String body) {
    }

    private final Transformer transformer = new Transformer();
    private WireMockServer server;

    private final Map<Long, StoredDeal> deals = new TreeMap<>();
    private final Map<Long, StoredDeal> deletedDeals = new TreeMap<>();
    private final List<StoredTask> tasks = new ArrayList<>();
    private final FakeCrmFaults faults = new FakeCrmFaults();
    private Long changeDuringNextRead;
    private long nextId;

    /** The extension to register with WireMock before it starts. */
    ResponseDefinitionTransformerV2 extension() {
        return transformer;
    }

    ExampleFakeCrm attach(WireMockServer server) {
        this.server = server;
        return this;
    }

    @Override
    public synchronized void reset() {
        deals.clear();
        deletedDeals.clear();
        tasks.clear();
        faults.clear();
        changeDuringNextRead = null;
        nextId = 1;
        server.stubFor(any(urlPathMatching("/api/.*")).willReturn(ok()));
    }

    @Override
    public int pageCap() {
        return PAGE_CAP;
    }

    @Override
    public String dealListEndpoint() {
        return ExampleClient.DEALS;
    }

    @Override
    public synchronized List<String> seedDeals(int count) {
        Instant base = Instant.now().minus(Duration.ofHours(2));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = nextId++;
            String status = switch ((int) (id % 3)) {
                case 0 -> "won";
                case 1 -> "open";
                default -> "lost";
            };
            String stage = switch (status) {
                case "won" -> "s-won";
                case "lost" -> "s-lost";
                default -> id % 2 == 0 ? "s1" : "s2";
            };
            Instant created = base.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(id));
            deals.put(id, new StoredDeal(id, "Deal " + id, stage, status, new BigDecimal("1000.50").add(BigDecimal.valueOf(id)),
                    CURRENCIES[(int) (id % CURRENCIES.length)], id % 2 == 0 ? "u1" : "u2", created,
                    status.equals("open") ? null : created.plus(Duration.ofDays(10)), base.plusMillis(id), null,
                    id % 2 == 0 ? "North" : "South", ZONES[(int) (id % ZONES.length)]));
            ids.add(String.valueOf(id));
        }
        return ids;
    }

    @Override
    public synchronized String updateOneDeal() {
        StoredDeal deal = deals.values().iterator().next();
        deals.put(deal.id(), deal.changed(Instant.now()));
        return String.valueOf(deal.id());
    }

    @Override
    public synchronized String deleteOneDeal() {
        StoredDeal deal = deals.get(((TreeMap<Long, StoredDeal>) deals).lastKey());
        deals.remove(deal.id());
        deletedDeals.put(deal.id(), deal.deleted(Instant.now()));
        return String.valueOf(deal.id());
    }

    @Override
    public synchronized String updateDealDuringNextRead() {
        StoredDeal first = deals.values().stream().min(ORDER).orElseThrow();
        changeDuringNextRead = first.id();
        return String.valueOf(first.id());
    }

    @Override
    public synchronized Duration rateLimitNextCall(boolean withResetHeader) {
        faults.rateLimit(withResetHeader);
        return withResetHeader ? Duration.ofSeconds(1) : null;
    }

    @Override
    public FakeCrmFaults faults() {
        return faults;
    }

    @Override
    public synchronized String malformNextCall() {
        faults.malformed();
        return "items[0].title";
    }

    @Override
    public synchronized String wrongTypeNextCall() {
        faults.wrongType();
        return "items[0].value";
    }

    @Override
    public WebhookRequest validWebhook() {
        return webhook(WEBHOOK_SECRET, Instant.now());
    }

    @Override
    public WebhookRequest forgedWebhook() {
        return webhook("not-the-secret", Instant.now());
    }

    @Override
    public WebhookRequest staleWebhook() {
        return webhook(WEBHOOK_SECRET, Instant.now().minus(Duration.ofMinutes(6)));
    }

    private synchronized WebhookRequest webhook(String secret, Instant signedAt) {
        String dealId = String.valueOf(deals.keySet().iterator().next());
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("eventId", "evt-" + UUID.randomUUID());
        event.put("event", "deal.updated");
        event.put("dealId", dealId);
        event.put("occurredAt", signedAt.toString());
        byte[] body = JSON.writeValueAsBytes(Map.of("events", List.of(event)));
        long timestamp = signedAt.getEpochSecond();
        return new WebhookRequest("POST", server.baseUrl() + "/webhooks/example", Map.of(
                "content-type", List.of("application/json"),
                "x-example-timestamp", List.of(String.valueOf(timestamp)),
                "x-example-signature", List.of(ExampleWebhooks.sign(secret, timestamp, body))), body, Instant.now());
    }

    @Override
    public synchronized void verifyTaskWritten(CrmWrite.Task task) {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("title", task.title());
        if (task.description() != null) {
            expected.put("description", task.description());
        }
        expected.put("assigneeId", task.assignee());
        if (task.dealId() != null) {
            expected.put("dealId", task.dealId());
        }
        if (task.deadline() != null) {
            expected.put("dueAt", task.deadline().toString());
        }
        String json = JSON.writeValueAsString(expected);
        server.verify(postRequestedFor(urlPathEqualTo("/api/tasks"))
                .withHeader("Idempotency-Key", equalTo(task.idempotencyKey()))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(json)));
        assertThat(tasks.stream().filter(t -> JSON.readTree(t.body()).equals(JSON.readTree(json))).count())
                .as("tasks the CRM holds for %s", task).isEqualTo(1);
    }

    @Override
    public List<Instant> requestTimes() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().toInstant())
                .sorted().toList();
    }

    // --- the API ---

    private static final Comparator<StoredDeal> ORDER = Comparator.comparing(StoredDeal::modifiedAt)
            .thenComparingLong(StoredDeal::id);

    private final class Transformer implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "example-crm";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            if (!("Bearer " + TOKEN).equals(request.getHeader("Authorization"))) {
                return json(401, Map.of("error", "unauthorized", "message", "invalid token")).build();
            }
            String path = URI.create(request.getUrl()).getPath();
            String method = request.getMethod().getName();
            synchronized (ExampleFakeCrm.this) {
                return switch (method + " " + path) {
                    case "GET /api/deals" -> dealPage(request);
                    case "GET /api/deals/deleted" -> json(200, Map.of("items", deletedDeals.values().stream()
                            .filter(d -> !d.deletedAt().isBefore(instant(query(request, "since"))))
                            .map(ExampleFakeCrm::dealJson).toList())).build();
                    case "GET /api/pipelines" -> json(200, Map.of("items", List.of(pipeline()))).build();
                    case "GET /api/users" -> json(200, Map.of("items", List.of(
                            user("u1", "Anna Petrova", "anna@example.com"), user("u2", "Boris Ivanov", "boris@example.com"))))
                            .build();
                    case "POST /api/tasks" -> createTask(request);
                    default -> json(404, Map.of("error", "not_found", "message", "no such endpoint")).build();
                };
            }
        }
    }

    private ResponseDefinition dealPage(Request request) {
        Fault fault = faults.poll();
        if (fault instanceof Fault.RateLimit limit) {
            ResponseDefinitionBuilder response = json(429, Map.of("error", "rate_limited", "message", "Too many requests"));
            return (limit.withWait() ? response.withHeader("Retry-After", "1") : response).build();
        }
        if (fault instanceof Fault.Status status) {
            return json(status.status(), Map.of("error", status.status() >= 500 ? "internal" : "refused",
                    "message", "the fake CRM answers " + status.status())).build();
        }
        Instant since = instant(query(request, "modifiedSince"));
        String limitText = query(request, "limit");
        int limit = Math.min(PAGE_CAP, limitText == null ? PAGE_CAP : Integer.parseInt(limitText));
        String cursor = query(request, "cursor");
        StoredDeal after = cursor == null ? null : decode(cursor);
        List<StoredDeal> matching = deals.values().stream()
                .filter(d -> !d.modifiedAt().isBefore(since))
                .filter(d -> after == null || ORDER.compare(d, after) > 0)
                .sorted(ORDER).toList();
        List<StoredDeal> page = matching.subList(0, Math.min(limit, matching.size()));
        String next = matching.size() > limit ? encode(page.get(page.size() - 1)) : null;
        List<Map<String, Object>> items = new ArrayList<>(page.stream().map(ExampleFakeCrm::dealJson).toList());
        if (fault instanceof Fault.WrongType && !items.isEmpty()) {
            items.get(0).put("value", "abc");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("items", items);
        body.put("next", next);
        String text = JSON.writeValueAsString(body);
        if (changeDuringNextRead != null && page.stream().anyMatch(d -> d.id() == changeDuringNextRead)) {
            deals.computeIfPresent(changeDuringNextRead, (id, d) -> d.changed(Instant.now()));
            changeDuringNextRead = null;
        }
        if (fault instanceof Fault.Malformed) {
            int title = text.indexOf("\"title\":\"");
            text = text.substring(0, title + "\"title\":\"".length() + 3);
        }
        ResponseDefinitionBuilder response = ok(text).withHeader("Content-Type", "application/json");
        if (fault instanceof Fault.Delay delay) {
            response = response.withFixedDelay((int) delay.delay().toMillis());
        }
        return response.build();
    }

    private ResponseDefinition createTask(Request request) {
        String key = request.getHeader("Idempotency-Key");
        if (key != null) {
            for (StoredTask task : tasks) {
                if (key.equals(task.idempotencyKey())) {
                    return json(200, Map.of("id", task.id())).build();
                }
            }
        }
        StoredTask task = new StoredTask("t-" + (tasks.size() + 1), key, request.getBodyAsString());
        tasks.add(task);
        return json(201, Map.of("id", task.id())).build();
    }

    private static Map<String, Object> dealJson(StoredDeal deal) {
        DateTimeFormatter format = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", String.valueOf(deal.id()));
        json.put("title", deal.title());
        json.put("pipelineId", "p1");
        json.put("stageId", deal.stageId());
        json.put("status", deal.status());
        json.put("value", deal.value().toPlainString());
        json.put("currency", deal.currency());
        json.put("ownerId", deal.ownerId());
        json.put("createdAt", format.format(OffsetDateTime.ofInstant(deal.createdAt(), deal.zone())));
        json.put("closedAt", deal.closedAt() == null ? null : format.format(OffsetDateTime.ofInstant(deal.closedAt(), deal.zone())));
        json.put("modifiedAt", format.format(OffsetDateTime.ofInstant(deal.modifiedAt(), deal.zone())));
        if (deal.deletedAt() != null) {
            json.put("deletedAt", deal.deletedAt().toString());
        }
        json.put("fields", Map.of("region", deal.region()));
        return json;
    }

    private static Map<String, Object> pipeline() {
        return Map.of("id", "p1", "name", "Sales", "stages", List.of(
                stage("s1", "New", 10, "open", "0.1"), stage("s2", "Proposal", 20, "open", "0.5"),
                stage("s-won", "Won", 90, "won", "1"), stage("s-lost", "Lost", 99, "lost", "0")));
    }

    private static Map<String, Object> stage(String id, String name, int sort, String status, String probability) {
        return Map.of("id", id, "name", name, "sort", sort, "status", status, "probability", new BigDecimal(probability));
    }

    private static Map<String, Object> user(String id, String name, String email) {
        return Map.of("id", id, "name", name, "email", email, "active", true);
    }

    private static ResponseDefinitionBuilder json(int status, Object body) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json")
                .withBody(JSON.writeValueAsString(body));
    }

    private static String query(Request request, String name) {
        QueryParameter parameter = request.queryParameter(name);
        return parameter == null || !parameter.isPresent() ? null : parameter.firstValue();
    }

    private static Instant instant(String text) {
        if (text == null || text.isBlank()) {
            return Instant.EPOCH;
        }
        return OffsetDateTime.parse(text).toInstant();
    }

    private static String encode(StoredDeal deal) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                (deal.modifiedAt() + "|" + deal.id()).getBytes(StandardCharsets.UTF_8));
    }

    private StoredDeal decode(String cursor) {
        String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
        return new StoredDeal(Long.parseLong(parts[1]), "", "", "", BigDecimal.ZERO, "", "", Instant.EPOCH, null,
                Instant.parse(parts[0]), null, "", ZoneOffset.UTC);
    }

    @Override
    public synchronized String toString() {
        return "example fake CRM at " + (server == null ? "?" : server.baseUrl()) + " with " + deals.size() + " deals";
    }
}
