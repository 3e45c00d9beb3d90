package io.planpilot.connector.amocrm;

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
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * An amoCRM account on WireMock: API v4 answering from an {@link AmoCrmAccount}, webhooks as amoCRM
 * posts them (form-encoded, bracket keys, to the secret address), and the kit's faults on the calls that
 * read leads ({@code GET /api/v4/leads}): HTTP 429 (amoCRM documents no wait header, so only the
 * signal without one), HTTP errors (problem+json, or nginx's HTML page for 502/503), slow answers, JSON
 * cut short and a {@code price} of {@code "abc"}.
 */
final class AmoCrmFakeCrm implements FakeCrm {

    static final int PAGE_CAP = 250;

    private final Transformer transformer = new Transformer();
    final AmoCrmAccount account = new AmoCrmAccount();
    private final FakeCrmFaults faults = new FakeCrmFaults();
    private WireMockServer server;
    private Long changeDuringNextRead;
    private String loseNextAnswerOf;
    private long nextLeadId = 1;

    ResponseDefinitionTransformerV2 extension() {
        return transformer;
    }

    AmoCrmFakeCrm attach(WireMockServer server) {
        this.server = server;
        return this;
    }

    @Override
    public synchronized void reset() {
        account.clear();
        faults.clear();
        changeDuringNextRead = null;
        loseNextAnswerOf = null;
        nextLeadId = 1;
        server.stubFor(any(urlPathMatching("/api/v4/.*")).willReturn(ok()));
    }

    @Override
    public int pageCap() {
        return PAGE_CAP;
    }

    @Override
    public String dealListEndpoint() {
        return AmoCrmClient.LEADS;
    }

    @Override
    public synchronized List<String> seedDeals(int count) {
        Instant base = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.SECONDS);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long id = nextLeadId++;
            account.seedLead(id, base);
            ids.add(String.valueOf(id));
        }
        return ids;
    }

    /** The next call of {@code endpoint} ({@code POST /api/v4/tasks}) is carried out, but its answer is lost (a 504 of a proxy). */
    synchronized void loseNextAnswer(String endpoint) {
        loseNextAnswerOf = endpoint;
    }

    @Override
    public synchronized String updateOneDeal() {
        AmoCrmAccount.Lead lead = account.leads.firstEntry().getValue();
        change(lead);
        return String.valueOf(lead.id);
    }

    private static void change(AmoCrmAccount.Lead lead) {
        lead.name = lead.name + " (changed)";
        lead.price = lead.price.add(BigDecimal.valueOf(100));
        lead.updatedAt = Instant.now().getEpochSecond();
    }

    @Override
    public synchronized String deleteOneDeal() {
        long id = account.leads.lastKey();
        account.deleteLead(id);
        return String.valueOf(id);
    }

    @Override
    public synchronized String updateDealDuringNextRead() {
        long id = account.leads.firstKey();
        changeDuringNextRead = id;
        return String.valueOf(id);
    }

    /** amoCRM's 429 carries no documented wait: with a wait there is nothing to offer (the kit skips). */
    @Override
    public synchronized Duration rateLimitNextCall(boolean withResetHeader) {
        if (withResetHeader) {
            return null;
        }
        faults.rateLimit(false);
        return null;
    }

    @Override
    public FakeCrmFaults faults() {
        return faults;
    }

    @Override
    public synchronized String malformNextCall() {
        faults.malformed();
        return "_embedded.leads[0].name";
    }

    @Override
    public synchronized String wrongTypeNextCall() {
        faults.wrongType();
        return "_embedded.leads[0].price";
    }

    @Override
    public WebhookRequest validWebhook() {
        return statusWebhook(firstLeadId(), AmoCrmAccount.WEBHOOK_SECRET, String.valueOf(AmoCrmAccount.ACCOUNT_ID),
                AmoCrmAccount.SUBDOMAIN);
    }

    @Override
    public WebhookRequest forgedWebhook() {
        return statusWebhook(firstLeadId(), "not0the0secret0path", String.valueOf(AmoCrmAccount.ACCOUNT_ID),
                AmoCrmAccount.SUBDOMAIN);
    }

    /** amoCRM's webhooks carry no signed time: there is nothing to go stale. */
    @Override
    public WebhookRequest staleWebhook() {
        return null;
    }

    private synchronized String firstLeadId() {
        return account.leads.isEmpty() ? "1" : String.valueOf(account.leads.firstKey());
    }

    /** A status change as amoCRM posts it: form-encoded, bracket keys, to {@code /webhooks/amo/<secret>}. */
    static WebhookRequest statusWebhook(String leadId, String secret, String accountId, String subdomain) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("leads[status][0][id]", leadId);
        fields.put("leads[status][0][status_id]", String.valueOf(AmoCrmMapper.WON));
        fields.put("leads[status][0][pipeline_id]", String.valueOf(AmoCrmAccount.SALES));
        fields.put("leads[status][0][old_status_id]", "10002");
        fields.put("leads[status][0][old_pipeline_id]", String.valueOf(AmoCrmAccount.SALES));
        fields.put("account[id]", accountId);
        fields.put("account[subdomain]", subdomain);
        fields.put("account[_links][self]", "https://" + subdomain + ".amocrm.ru");
        return form("https://adapter.example/webhooks/amo/" + secret, fields);
    }

    static WebhookRequest form(String url, Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        fields.forEach((key, value) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(key, StandardCharsets.UTF_8)).append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return new WebhookRequest("POST", url, Map.of("content-type", List.of("application/x-www-form-urlencoded")),
                body.toString().getBytes(StandardCharsets.UTF_8), Instant.now());
    }

    // --- writes ---

    @Override
    public synchronized void verifyTaskWritten(CrmWrite.Task task) {
        String text = (task.description() == null ? task.title() : task.title() + "\n" + task.description())
                + "\n\n" + io.planpilot.connector.support.WriteMarker.PREFIX + task.idempotencyKey();
        ArrayNode body = AmoCrmAccount.JSON.createArrayNode();
        ObjectNode item = body.addObject();
        item.put("text", text);
        if (task.deadline() != null) {
            item.put("complete_till", task.deadline().getEpochSecond());
        }
        item.put("responsible_user_id", Long.parseLong(task.assignee()));
        if (task.dealId() != null) {
            item.put("entity_id", Long.parseLong(task.dealId()));
            item.put("entity_type", "leads");
        }
        server.verify(1, postRequestedFor(urlPathEqualTo("/api/v4/tasks"))
                .withHeader("Authorization", equalTo("Bearer " + AmoCrmAccount.TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson(body.toString(), false, true)));
        assertThat(account.tasks.values().stream().filter(t -> t.text.equals(text)
                && String.valueOf(t.responsible).equals(task.assignee())).toList()).as("tasks the account holds for %s", task).hasSize(1);
    }

    @Override
    public synchronized void verifyCommentWritten(CrmWrite.Comment comment) {
        String text = comment.text() + "\n\n" + io.planpilot.connector.support.WriteMarker.PREFIX + comment.idempotencyKey();
        ArrayNode body = AmoCrmAccount.JSON.createArrayNode();
        ObjectNode item = body.addObject();
        item.put("entity_id", Long.parseLong(comment.dealId()));
        item.put("note_type", "common");
        item.putObject("params").put("text", text);
        server.verify(1, postRequestedFor(urlPathEqualTo("/api/v4/leads/notes"))
                .withHeader("Authorization", equalTo("Bearer " + AmoCrmAccount.TOKEN))
                .withRequestBody(equalToJson(body.toString())));
        assertThat(account.notes.values().stream().filter(n -> text.equals(n.text)
                && String.valueOf(n.leadId).equals(comment.dealId())).toList()).as("notes for %s", comment).hasSize(1);
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
            return "amocrm-account";
        }

        @Override
        public ResponseDefinition transform(ServeEvent event) {
            Request request = event.getRequest();
            URI uri = URI.create(request.getUrl());
            String method = request.getMethod().getName();
            String path = uri.getPath();
            synchronized (AmoCrmFakeCrm.this) {
                boolean readsLeads = method.equals("GET") && path.equals("/api/v4/leads");
                Fault fault = readsLeads ? faults.poll() : null;
                if (fault instanceof Fault.RateLimit) {
                    return answer(AmoCrmAccount.problem(429, "Too Many Requests", "Too many requests")).build();
                }
                if (fault instanceof Fault.Status status) {
                    if (status.status() == 502 || status.status() == 503 || status.status() == 504) {
                        return new ResponseDefinitionBuilder().withStatus(status.status()).withHeader("Content-Type", "text/html")
                                .withBody("<html><head><title>" + status.status() + "</title></head><body><center><h1>"
                                        + status.status() + " Service Temporarily Unavailable</h1></center><hr><center>nginx</center></body></html>")
                                .build();
                    }
                    String title = switch (status.status()) {
                        case 401 -> "Unauthorized";
                        case 403 -> "Forbidden";
                        case 404 -> "Not Found";
                        default -> "Internal Server Error";
                    };
                    return answer(AmoCrmAccount.problem(status.status(), title, title)).build();
                }
                AmoCrmAccount.Answer answer = account.handle(method, path, AmoCrmAccount.query(uri.getRawQuery()),
                        request.getBodyAsString(), request.getHeader("Authorization"));
                String endpoint = method + " " + path;
                if (endpoint.equals(loseNextAnswerOf)) {
                    loseNextAnswerOf = null;
                    return new ResponseDefinitionBuilder().withStatus(504).withHeader("Content-Type", "text/html")
                            .withBody("<html><body>504 Gateway Time-out</body></html>").build();
                }
                String body = answer.body();
                if (readsLeads && changeDuringNextRead != null && body != null
                        && body.contains("\"id\":" + changeDuringNextRead + ",\"name\"")) {
                    AmoCrmAccount.Lead lead = account.leads.get(changeDuringNextRead);
                    if (lead != null) {
                        change(lead);
                    }
                    changeDuringNextRead = null;
                }
                if (fault instanceof Fault.WrongType && body != null) {
                    ObjectNode root = (ObjectNode) AmoCrmAccount.JSON.readTree(body);
                    ((ObjectNode) root.path("_embedded").path("leads").get(0)).put("price", "abc");
                    body = root.toString();
                }
                if (fault instanceof Fault.Malformed && body != null) {
                    int name = body.indexOf("\"name\":\"");
                    body = body.substring(0, name + "\"name\":\"".length() + 3);
                }
                ResponseDefinitionBuilder response = answer(new AmoCrmAccount.Answer(answer.status(), body));
                if (fault instanceof Fault.Delay delay) {
                    response = response.withFixedDelay((int) delay.delay().toMillis());
                }
                return response.build();
            }
        }
    }

    private static ResponseDefinitionBuilder answer(AmoCrmAccount.Answer answer) {
        ResponseDefinitionBuilder response = new ResponseDefinitionBuilder().withStatus(answer.status());
        if (answer.body() == null) {
            return response;
        }
        String type = answer.status() >= 400 ? "application/problem+json" : "application/hal+json";
        return response.withHeader("Content-Type", type).withBody(answer.body());
    }

    @Override
    public synchronized String toString() {
        return "amoCRM fake account at " + (server == null ? "?" : server.baseUrl()) + " with " + account.leads.size() + " leads";
    }
}
