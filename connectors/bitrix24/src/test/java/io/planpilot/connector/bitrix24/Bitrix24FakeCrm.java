package io.planpilot.connector.bitrix24;

import io.planpilot.tck.FakeCrmFaults;
import io.planpilot.tck.FakeCrmFaults.Fault;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.WebhookRequest;
import io.planpilot.tck.FakeCrm;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Bitrix24 portal on WireMock: the incoming webhook {@code /rest/1/<secret>/<method>.json} answering
 * from a {@link Bitrix24Portal}, outgoing webhooks as Bitrix24 posts them (form-encoded, with the
 * application token), and the kit's faults on the calls that read deals ({@code crm.deal.list} alone
 * or in a {@code batch}): the 503 {@code QUERY_LIMIT_EXCEEDED} signal (no wait), the 429
 * {@code OPERATION_TIME_LIMIT} answer with {@code time.operating_reset_at} (the portal's only wait
 * signal), HTTP errors, slow answers, JSON cut short and a number field as {@code "abc"}.
 */
final class Bitrix24FakeCrm implements FakeCrm {

    static final int PAGE_CAP = 50;
    private static final Pattern METHOD_PATH = Pattern.compile("^/rest/([^/]+)/([^/]+)/([A-Za-z0-9._]+?)(?:\\.json)?/?$");
    private static final ZoneOffset[] ZONES = {ZoneOffset.ofHours(3), ZoneOffset.UTC, ZoneOffset.ofHours(-5), ZoneOffset.ofHours(2)};
    private static final String[] CURRENCIES = {"RUB", "USD", "EUR", "KZT"};

    /** A fault the next deal-reading call gets. */
    private final Transformer transformer = new Transformer();
    final Bitrix24Portal portal = new Bitrix24Portal();
    private final FakeCrmFaults faults = new FakeCrmFaults();
    private WireMockServer server;
    private Long changeDuringNextRead;
    private String loseNextAnswerOf;
    private long nextDealId = 1;

    ResponseDefinitionTransformerV2 extension() {
        return transformer;
    }

    Bitrix24FakeCrm attach(WireMockServer server) {
        this.server = server;
        return this;
    }

    /** The incoming webhook's URL on this fake. */
    String webhookUrl() {
        return server.baseUrl() + "/rest/" + Bitrix24Portal.USER + "/" + Bitrix24Portal.SECRET + "/";
    }

    @Override
    public synchronized void reset() {
        portal.clearRecords();
        faults.clear();
        changeDuringNextRead = null;
        loseNextAnswerOf = null;
        nextDealId = 1;
        server.stubFor(any(urlPathMatching("/rest/.*")).willReturn(ok()));
    }

    @Override
    public int pageCap() {
        return PAGE_CAP;
    }

    @Override
    public String dealListEndpoint() {
        return Bitrix24Client.DEAL_LIST;
    }

    /**
     * Deals modified two hours ago: a third won, a third lost, a third open, in both pipelines and four
     * currencies, dates in several offsets; each with its stage history, an activity, and every fifth
     * with product rows.
     */
    @Override
    public synchronized List<String> seedDeals(int count) {
        Instant base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = nextDealId++;
            seedDeal(portal, id, base, ZONES[(int) (id % ZONES.length)]);
            ids.add(String.valueOf(id));
        }
        return ids;
    }

    /** One generated deal with its history, activity and (every fifth) product rows; used by the load test too. */
    static void seedDeal(Bitrix24Portal portal, long id, Instant base, ZoneOffset zone) {
        boolean enterprise = id % 4 == 3;
        String category = enterprise ? "1" : "0";
        String prefix = enterprise ? "C1:" : "";
        String semantic = switch ((int) (id % 3)) {
            case 0 -> "S";
            case 2 -> "F";
            default -> "P";
        };
        String stage = switch (semantic) {
            case "S" -> prefix + "WON";
            case "F" -> prefix + (id % 5 == 0 && !enterprise ? "APOLOGY" : "LOSE");
            default -> id % 2 == 0 ? prefix + "NEW" : (enterprise ? "C1:EXECUTING" : "PREPARATION");
        };
        Instant created = base.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(id % 10_000));
        Instant closed = semantic.equals("P") ? null : created.plus(Duration.ofDays(10)).plusSeconds(id % 3600);
        Instant modified = base.plusMillis(0).minusSeconds(id % 60);
        String amount = new BigDecimal("1000.50").add(BigDecimal.valueOf(id)).toPlainString();
        String owner = id % 2 == 0 ? "1" : "2";
        portal.addDeal(id, "Deal " + id, category, stage, semantic, amount, CURRENCIES[(int) (id % CURRENCIES.length)],
                id % 7 == 0 ? null : String.valueOf((id * 10) % 100), owner, created, modified,
                LocalDate.ofInstant(created.plus(Duration.ofDays(20)), zone), closed == null ? created : closed,
                id % 2 == 0 ? "3157" : "3159", zone);
        portal.addHistory(id, 1, created, category, "P", prefix + "NEW");
        if (closed != null) {
            portal.addHistory(id, 3, closed, category, semantic, stage);
        } else if (!stage.endsWith("NEW")) {
            portal.addHistory(id, 2, created.plus(Duration.ofDays(2)), category, "P", stage);
        }
        int type = (int) (id % 6) + 1;
        portal.addActivity(id, 2, type, type == 6 ? "CRM_TODO" : type == 2 ? "VOXIMPLANT_CALL" : "CRM_MEETING", owner,
                created.plusSeconds(3600), created.plus(Duration.ofDays(3)), id % 2 == 0 ? created.plus(Duration.ofDays(1)) : null,
                id % 2 == 0, zone);
        if (id % 5 == 1) {
            portal.addProductRow(id, "Widget", "100.00", "3");
            portal.addProductRow(id, "Service plan", "25.5", "2");
        }
    }

    /** The next call of {@code method} is carried out, but its answer is lost (a 504 from a proxy). */
    synchronized void loseNextAnswer(String method) {
        loseNextAnswerOf = method;
    }

    @Override
    public synchronized String updateOneDeal() {
        Bitrix24Portal.Rec deal = portal.deals.firstEntry().getValue();
        change(deal);
        return String.valueOf(deal.id);
    }

    private static void change(Bitrix24Portal.Rec deal) {
        deal.put("TITLE", deal.text("TITLE") + " (changed)");
        deal.put("OPPORTUNITY", new BigDecimal(deal.text("OPPORTUNITY")).add(BigDecimal.valueOf(100)).toPlainString());
        deal.put("DATE_MODIFY", Instant.now().truncatedTo(ChronoUnit.SECONDS));
    }

    @Override
    public synchronized String deleteOneDeal() {
        long id = portal.deals.lastKey();
        portal.deals.remove(id);
        portal.productRows.remove(id);
        return String.valueOf(id);
    }

    @Override
    public synchronized String updateDealDuringNextRead() {
        long id = portal.deals.firstKey();
        changeDuringNextRead = id;
        return String.valueOf(id);
    }

    /**
     * Without a wait: HTTP 503 {@code QUERY_LIMIT_EXCEEDED}. With one: HTTP 429 {@code OPERATION_TIME_LIMIT}
     * whose {@code time.operating_reset_at} is two seconds (rounded up to the second) after the answer;
     * the least wait it asks for is 2 s, less 100 ms for the way between the fake and the connector.
     */
    @Override
    public synchronized Duration rateLimitNextCall(boolean withResetHeader) {
        faults.rateLimit(withResetHeader);
        return withResetHeader ? Duration.ofMillis(1900) : null;
    }

    @Override
    public FakeCrmFaults faults() {
        return faults;
    }

    /** The deals of a read come first from a plain {@code crm.deal.list}, whose {@code result} is the list. */
    @Override
    public synchronized String malformNextCall() {
        faults.malformed();
        return "result[0].TITLE";
    }

    @Override
    public synchronized String wrongTypeNextCall() {
        faults.wrongType();
        return "result[0].OPPORTUNITY";
    }

    @Override
    public WebhookRequest validWebhook() {
        return event("ONCRMDEALUPDATE", firstDealId(), Bitrix24Portal.APPLICATION_TOKEN, Instant.now());
    }

    @Override
    public WebhookRequest forgedWebhook() {
        return event("ONCRMDEALUPDATE", firstDealId(), "0000feedface0000feedface00000000", Instant.now());
    }

    /** Bitrix24's {@code ts} is not signed and events are not resent: the connector does not refuse old ones. */
    @Override
    public WebhookRequest staleWebhook() {
        return null;
    }

    private synchronized String firstDealId() {
        return portal.deals.isEmpty() ? "1" : String.valueOf(portal.deals.firstKey());
    }

    /** An outgoing-webhook call as Bitrix24 sends it: {@code application/x-www-form-urlencoded}, PHP-style keys. */
    WebhookRequest event(String event, String id, String token, Instant sentAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event", event);
        fields.put("event_handler_id", "201");
        fields.put("data[FIELDS][ID]", id);
        fields.put("ts", String.valueOf(sentAt.getEpochSecond()));
        fields.put("auth[domain]", Bitrix24Portal.DOMAIN);
        fields.put("auth[client_endpoint]", "https://" + Bitrix24Portal.DOMAIN + "/rest/");
        fields.put("auth[server_endpoint]", "https://oauth.bitrix.info/rest/");
        fields.put("auth[member_id]", Bitrix24Portal.MEMBER_ID);
        fields.put("auth[application_token]", token);
        StringBuilder body = new StringBuilder();
        fields.forEach((key, value) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return new WebhookRequest("POST", "https://adapter.example/webhooks/b24", Map.of(
                "content-type", List.of("application/x-www-form-urlencoded"),
                "user-agent", List.of("Bitrix24 Webhook Engine")), body.toString().getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    // --- writes ---

    private String path(String method) {
        return "/rest/" + Bitrix24Portal.USER + "/" + Bitrix24Portal.SECRET + "/" + method + ".json";
    }

    @Override
    public synchronized void verifyTaskWritten(CrmWrite.Task task) {
        ObjectNode fields = Bitrix24Portal.JSON.createObjectNode();
        fields.put("TITLE", task.title());
        fields.put("DESCRIPTION", (task.description() == null ? "" : task.description() + "\n\n")
                + io.planpilot.connector.support.WriteMarker.PREFIX + task.idempotencyKey());
        fields.put("RESPONSIBLE_ID", Long.parseLong(task.assignee()));
        if (task.deadline() != null) {
            fields.put("DEADLINE", java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                    task.deadline().atZone(Bitrix24ConnectorContractTest.ZONE).toOffsetDateTime()));
        }
        if (task.dealId() != null) {
            fields.putArray("UF_CRM_TASK").add("D_" + task.dealId());
        }
        String body = "{\"fields\":" + fields + "}";
        server.verify(postRequestedFor(urlPathEqualTo(path(Bitrix24Client.TASKS_TASK_ADD)))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(body)));
        assertThat(Bitrix24Portal.where(portal.tasks.values(), t -> t.text("description").equals(fields.get("DESCRIPTION").asString())
                && t.text("responsibleId").equals(task.assignee()))).as("tasks the portal holds for %s", task).hasSize(1);
    }

    @Override
    public synchronized void verifyNotificationWritten(CrmWrite.Notification notification) {
        String body = "{\"USER_ID\":" + Long.parseLong(notification.userId()) + ",\"MESSAGE\":"
                + Bitrix24Portal.JSON.writeValueAsString(notification.text()) + "}";
        server.verify(1, postRequestedFor(urlPathEqualTo(path(Bitrix24Client.IM_NOTIFY_SYSTEM_ADD)))
                .withRequestBody(equalToJson(body)));
        assertThat(Bitrix24Portal.where(portal.notifications.values(), n -> n.text("MESSAGE").equals(notification.text())
                && n.text("USER_ID").equals(notification.userId()))).as("notifications for %s", notification).hasSize(1);
    }

    @Override
    public synchronized void verifyCommentWritten(CrmWrite.Comment comment) {
        String text = comment.text() + "\n\n" + io.planpilot.connector.support.WriteMarker.PREFIX + comment.idempotencyKey();
        ObjectNode fields = Bitrix24Portal.JSON.createObjectNode();
        fields.put("ENTITY_ID", Long.parseLong(comment.dealId()));
        fields.put("ENTITY_TYPE", "deal");
        fields.put("COMMENT", text);
        server.verify(1, postRequestedFor(urlPathEqualTo(path(Bitrix24Client.TIMELINE_COMMENT_ADD)))
                .withRequestBody(equalToJson("{\"fields\":" + fields + "}")));
        assertThat(Bitrix24Portal.where(portal.comments.values(), c -> c.text("COMMENT").equals(text)
                && c.text("ENTITY_ID").equals(comment.dealId()))).as("comments for %s", comment).hasSize(1);
    }

    @Override
    public List<Instant> requestTimes() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().toInstant()).sorted().toList();
    }

    /** The REST methods called, in order (a batch as {@code batch:<methods>}). */
    List<String> methodsCalled() {
        return server.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> {
                    Matcher path = METHOD_PATH.matcher(URI.create(e.getRequest().getUrl()).getPath());
                    return path.matches() ? path.group(3) : e.getRequest().getUrl();
                }).toList();
    }

    // --- the API ---

    private final class Transformer implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "bitrix24-portal";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            Matcher path = METHOD_PATH.matcher(URI.create(request.getUrl()).getPath());
            if (!path.matches()) {
                return json(404, error("ERROR_METHOD_NOT_FOUND", "Method not found!")).build();
            }
            if (path.group(1).equals("0")) {
                return new ResponseDefinitionBuilder().withStatus(200).withHeader("Content-Type", "text/html")
                        .withBody("<!DOCTYPE html><html><head><title>Authorization</title></head><body>Log in</body></html>").build();
            }
            if (!Bitrix24Portal.USER.equals(path.group(1)) || !Bitrix24Portal.SECRET.equals(path.group(2))) {
                return json(401, error("INVALID_CREDENTIALS", "Invalid request credentials")).build();
            }
            String method = path.group(3);
            JsonNode params;
            try {
                String body = request.getBodyAsString();
                params = body == null || body.isBlank() ? Bitrix24Portal.JSON.createObjectNode() : Bitrix24Portal.JSON.readTree(body);
            } catch (JacksonException e) {
                return json(400, error("", "Invalid JSON")).build();
            }
            synchronized (Bitrix24FakeCrm.this) {
                boolean readsDeals = method.equals(Bitrix24Client.DEAL_LIST) || (method.equals("batch")
                        && params.path("cmd").toString().contains(Bitrix24Client.DEAL_LIST));
                Fault fault = readsDeals ? faults.poll() : null;
                if (fault instanceof Fault.RateLimit limit) {
                    if (!limit.withWait()) {
                        return json(503, error(Bitrix24Errors.QUERY_LIMIT_EXCEEDED, "Too many requests")).build();
                    }
                    ObjectNode body = error(Bitrix24Errors.OPERATION_TIME_LIMIT, "Method is blocked due to operation time limit.");
                    ObjectNode time = Bitrix24Portal.time();
                    time.put("operating_reset_at", (long) Math.ceil(System.currentTimeMillis() / 1000.0) + 2);
                    body.set("time", time);
                    return json(429, body).build();
                }
                if (fault instanceof Fault.Status status) {
                    if (status.status() == 503 || status.status() == 502) {
                        return new ResponseDefinitionBuilder().withStatus(status.status()).withHeader("Content-Type", "text/html")
                                .withBody("<html><body><h1>" + status.status() + " Service Temporarily Unavailable</h1></body></html>")
                                .build();
                    }
                    ObjectNode body = switch (status.status()) {
                        case 401 -> error("INVALID_CREDENTIALS", "Invalid request credentials");
                        case 403 -> error("ACCESS_DENIED", "REST is available only by subscription");
                        case 404 -> error("ERROR_METHOD_NOT_FOUND", "Method not found!");
                        default -> error("INTERNAL_SERVER_ERROR", "Internal server error");
                    };
                    return json(status.status(), body).build();
                }
                ObjectNode answer;
                try {
                    answer = portal.call(method, params);
                } catch (Bitrix24Portal.PortalError e) {
                    return json(e.status, e.body()).build();
                }
                if (method.equals(loseNextAnswerOf)) {
                    loseNextAnswerOf = null;
                    return new ResponseDefinitionBuilder().withStatus(504).withHeader("Content-Type", "text/html")
                            .withBody("<html><body>504 Gateway Time-out</body></html>").build();
                }
                if (readsDeals && changeDuringNextRead != null && answer.toString().contains("\"ID\":\"" + changeDuringNextRead + "\"")) {
                    Bitrix24Portal.Rec deal = portal.deals.get(changeDuringNextRead);
                    if (deal != null) {
                        change(deal);
                    }
                    changeDuringNextRead = null;
                }
                if (fault instanceof Fault.WrongType && answer.path("result").isArray() && !answer.path("result").isEmpty()) {
                    ((ObjectNode) answer.path("result").get(0)).put("OPPORTUNITY", "abc");
                }
                String text = answer.toString();
                if (fault instanceof Fault.Malformed) {
                    int title = text.indexOf("\"TITLE\":\"");
                    text = text.substring(0, title + "\"TITLE\":\"".length() + 3);
                }
                ResponseDefinitionBuilder response = new ResponseDefinitionBuilder().withStatus(200)
                        .withHeader("Content-Type", "application/json; charset=utf-8").withBody(text);
                if (fault instanceof Fault.Delay delay) {
                    response = response.withFixedDelay((int) delay.delay().toMillis());
                }
                return response.build();
            }
        }
    }

    private static ObjectNode error(String code, String description) {
        ObjectNode body = Bitrix24Portal.JSON.createObjectNode();
        body.put("error", code);
        body.put("error_description", description);
        return body;
    }

    private static ResponseDefinitionBuilder json(int status, JsonNode body) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json; charset=utf-8")
                .withBody(body.toString());
    }

    @Override
    public synchronized String toString() {
        return "Bitrix24 fake portal at " + (server == null ? "?" : server.baseUrl()) + " with " + portal.deals.size() + " deals";
    }
}
