package io.planpilot.connector.hubspot;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.WebhookRequest;
import io.planpilot.tck.FakeCrm;
import io.planpilot.tck.FakeCrmFaults;
import io.planpilot.tck.FakeCrmFaults.Fault;
import tools.jackson.databind.node.ObjectNode;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Map;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * HubSpot on WireMock: the v3 API answering from a {@link HubSpotPortal}, webhooks signed as HubSpot
 * signs them (v3), and the kit's faults on the calls that read deals ({@code GET objects/deals},
 * {@code POST objects/deals/search}): 429 {@code TEN_SECONDLY_ROLLING} with HubSpot's rate-limit headers
 * (the rolling window of 10 s is the wait they announce) or without them, HTTP errors in HubSpot's error
 * shape, slow answers, JSON cut short and an amount of {@code "abc"}. Every answer carries the
 * {@code X-HubSpot-RateLimit-*} headers of a private app (100 per 10 s, 500,000 a day).
 */
final class HubSpotFakeCrm implements FakeCrm {

    static final String WEBHOOK_URL = "https://adapter.example/webhooks/hs";
    private static final String[] CURRENCIES = {"USD", "EUR", ""};

    private final Transformer transformer = new Transformer();
    /** The API version the fake serves: its paths, and no other version's. */
    private final HubSpotApiPaths paths;
    final HubSpotPortal portal = new HubSpotPortal();
    private final FakeCrmFaults faults = new FakeCrmFaults();
    /** Policies of 429s owed to the next calls of any endpoint (SECONDLY on searches, DAILY). */
    private final Deque<String> policyFaults = new ArrayDeque<>();
    private WireMockServer server;
    private Long changeDuringNextRead;
    private boolean loseNextCreate;
    long dailyRemaining = 500_000;

    HubSpotFakeCrm() {
        this(HubSpotApiPaths.of(HubSpotApiPaths.V3).orElseThrow());
    }

    HubSpotFakeCrm(HubSpotApiPaths paths) {
        this.paths = paths;
    }

    /**
     * A path of the fake's API version in the terms of v3, which the portal speaks; a path of another
     * version comes back unknown (a 404), so a connection calling the wrong version fails.
     */
    private String inV3Terms(String path) {
        HubSpotApiPaths v3 = HubSpotApiPaths.of(HubSpotApiPaths.V3).orElseThrow();
        String[][] prefixes = {{paths.objects(), v3.objects()}, {paths.pipelines(), v3.pipelines()},
                {paths.owners(), v3.owners()}, {paths.properties(), v3.properties()},
                {paths.associations(), v3.associations()}, {paths.accountInfo(), v3.accountInfo()}};
        for (String[] prefix : prefixes) {
            String mine = "/" + prefix[0];
            if (path.equals(mine) || path.startsWith(mine + "/")) {
                return "/" + prefix[1] + path.substring(mine.length());
            }
        }
        return "/not-in-" + paths.version() + path;
    }

    ResponseDefinitionTransformerV2 extension() {
        return transformer;
    }

    HubSpotFakeCrm attach(WireMockServer server) {
        this.server = server;
        return this;
    }

    @Override
    public synchronized void reset() {
        portal.clearRecords();
        faults.clear();
        policyFaults.clear();
        changeDuringNextRead = null;
        loseNextCreate = false;
        dailyRemaining = 500_000;
        server.stubFor(any(urlPathMatching("/.*")).willReturn(ok()));
    }

    @Override
    public int pageCap() {
        return 100;
    }

    @Override
    public String dealListEndpoint() {
        return HubSpotClient.DEALS_LIST;
    }

    @Override
    public synchronized List<String> seedDeals(int count) {
        Instant base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(String.valueOf(seedDeal(portal, base).id));
        }
        return ids;
    }

    /**
     * A deal modified at {@code base} (less a minute's worth of seconds): a third won, a third lost, a third open,
     * in two pipelines and three currencies (one empty: the company currency), some dates as epoch
     * milliseconds; with its {@code hs_date_entered_*} and an activity of a kind by turns. Used by the load test too.
     */
    static HubSpotPortal.Rec seedDeal(HubSpotPortal portal, Instant base) {
        HubSpotPortal.Rec deal = portal.add("deals");
        long id = deal.id;
        boolean enterprise = id % 4 == 3;
        String first = enterprise ? "1001" : "appointmentscheduled";
        String stage = switch ((int) (id % 3)) {
            case 0 -> enterprise ? "1002" : "closedwon";
            case 2 -> enterprise ? "1003" : "closedlost";
            default -> id % 2 == 0 || enterprise ? first : "qualifiedtobuy";
        };
        Instant created = base.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(id % 10_000));
        Instant closed = created.plus(Duration.ofDays(10)).plusSeconds(id % 3600);
        String owner = id % 2 == 0 ? "101" : "102";
        deal.props.put("dealname", "Deal " + id);
        deal.props.put("amount", id % 7 == 0 ? "" : (1000 + id) + ".50");
        deal.props.put("dealstage", stage);
        deal.props.put("pipeline", enterprise ? "7654321" : "default");
        deal.props.put("createdate", HubSpotPortal.iso(created));
        deal.props.put("closedate", id % 5 == 0 ? String.valueOf(closed.toEpochMilli()) : HubSpotPortal.iso(closed));
        deal.props.put("hubspot_owner_id", owner);
        deal.props.put("deal_currency_code", CURRENCIES[(int) (id % CURRENCIES.length)]);
        deal.props.put("region", id % 2 == 0 ? "West" : "East");
        deal.props.put("hs_date_entered_" + first, HubSpotPortal.iso(created));
        deal.stageHistory.add(new String[]{first, HubSpotPortal.iso(created)});
        if (!stage.equals(first)) {
            Instant entered = HubSpotPortal.OPEN_STAGES.contains(stage) ? created.plus(Duration.ofDays(2)) : closed;
            deal.props.put("hs_date_entered_" + stage, HubSpotPortal.iso(entered));
            deal.stageHistory.add(new String[]{stage, HubSpotPortal.iso(entered)});
        }
        deal.touch(base.minusSeconds(id % 60));
        // deals and activities share one id sequence: the deal's ordinal picks the activity's kind and state
        long n = portal.of("deals").size();
        String type = List.of("calls", "meetings", "emails", "tasks").get((int) (n % 4));
        HubSpotPortal.Rec activity = portal.add(type);
        activity.deal = String.valueOf(id);
        activity.props.put("hubspot_owner_id", owner);
        activity.props.put("hs_createdate", HubSpotPortal.iso(created.plusSeconds(3600)));
        activity.props.put("hs_timestamp", HubSpotPortal.iso(created.plus(Duration.ofDays(3))));
        switch (type) {
            case "calls" -> activity.props.put("hs_call_status", n % 8 == 0 ? "COMPLETED" : "NO_ANSWER");
            case "meetings" -> {
                activity.props.put("hs_meeting_outcome", "COMPLETED");
                activity.props.put("hs_meeting_end_time", HubSpotPortal.iso(created.plus(Duration.ofDays(3)).plusSeconds(1800)));
            }
            case "tasks" -> {
                activity.props.put("hs_task_status", n % 8 == 3 ? "COMPLETED" : "NOT_STARTED");
                if (n % 8 == 3) {
                    activity.props.put("hs_task_completion_date", HubSpotPortal.iso(created.plus(Duration.ofDays(1))));
                }
            }
            default -> { }
        }
        activity.touch(base.minusSeconds(id % 60));
        return deal;
    }

    @Override
    public synchronized String updateOneDeal() {
        HubSpotPortal.Rec deal = portal.of("deals").firstEntry().getValue();
        change(deal);
        return String.valueOf(deal.id);
    }

    private static void change(HubSpotPortal.Rec deal) {
        deal.props.put("dealname", deal.props.get("dealname") + " (changed)");
        deal.props.put("amount", "4242.00");
        deal.touch(Instant.now());
    }

    @Override
    public synchronized String deleteOneDeal() {
        HubSpotPortal.Rec deal = portal.of("deals").lastEntry().getValue();
        archive(deal);
        return String.valueOf(deal.id);
    }

    static void archive(HubSpotPortal.Rec deal) {
        deal.archived = true;
        deal.archivedAt = Instant.now();
    }

    @Override
    public synchronized String updateDealDuringNextRead() {
        long id = portal.of("deals").firstKey();
        changeDuringNextRead = id;
        return String.valueOf(id);
    }

    /** With the headers: the rolling window is 10 s, which is what the connector waits; the kit allows 100 ms of way. */
    @Override
    public synchronized Duration rateLimitNextCall(boolean withResetHeader) {
        faults.rateLimit(withResetHeader);
        return withResetHeader ? Duration.ofMillis(9_900) : null;
    }

    /** The next call of any endpoint answers 429 with {@code policy} ({@code SECONDLY}, {@code DAILY}). */
    synchronized void limitNextCall(String policy) {
        policyFaults.add(policy);
    }

    /** The next task or note is created, but its answer is lost (a 502 from a proxy). */
    synchronized void loseNextCreateAnswer() {
        loseNextCreate = true;
    }

    @Override
    public FakeCrmFaults faults() {
        return faults;
    }

    @Override
    public synchronized String malformNextCall() {
        faults.malformed();
        return "results[0].properties.dealname";
    }

    @Override
    public synchronized String wrongTypeNextCall() {
        faults.wrongType();
        return "results[0].properties.amount";
    }

    @Override
    public WebhookRequest validWebhook() {
        return webhook(events(firstDealId(), "deal.propertyChange"), HubSpotPortal.CLIENT_SECRET, Instant.now());
    }

    @Override
    public WebhookRequest forgedWebhook() {
        return webhook(events(firstDealId(), "deal.propertyChange"), "00000000-0000-0000-0000-000000000000", Instant.now());
    }

    @Override
    public WebhookRequest staleWebhook() {
        return webhook(events(firstDealId(), "deal.propertyChange"), HubSpotPortal.CLIENT_SECRET,
                Instant.now().minus(Duration.ofMinutes(6)));
    }

    private synchronized String firstDealId() {
        return portal.of("deals").isEmpty() ? "1" : String.valueOf(portal.of("deals").firstKey());
    }

    /** A batch of events as HubSpot posts it. */
    static String events(String dealId, String subscriptionType) {
        return "[{\"eventId\":1812344711,\"subscriptionId\":2561209,\"portalId\":62515,\"appId\":1160452,"
                + "\"occurredAt\":1764585600000,\"subscriptionType\":\"" + subscriptionType + "\",\"attemptNumber\":0,"
                + "\"objectId\":" + dealId + ",\"propertyName\":\"amount\",\"propertyValue\":\"4242\","
                + "\"changeSource\":\"CRM_UI\",\"sourceId\":\"userId:9001\"}]";
    }

    /** A webhook call signed with {@code secret} as HubSpot's v3 signature prescribes, computed here independently. */
    static WebhookRequest webhook(String body, String secret, Instant sentAt) {
        String timestamp = String.valueOf(sentAt.toEpochMilli());
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            String signature = Base64.getEncoder().encodeToString(
                    mac.doFinal(("POST" + WEBHOOK_URL + body + timestamp).getBytes(StandardCharsets.UTF_8)));
            return new WebhookRequest("POST", WEBHOOK_URL, Map.of("content-type", List.of("application/json"),
                    "x-hubspot-signature-v3", List.of(signature), "x-hubspot-request-timestamp", List.of(timestamp),
                    "user-agent", List.of("HubSpot Connect 2.0 (http://dev.hubspot.com/)")),
                    body.getBytes(StandardCharsets.UTF_8), Instant.now());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- writes ---

    @Override
    public synchronized void verifyTaskWritten(CrmWrite.Task task) {
        String body = (task.description() == null ? "" : task.description() + "\n\n") + io.planpilot.connector.support.WriteMarker.PREFIX + task.idempotencyKey();
        ObjectNode request = HubSpotPortal.JSON.createObjectNode();
        ObjectNode properties = request.putObject("properties");
        properties.put("hs_timestamp", task.deadline() == null ? "${json-unit.any-string}" : task.deadline().toString());
        properties.put("hs_task_subject", task.title());
        properties.put("hs_task_body", body);
        properties.put("hubspot_owner_id", task.assignee());
        properties.put("hs_task_status", "NOT_STARTED");
        properties.put("hs_task_priority", "MEDIUM");
        ObjectNode association = request.putArray("associations").addObject();
        association.putObject("to").put("id", task.dealId());
        ObjectNode type = association.putArray("types").addObject();
        type.put("associationCategory", "HUBSPOT_DEFINED");
        type.put("associationTypeId", 216);
        server.verify(1, postRequestedFor(urlPathEqualTo("/" + paths.objects() + "/tasks"))
                .withHeader("Authorization", equalTo("Bearer " + HubSpotPortal.TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(request.toString())));
        assertThat(portal.of("tasks").values().stream().filter(t -> body.equals(t.props.get("hs_task_body"))
                && task.dealId().equals(t.deal))).as("tasks HubSpot holds for %s", task).hasSize(1);
    }

    @Override
    public synchronized void verifyCommentWritten(CrmWrite.Comment comment) {
        String body = comment.text() + "\n\n" + io.planpilot.connector.support.WriteMarker.PREFIX + comment.idempotencyKey();
        String request = "{\"properties\":{\"hs_timestamp\":\"${json-unit.any-string}\",\"hs_note_body\":"
                + HubSpotPortal.JSON.writeValueAsString(body) + "},\"associations\":[{\"to\":{\"id\":\"" + comment.dealId()
                + "\"},\"types\":[{\"associationCategory\":\"HUBSPOT_DEFINED\",\"associationTypeId\":214}]}]}";
        server.verify(1, postRequestedFor(urlPathEqualTo("/" + paths.objects() + "/notes")).withRequestBody(equalToJson(request)));
        assertThat(portal.of("notes").values().stream().filter(n -> body.equals(n.props.get("hs_note_body"))
                && comment.dealId().equals(n.deal))).as("notes for %s", comment).hasSize(1);
    }

    @Override
    public List<Instant> requestTimes() {
        return server.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().toInstant()).sorted().toList();
    }

    /** The calls made, in order, as {@code METHOD /path}. */
    List<String> callsMade() {
        return server.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getMethod().getName() + " " + URI.create(e.getRequest().getUrl()).getPath()).toList();
    }

    // --- the API ---

    private final class Transformer implements ResponseDefinitionTransformerV2 {
        @Override
        public String getName() {
            return "hubspot-account";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            String path = inV3Terms(URI.create(request.getUrl()).getPath());
            String method = request.getMethod().getName();
            synchronized (HubSpotFakeCrm.this) {
                String policy = policyFaults.poll();
                if (policy != null) {
                    ResponseDefinitionBuilder limited = json(429, HubSpotPortal.rateLimitBody(policy).toString());
                    if (policy.equals(HubSpotErrors.DAILY)) {
                        limited = limited.withHeader(HubSpotRateLimitHeaders.DAILY, "500000")
                                .withHeader(HubSpotRateLimitHeaders.DAILY_REMAINING, "0");
                    }
                    return limited.build();
                }
                boolean readsDeals = path.equals("/crm/v3/objects/deals") && method.equals("GET")
                        || path.equals("/crm/v3/objects/deals/search");
                Fault fault = readsDeals ? faults.poll() : null;
                if (fault instanceof Fault.RateLimit limit) {
                    ResponseDefinitionBuilder limited = json(429, HubSpotPortal.rateLimitBody(HubSpotErrors.TEN_SECONDLY_ROLLING).toString());
                    if (limit.withWait()) {
                        limited = limited.withHeader(HubSpotRateLimitHeaders.MAX, "100")
                                .withHeader(HubSpotRateLimitHeaders.REMAINING, "0")
                                .withHeader(HubSpotRateLimitHeaders.INTERVAL, "10000");
                    }
                    return limited.build();
                }
                if (fault instanceof Fault.Status status) {
                    if (status.status() == 502 || status.status() == 503) {
                        return new ResponseDefinitionBuilder().withStatus(status.status()).withHeader("Content-Type", "text/html")
                                .withBody("<html><body><h1>" + status.status() + " Service Unavailable</h1></body></html>").build();
                    }
                    String category = switch (status.status()) {
                        case 401 -> "INVALID_AUTHENTICATION";
                        case 403 -> "MISSING_SCOPES";
                        case 404 -> "OBJECT_NOT_FOUND";
                        default -> "INTERNAL_ERROR";
                    };
                    return json(status.status(), HubSpotPortal.errorBody(category, status.status() == 401
                            ? "Authentication credentials not found." : "internal error").toString()).build();
                }
                HubSpotPortal.Answer answer = portal.call(method, path, FakeCrm.queryParameters(request.getUrl()), request.getBodyAsString(),
                        request.getHeader("Authorization"));
                String text = answer.body();
                if (loseNextCreate && method.equals("POST") && (path.endsWith("/tasks") || path.endsWith("/notes"))) {
                    loseNextCreate = false;
                    return new ResponseDefinitionBuilder().withStatus(502).withHeader("Content-Type", "text/html")
                            .withBody("<html><body>502 Bad Gateway</body></html>").build();
                }
                if (readsDeals && changeDuringNextRead != null && text.contains("\"id\":\"" + changeDuringNextRead + "\"")) {
                    HubSpotPortal.Rec deal = portal.of("deals").get(changeDuringNextRead);
                    if (deal != null) {
                        change(deal);
                    }
                    changeDuringNextRead = null;
                }
                if (fault instanceof Fault.WrongType) {
                    text = text.replaceFirst("\"amount\":\"[^\"]*\"", "\"amount\":\"abc\"");
                }
                if (fault instanceof Fault.Malformed) {
                    int name = text.indexOf("\"dealname\":\"");
                    text = text.substring(0, name + "\"dealname\":\"".length() + 3);
                }
                dailyRemaining--;
                ResponseDefinitionBuilder response = json(answer.status(), text)
                        .withHeader(HubSpotRateLimitHeaders.DAILY, "500000")
                        .withHeader(HubSpotRateLimitHeaders.DAILY_REMAINING, String.valueOf(dailyRemaining))
                        .withHeader(HubSpotRateLimitHeaders.INTERVAL, "10000")
                        .withHeader(HubSpotRateLimitHeaders.MAX, "100")
                        .withHeader(HubSpotRateLimitHeaders.REMAINING, "99");
                if (fault instanceof Fault.Delay delay) {
                    response = response.withFixedDelay((int) delay.delay().toMillis());
                }
                return response.build();
            }
        }
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return new ResponseDefinitionBuilder().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8")
                .withBody(body);
    }

    @Override
    public synchronized String toString() {
        return "HubSpot fake account at " + (server == null ? "?" : server.baseUrl()) + " with " + portal.of("deals").size() + " deals";
    }
}
