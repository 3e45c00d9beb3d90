package io.planpilot.connector.hubspot;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory HubSpot account answering the v3 API in HubSpot's shapes (the published OpenAPI specs):
 * objects listed by {@code after} cursors (at most 100 a page), searched with filter groups, sorts and
 * offsets (at most 200 a page, and HTTP 400 past 10,000 results, as HubSpot does), batch reads,
 * association batch reads, task and note creation, pipelines, owners, properties and account details.
 * Every property value is a string; times are ISO-8601 with milliseconds. Not thread-safe: callers
 * synchronise. Shared by the WireMock fake and the load test's HTTP server.
 */
final class HubSpotPortal {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    static final String CLIENT_SECRET = "yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy";
    static final int SEARCH_CAP = 10_000;
    static final List<String> OBJECT_TYPES = List.of("deals", "calls", "meetings", "emails", "tasks", "notes");
    private static final Pattern OBJECTS = Pattern.compile("^/crm/v3/objects/([a-z]+)(/search|/batch/read)?$");
    private static final Pattern ASSOCIATIONS = Pattern.compile("^/crm/v4/associations/([a-z]+)/deals/batch/read$");

    /** An answer: status, JSON body. */
    record Answer(int status, String body) {
    }

    /** A record of any object type: its properties (strings), one deal association, archive state, dealstage history. */
    static final class Rec {
        final long id;
        final Map<String, String> props = new LinkedHashMap<>();
        final List<String[]> stageHistory = new ArrayList<>();
        String deal;
        boolean archived;
        Instant archivedAt;

        Rec(long id) {
            this.id = id;
            props.put("hs_object_id", String.valueOf(id));
        }

        Instant modified() {
            return Instant.parse(props.get("hs_lastmodifieddate"));
        }

        void touch(Instant at) {
            props.put("hs_lastmodifieddate", iso(at));
        }
    }

    final Map<String, TreeMap<Long, Rec>> objects = new HashMap<>();
    long nextId = 1;
    int requests;

    HubSpotPortal() {
        OBJECT_TYPES.forEach(type -> objects.put(type, new TreeMap<>()));
    }

    TreeMap<Long, Rec> of(String type) {
        return objects.get(type);
    }

    void clearRecords() {
        objects.values().forEach(Map::clear);
        nextId = 1;
    }

    Rec add(String type) {
        Rec rec = new Rec(nextId++);
        of(type).put(rec.id, rec);
        return rec;
    }

    // --- the API ---

    Answer call(String method, String path, Map<String, String> query, String body, String authorization) {
        requests++;
        if (authorization == null || !authorization.equals("Bearer " + TOKEN)) {
            return error(401, "INVALID_AUTHENTICATION", "Authentication credentials not found. This API supports OAuth 2.0 "
                    + "authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview");
        }
        JsonNode request = body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        Matcher objects = OBJECTS.matcher(path);
        if (objects.matches() && this.objects.containsKey(objects.group(1))) {
            String type = objects.group(1);
            String op = objects.group(2);
            if (op == null && method.equals("GET")) {
                return list(type, query);
            }
            if (op == null && method.equals("POST")) {
                return create(type, request);
            }
            if ("/search".equals(op)) {
                return search(type, request);
            }
            if ("/batch/read".equals(op)) {
                return batchRead(type, request);
            }
        }
        Matcher associations = ASSOCIATIONS.matcher(path);
        if (associations.matches() && this.objects.containsKey(associations.group(1))) {
            return associations(associations.group(1), request);
        }
        return switch (path) {
            case "/crm/v3/pipelines/deals" -> ok(pipelines());
            case "/crm/v3/owners" -> owners(query);
            case "/crm/v3/properties/deals" -> ok(properties());
            case "/account-info/v3/details" -> ok(JSON.readTree("{\"portalId\":62515,\"accountType\":\"STANDARD\","
                    + "\"timeZone\":\"US/Eastern\",\"companyCurrency\":\"USD\",\"additionalCurrencies\":[\"EUR\",\"GBP\"],"
                    + "\"utcOffset\":\"-05:00\",\"utcOffsetMilliseconds\":-18000000,\"uiDomain\":\"app.hubspot.com\","
                    + "\"dataHostingLocation\":\"na1\"}"));
            default -> error(404, "OBJECT_NOT_FOUND", "resource not found");
        };
    }

    private Answer list(String type, Map<String, String> query) {
        int limit = Integer.parseInt(query.getOrDefault("limit", "10"));
        if (limit > 100) {
            return error(400, "VALIDATION_ERROR", "limit must be at most 100");
        }
        boolean archived = Boolean.parseBoolean(query.getOrDefault("archived", "false"));
        long after = query.containsKey("after") ? Long.parseLong(query.get("after")) : 0;
        List<String> props = csv(query.get("properties"));
        boolean associations = "deals".equals(query.get("associations"));
        List<Rec> page = new ArrayList<>();
        Rec more = null;
        for (Rec rec : of(type).tailMap(after, true).values()) {
            if (rec.archived != archived) {
                continue;
            }
            if (page.size() == limit) {
                more = rec;
                break;
            }
            page.add(rec);
        }
        ObjectNode answer = JSON.createObjectNode();
        ArrayNode results = answer.putArray("results");
        page.forEach(rec -> results.add(object(rec, props, associations, false)));
        if (more != null) {
            ObjectNode next = answer.putObject("paging").putObject("next");
            next.put("after", String.valueOf(more.id));
            next.put("link", "https://api.hubapi.com/crm/v3/objects/" + type + "?after=" + more.id);
        }
        return ok(answer);
    }

    private Answer search(String type, JsonNode request) {
        int limit = request.path("limit").asInt(10);
        int after = request.path("after").isMissingNode() || request.path("after").isNull() ? 0
                : Integer.parseInt(request.path("after").asString());
        if (limit > 200) {
            return error(400, "VALIDATION_ERROR", "limit must be at most 200");
        }
        if (after + limit > SEARCH_CAP) {
            return error(400, "VALIDATION_ERROR", "There was a problem with the request. The search endpoints are limited to "
                    + SEARCH_CAP + " total results for any given query.");
        }
        List<Predicate<Rec>> groups = new ArrayList<>();
        for (JsonNode group : request.path("filterGroups")) {
            List<Predicate<Rec>> filters = new ArrayList<>();
            for (JsonNode filter : group.path("filters")) {
                filters.add(filter(filter.path("propertyName").asString(), filter.path("operator").asString(),
                        filter.path("value").asString()));
            }
            groups.add(rec -> filters.stream().allMatch(f -> f.test(rec)));
        }
        List<Rec> matches = new ArrayList<>(of(type).values().stream().filter(rec -> !rec.archived)
                .filter(rec -> groups.isEmpty() || groups.stream().anyMatch(g -> g.test(rec))).toList());
        JsonNode sort = request.path("sorts").path(0);
        if (!sort.isMissingNode()) {
            String property = sort.path("propertyName").asString();
            Comparator<Rec> order = Comparator.comparing((Rec rec) -> sortKey(rec, property));
            order = order.thenComparing(rec -> rec.id);
            matches.sort("DESCENDING".equals(sort.path("direction").asString()) ? order.reversed() : order);
        }
        List<String> props = new ArrayList<>();
        request.path("properties").forEach(p -> props.add(p.asString()));
        ObjectNode answer = JSON.createObjectNode();
        answer.put("total", matches.size());
        ArrayNode results = answer.putArray("results");
        for (int i = after; i < Math.min(matches.size(), after + limit); i++) {
            results.add(object(matches.get(i), props, false, false));
        }
        if (after + limit < matches.size()) {
            answer.putObject("paging").putObject("next").put("after", String.valueOf(after + limit));
        }
        return ok(answer);
    }

    private static String sortKey(Rec rec, String property) {
        String value = property.equals("hs_object_id") ? String.valueOf(rec.id) : rec.props.get(property);
        if (value == null) {
            return "";
        }
        if (property.equals("hs_object_id")) {
            return String.format("%020d", rec.id);
        }
        if (property.endsWith("date")) {
            return String.format("%020d", Instant.parse(value).toEpochMilli());
        }
        return value;
    }

    /** HubSpot's way of writing an instant: always with milliseconds. */
    static String iso(Instant at) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
                .format(at.atOffset(java.time.ZoneOffset.UTC));
    }

    private static Predicate<Rec> filter(String property, String operator, String value) {
        if (property.equals("associations.deal")) {
            return rec -> value.equals(rec.deal);
        }
        boolean time = property.equals("hs_lastmodifieddate") || property.equals("hs_createdate") || property.equals("createdate");
        boolean number = property.equals("hs_object_id");
        return rec -> {
            String actual = property.equals("hs_object_id") ? String.valueOf(rec.id) : rec.props.get(property);
            if (actual == null) {
                return false;
            }
            int compared;
            if (time) {
                compared = Long.compare(Instant.parse(actual).toEpochMilli(), Long.parseLong(value));
            } else if (number) {
                compared = Long.compare(Long.parseLong(actual), Long.parseLong(value));
            } else {
                compared = actual.compareTo(value);
            }
            return switch (operator) {
                case "EQ" -> compared == 0;
                case "NEQ" -> compared != 0;
                case "GT" -> compared > 0;
                case "GTE" -> compared >= 0;
                case "LT" -> compared < 0;
                case "LTE" -> compared <= 0;
                default -> throw new IllegalArgumentException("operator " + operator + " is not faked");
            };
        };
    }

    private Answer batchRead(String type, JsonNode request) {
        List<String> props = new ArrayList<>();
        request.path("properties").forEach(p -> props.add(p.asString()));
        boolean history = false;
        for (JsonNode p : request.path("propertiesWithHistory")) {
            history |= p.asString().equals("dealstage");
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "COMPLETE");
        ArrayNode results = answer.putArray("results");
        for (JsonNode input : request.path("inputs")) {
            Rec rec = of(type).get(Long.parseLong(input.path("id").asString()));
            if (rec != null && !rec.archived) {
                results.add(object(rec, props, false, history));
            }
        }
        answer.put("startedAt", Instant.now().toString());
        answer.put("completedAt", Instant.now().toString());
        return ok(answer);
    }

    private Answer associations(String type, JsonNode request) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("status", "COMPLETE");
        ArrayNode results = answer.putArray("results");
        for (JsonNode input : request.path("inputs")) {
            Rec rec = of(type).get(Long.parseLong(input.path("id").asString()));
            if (rec != null && rec.deal != null) {
                ObjectNode result = results.addObject();
                result.putObject("from").put("id", String.valueOf(rec.id));
                ObjectNode to = result.putArray("to").addObject();
                to.put("toObjectId", Long.parseLong(rec.deal));
                ObjectNode assoc = to.putArray("associationTypes").addObject();
                assoc.put("category", "HUBSPOT_DEFINED");
                assoc.put("typeId", type.equals("tasks") ? 216 : 206);
                assoc.putNull("label");
            }
        }
        return ok(answer);
    }

    private Answer create(String type, JsonNode request) {
        Rec rec = add(type);
        Instant now = Instant.now();
        rec.props.put("hs_createdate", iso(now));
        rec.touch(now);
        for (Map.Entry<String, JsonNode> property : request.path("properties").properties()) {
            rec.props.put(property.getKey(), property.getValue().asString());
        }
        for (JsonNode association : request.path("associations")) {
            rec.deal = association.path("to").path("id").asString();
        }
        return new Answer(201, object(rec, new ArrayList<>(rec.props.keySet()), false, false).toString());
    }

    private ObjectNode object(Rec rec, List<String> props, boolean associations, boolean history) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", String.valueOf(rec.id));
        ObjectNode properties = node.putObject("properties");
        for (String name : List.of("createdate", "hs_createdate", "hs_lastmodifieddate", "hs_object_id")) {
            if (rec.props.containsKey(name)) {
                properties.put(name, rec.props.get(name));
            }
        }
        for (String name : props) {
            if (rec.props.containsKey(name)) {
                properties.put(name, rec.props.get(name));
            } else if (name.startsWith("hs_date_entered_") || name.equals("amount") || name.equals("closedate")) {
                properties.putNull(name);
            }
        }
        if (history) {
            ArrayNode versions = node.putObject("propertiesWithHistory").putArray("dealstage");
            for (int i = rec.stageHistory.size() - 1; i >= 0; i--) {
                ObjectNode version = versions.addObject();
                version.put("value", rec.stageHistory.get(i)[0]);
                version.put("timestamp", rec.stageHistory.get(i)[1]);
                version.put("sourceType", "CRM_UI");
            }
        }
        String created = rec.props.getOrDefault("createdate", rec.props.get("hs_createdate"));
        node.put("createdAt", created);
        node.put("updatedAt", rec.props.get("hs_lastmodifieddate"));
        node.put("archived", rec.archived);
        if (rec.archived) {
            node.put("archivedAt", rec.archivedAt.toString());
        }
        if (associations && rec.deal != null) {
            ObjectNode link = node.putObject("associations").putObject("deals").putArray("results").addObject();
            link.put("id", rec.deal);
            link.put("type", "call_to_deal");
        }
        return node;
    }

    private static JsonNode pipelines() {
        return JSON.readTree("""
                {"results":[
                 {"id":"default","label":"Sales Pipeline","displayOrder":0,"archived":false,"createdAt":"2019-01-10T10:00:00.000Z",
                  "updatedAt":"2024-05-01T10:00:00.000Z","stages":[
                   {"id":"appointmentscheduled","label":"Appointment Scheduled","displayOrder":0,"archived":false,
                    "metadata":{"isClosed":"false","probability":"0.2"},"createdAt":"2019-01-10T10:00:00.000Z"},
                   {"id":"qualifiedtobuy","label":"Qualified To Buy","displayOrder":1,"archived":false,
                    "metadata":{"isClosed":"false","probability":"0.4"},"createdAt":"2019-01-10T10:00:00.000Z"},
                   {"id":"closedwon","label":"Closed Won","displayOrder":2,"archived":false,
                    "metadata":{"isClosed":"true","probability":"1.0"},"createdAt":"2019-01-10T10:00:00.000Z"},
                   {"id":"closedlost","label":"Closed Lost","displayOrder":3,"archived":false,
                    "metadata":{"isClosed":"true","probability":"0.0"},"createdAt":"2019-01-10T10:00:00.000Z"}]},
                 {"id":"7654321","label":"Enterprise","displayOrder":1,"archived":false,"createdAt":"2021-03-01T10:00:00.000Z",
                  "updatedAt":"2024-05-01T10:00:00.000Z","stages":[
                   {"id":"1001","label":"Discovery","displayOrder":0,"archived":false,"metadata":{"isClosed":"false","probability":"0.1"}},
                   {"id":"1002","label":"Signed","displayOrder":1,"archived":false,"metadata":{"isClosed":"true","probability":"1.0"}},
                   {"id":"1003","label":"Dropped","displayOrder":2,"archived":false,"metadata":{"isClosed":"true","probability":"0.0"}}]}
                ]}""");
    }

    static final List<String> OPEN_STAGES = List.of("appointmentscheduled", "qualifiedtobuy", "1001");

    private Answer owners(Map<String, String> query) {
        boolean archived = Boolean.parseBoolean(query.getOrDefault("archived", "false"));
        String json = archived ? """
                {"results":[{"id":"103","email":"left@example.com","type":"PERSON","firstName":"Carl","lastName":"Left",
                  "userId":9003,"userIdIncludingInactive":9003,"createdAt":"2020-01-01T00:00:00.000Z",
                  "updatedAt":"2024-01-01T00:00:00.000Z","archived":true,"teams":[]}]}"""
                : """
                {"results":[
                 {"id":"101","email":"anna@example.com","type":"PERSON","firstName":"Anna","lastName":"Petrova","userId":9001,
                  "userIdIncludingInactive":9001,"createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2024-01-01T00:00:00.000Z",
                  "archived":false,"teams":[{"id":"11","name":"West","primary":true}]},
                 {"id":"102","email":"bob@example.com","type":"PERSON","firstName":"Bob","lastName":"Smith","userId":9002,
                  "userIdIncludingInactive":9002,"createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2024-01-01T00:00:00.000Z",
                  "archived":false,"teams":[{"id":"12","name":"East","primary":true}]}]}""";
        return ok(JSON.readTree(json));
    }

    private static JsonNode properties() {
        return JSON.readTree("""
                {"results":[
                 {"name":"dealname","label":"Deal Name","type":"string","fieldType":"text","groupName":"dealinformation","hidden":false},
                 {"name":"amount","label":"Amount","type":"number","fieldType":"number","groupName":"dealinformation","hidden":false},
                 {"name":"deal_currency_code","label":"Currency","type":"enumeration","fieldType":"select","groupName":"dealinformation","hidden":false},
                 {"name":"region","label":"Region","type":"enumeration","fieldType":"select","groupName":"dealinformation","hidden":false}
                ]}""");
    }

    // --- answers ---

    static Answer ok(JsonNode body) {
        return new Answer(200, body.toString());
    }

    static Answer error(int status, String category, String message) {
        return new Answer(status, errorBody(category, message).toString());
    }

    static ObjectNode errorBody(String category, String message) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "error");
        body.put("message", message);
        body.put("correlationId", UUID.randomUUID().toString());
        body.put("category", category);
        return body;
    }

    /** A 429 as HubSpot sends it: {@code policyName} names the limit. */
    static ObjectNode rateLimitBody(String policy) {
        ObjectNode body = JSON.createObjectNode();
        body.put("status", "error");
        body.put("message", "You have reached your " + policy.toLowerCase(java.util.Locale.ROOT) + " limit.");
        body.put("errorType", "RATE_LIMIT");
        body.put("correlationId", UUID.randomUUID().toString());
        body.put("policyName", policy);
        body.put("groupName", "privateapps:62515");
        return body;
    }

    static List<String> csv(String value) {
        return value == null || value.isBlank() ? List.of() : List.of(value.split(","));
    }
}
