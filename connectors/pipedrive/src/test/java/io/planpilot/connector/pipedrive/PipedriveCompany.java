package io.planpilot.connector.pipedrive;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A Pipedrive company in memory, answering the API calls the connector makes in Pipedrive's shapes
 * (official SDK pipedrive/client-nodejs): API v2 lists with {@code additional_data.next_cursor} (null at
 * the end), RFC 3339 times, custom fields under {@code custom_fields} keyed by 40-character hashes;
 * API v1 lists with {@code additional_data.pagination} and {@code YYYY-MM-DD HH:MM:SS} UTC times; the
 * token in {@code x-api-token}; every answer with the burst window's {@code x-ratelimit-*} and the
 * daily budget's {@code x-daily-ratelimit-token-*} headers. It can enforce the burst window (a 2-second
 * window of so many requests, then 429) and a daily token budget (list GET 20 tokens, a flow 40, a
 * POST 10; spent: 429 with {@code x-daily-ratelimit-token-remaining: 0}). Used by the WireMock fake and
 * by the load test's own server. Not thread-safe: callers synchronize.
 */
final class PipedriveCompany {

    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String TOKEN = "5f1b9c3e0d8a4b7c9e2f6a1d3c5b7e9f01234567";
    static final String REGION_KEY = "a4c3f1e2d5b6a7c8e9f0a1b2c3d4e5f6a7b8c9d0";
    static final String SEGMENT_KEY = "0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e";
    static final String EMEA = "11";
    static final String APAC = "12";
    private static final DateTimeFormatter V1 = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final String[] CURRENCIES = {"EUR", "USD", "GBP"};
    private static final String[] ACTIVITY_TYPES = {"call", "meeting", "email", "task", "lunch", "deadline"};

    /** An answer: status, headers and JSON body. */
    record Answer(int status, Map<String, String> headers, String body) {
    }

    final TreeMap<Long, ObjectNode> deals = new TreeMap<>();
    final Map<Long, List<ObjectNode>> flows = new LinkedHashMap<>();
    final TreeMap<Long, ObjectNode> activities = new TreeMap<>();
    final TreeMap<Long, ObjectNode> notes = new TreeMap<>();
    final Map<String, AtomicLong> calls = new TreeMap<>();
    private long nextActivityId = 100_000;
    private long nextNoteId = 1;
    private long nextFlowId = 1;

    /** The burst window: at most this many requests per 2-second window (0: not enforced, headers still sent). */
    int burstLimit;
    private long windowStart;
    private int windowCount;
    long refusedByBurst;
    /** The day's token budget (0: unlimited). */
    long dailyBudget;
    long tokensUsed;

    void clearRecords() {
        deals.clear();
        flows.clear();
        activities.clear();
        notes.clear();
        calls.clear();
        nextActivityId = 100_000;
        nextNoteId = 1;
        burstLimit = 0;
        windowCount = 0;
        refusedByBurst = 0;
        dailyBudget = 0;
        tokensUsed = 0;
    }

    private static final Map<String, Instant> PARSED = new java.util.concurrent.ConcurrentHashMap<>();

    /** An RFC 3339 time, parsed once: the load test sorts 100,000 deals for every page it serves. */
    static Instant instant(String text) {
        return PARSED.computeIfAbsent(text, Instant::parse);
    }

    static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static String v1(Instant instant) {
        return V1.format(instant);
    }

    // --- data ---

    /** A deal as {@code GET /api/v2/deals} shows it; {@code stageChanged} null when it never moved. */
    ObjectNode addDeal(long id, String title, long owner, long pipeline, long stage, String status, BigDecimal value,
                       String currency, Instant added, Instant updated, Instant stageChanged, Instant closed,
                       LocalDate expectedClose, String region, String segment) {
        ObjectNode deal = JSON.createObjectNode();
        deal.put("id", id);
        deal.put("title", title);
        deal.put("creator_user_id", owner);
        deal.put("owner_id", owner);
        deal.put("value", value);
        deal.putNull("person_id");
        deal.putNull("org_id");
        deal.put("stage_id", stage);
        deal.put("pipeline_id", pipeline);
        deal.put("currency", currency);
        deal.put("add_time", time(added));
        deal.put("update_time", time(updated));
        if (stageChanged == null) {
            deal.putNull("stage_change_time");
        } else {
            deal.put("stage_change_time", time(stageChanged));
        }
        deal.put("is_deleted", false);
        deal.put("status", status);
        deal.put("probability", (Integer) null);
        deal.putNull("lost_reason");
        deal.put("visible_to", 3);
        deal.put("close_time", closed == null ? null : time(closed));
        deal.put("won_time", status.equals("won") ? time(closed) : null);
        deal.put("lost_time", status.equals("lost") ? time(closed) : null);
        deal.put("expected_close_date", expectedClose == null ? null : expectedClose.toString());
        deal.putArray("label_ids");
        deal.put("origin", "API");
        ObjectNode custom = deal.putObject("custom_fields");
        custom.put(REGION_KEY, region == null ? null : Long.valueOf(region));
        custom.put(SEGMENT_KEY, segment);
        deals.put(id, deal);
        return deal;
    }

    /** A {@code dealChange} entry of the deal's flow ({@code GET /v1/deals/{id}/flow}). */
    void addFlowChange(long deal, String field, String oldValue, String newValue, Instant at) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("object", "dealChange");
        entry.put("timestamp", v1(at));
        ObjectNode data = entry.putObject("data");
        data.put("id", nextFlowId++);
        data.put("item_id", deal);
        data.put("user_id", 1);
        data.put("field_key", field);
        data.put("old_value", oldValue);
        data.put("new_value", newValue);
        data.putNull("is_bulk_update_flag");
        data.put("log_time", v1(at));
        data.put("change_source", "app");
        flows.computeIfAbsent(deal, d -> new ArrayList<>()).add(0, entry);
    }

    ObjectNode addActivity(long id, String type, long owner, Long deal, Instant added, LocalDate dueDate, String dueTime,
                           Instant doneAt, String note) {
        ObjectNode activity = JSON.createObjectNode();
        activity.put("id", id);
        activity.put("subject", type + " " + id);
        activity.put("type", type);
        activity.put("owner_id", owner);
        activity.put("creator_user_id", owner);
        activity.put("is_deleted", false);
        activity.put("add_time", time(added));
        activity.put("update_time", time(doneAt != null ? doneAt : added));
        activity.put("deal_id", deal);
        activity.put("due_date", dueDate == null ? null : dueDate.toString());
        activity.put("due_time", dueTime);
        activity.put("duration", "00:30");
        activity.put("busy", false);
        activity.put("done", doneAt != null);
        activity.put("marked_as_done_time", doneAt == null ? null : time(doneAt));
        activity.put("note", note);
        activities.put(id, activity);
        nextActivityId = Math.max(nextActivityId, id + 1);
        return activity;
    }

    /** Moves a deal to another stage now: its stage, times and flow change as Pipedrive records them. */
    void moveDeal(long id, long stage, Instant at) {
        ObjectNode deal = deals.get(id);
        String old = deal.get("stage_id").asString();
        deal.put("stage_id", stage);
        deal.put("stage_change_time", time(at));
        deal.put("update_time", time(at));
        addFlowChange(id, "stage_id", old, String.valueOf(stage), at);
    }

    // --- the API ---

    /** Answers one call; {@code query} holds the decoded query parameters. */
    Answer handle(String method, String path, Map<String, String> query, Map<String, String> headers, String body, Instant now) {
        String token = headers.get("x-api-token");
        if (!TOKEN.equals(token)) {
            return error(401, "unauthorized access", now);
        }
        String route = route(method, path);
        calls.computeIfAbsent(route, r -> new AtomicLong()).incrementAndGet();
        long millis = now.toEpochMilli();
        if (millis - windowStart >= 2000) {
            windowStart = millis - millis % 2000;
            windowCount = 0;
        }
        windowCount++;
        if (burstLimit > 0 && windowCount > burstLimit) {
            refusedByBurst++;
            return answer(429, errorBody("Rate limit exceeded", 429), now);
        }
        int cost = route.startsWith("POST") ? 10 : route.equals(PipedriveClient.DEAL_FLOW) ? 40 : route.equals(PipedriveClient.USERS_ME) ? 2 : 20;
        if (dailyBudget > 0 && tokensUsed + cost > dailyBudget) {
            return answer(429, errorBody("Daily token budget exceeded", 429), now);
        }
        tokensUsed += cost;
        try {
            return answer(200, switch (route) {
                case PipedriveClient.DEALS -> v2List(deals.values(), dealFilter(query), query, "update_time");
                case PipedriveClient.ACTIVITIES -> v2List(activities.values(), activityFilter(query), query, "update_time");
                case PipedriveClient.PIPELINES -> v2List(pipelines(), x -> true, query, "id");
                case PipedriveClient.STAGES -> v2List(stages(), x -> true, query, "id");
                case PipedriveClient.USERS -> single(users());
                case PipedriveClient.USERS_ME -> single(users().get(0));
                case PipedriveClient.DEAL_FIELDS -> v1List(dealFields(), query, true);
                case PipedriveClient.DEAL_FLOW -> v1List(flows.getOrDefault(Long.parseLong(path.split("/")[3]), List.of()), query, false);
                case PipedriveClient.NOTES -> v1List(notesOf(query), query, true);
                case PipedriveClient.ADD_NOTE -> single(addNote(JSON.readTree(body), now));
                case PipedriveClient.ADD_ACTIVITY -> single(addActivity(JSON.readTree(body), now));
                default -> throw new BadRequest(404, "Unknown method .");
            }, now);
        } catch (BadRequest e) {
            return error(e.status, e.getMessage(), now);
        }
    }

    static String route(String method, String path) {
        if (path.matches("/v1/deals/\\d+/flow")) {
            return PipedriveClient.DEAL_FLOW;
        }
        return method + " " + path;
    }

    private static final class BadRequest extends RuntimeException {
        final int status;

        BadRequest(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private Answer answer(int status, JsonNode body, Instant now) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json; charset=utf-8");
        int limit = burstLimit > 0 ? burstLimit : 40;
        headers.put("x-ratelimit-limit", String.valueOf(limit));
        headers.put("x-ratelimit-remaining", String.valueOf(Math.max(0, limit - windowCount)));
        long reset = Math.max(1, (windowStart + 2000 - now.toEpochMilli() + 999) / 1000);
        headers.put("x-ratelimit-reset", String.valueOf(reset));
        long budget = dailyBudget > 0 ? dailyBudget : 1_000_000;
        headers.put("x-daily-ratelimit-token-limit", String.valueOf(budget));
        headers.put("x-daily-ratelimit-token-remaining", String.valueOf(Math.max(0, budget - tokensUsed)));
        return new Answer(status, headers, body.toString());
    }

    private Answer error(int status, String message, Instant now) {
        return answer(status, errorBody(message, status), now);
    }

    static ObjectNode errorBody(String message, int status) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", false);
        body.put("error", message);
        body.put("errorCode", status);
        body.put("error_info", "Please check developers.pipedrive.com for more information about Pipedrive API.");
        return body;
    }

    private static ObjectNode single(Object data) {
        ObjectNode body = JSON.createObjectNode();
        body.put("success", true);
        body.set("data", JSON.valueToTree(data));
        return body;
    }

    private Predicate<ObjectNode> dealFilter(Map<String, String> query) {
        String status = query.get("status");
        Set<String> statuses = status == null ? Set.of("open", "won", "lost") : Set.of(status.split(","));
        Predicate<ObjectNode> filter = deal -> statuses.contains("deleted") ? deal.get("is_deleted").asBoolean()
                : !deal.get("is_deleted").asBoolean() && statuses.contains(deal.get("status").asString());
        return filter.and(common(query));
    }

    private Predicate<ObjectNode> activityFilter(Map<String, String> query) {
        Predicate<ObjectNode> filter = activity -> !activity.get("is_deleted").asBoolean();
        if (query.containsKey("owner_id")) {
            filter = filter.and(a -> a.get("owner_id").asString().equals(query.get("owner_id")));
        }
        if (query.containsKey("deal_id")) {
            filter = filter.and(a -> a.get("deal_id").asString().equals(query.get("deal_id")));
        }
        return filter.and(common(query));
    }

    private static Predicate<ObjectNode> common(Map<String, String> query) {
        Predicate<ObjectNode> filter = x -> true;
        if (query.containsKey("ids")) {
            Set<String> ids = Set.of(query.get("ids").split(","));
            if (ids.size() > 100) {
                throw new BadRequest(400, "Validation failed: ids: Must contain at most 100 items");
            }
            filter = filter.and(x -> ids.contains(x.get("id").asString()));
        }
        if (query.containsKey("updated_since")) {
            Instant since = Instant.parse(query.get("updated_since"));
            filter = filter.and(x -> !instant(x.get("update_time").asString()).isBefore(since));
        }
        if (query.containsKey("updated_until")) {
            Instant until = Instant.parse(query.get("updated_until"));
            filter = filter.and(x -> instant(x.get("update_time").asString()).isBefore(until));
        }
        return filter;
    }

    /**
     * Whether the rows do not change while they are read (the load test): each list's order is then
     * sorted once and a page found by binary search, so the fake serves 100,000 deals as fast as a page.
     */
    boolean fixedData;
    private final Map<String, List<ObjectNode>> orders = new java.util.HashMap<>();

    /** A v2 list: sorted by {@code sort_by} (and id), walked by a keyset cursor of the last row's sort key. */
    private ObjectNode v2List(java.util.Collection<ObjectNode> rows, Predicate<ObjectNode> filter,
                              Map<String, String> query, String defaultSort) {
        int limit = query.containsKey("limit") ? Integer.parseInt(query.get("limit")) : 100;
        if (limit > 500) {
            throw new BadRequest(400, "Validation failed: limit: Must be less than or equal to 500");
        }
        String sortBy = query.getOrDefault("sort_by", "id");
        boolean desc = "desc".equals(query.get("sort_direction"));
        Comparator<ObjectNode> order = Comparator.comparingLong((ObjectNode x) -> sortKey(x, sortBy))
                .thenComparingLong(x -> x.get("id").asLong());
        if (desc) {
            order = order.reversed();
        }
        Comparator<ObjectNode> sorting = order;
        List<ObjectNode> sorted = fixedData
                ? orders.computeIfAbsent(System.identityHashCode(rows) + sortBy + desc, k -> rows.stream().sorted(sorting).toList())
                : rows.stream().sorted(order).collect(Collectors.toList());
        String cursor = query.get("cursor");
        int from = 0;
        if (cursor != null) {
            String[] key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
            if (key.length != 3 || !key[0].equals(sortBy)) {
                throw new BadRequest(400, "Invalid cursor");
            }
            long keyValue = Long.parseLong(key[1]);
            long keyId = Long.parseLong(key[2]);
            int low = 0;
            int high = sorted.size();
            while (low < high) {
                int mid = (low + high) >>> 1;
                int byKey = Long.compare(sortKey(sorted.get(mid), sortBy), keyValue);
                int cmp = byKey != 0 ? byKey : Long.compare(sorted.get(mid).get("id").asLong(), keyId);
                if (desc ? cmp >= 0 : cmp <= 0) {
                    low = mid + 1;
                } else {
                    high = mid;
                }
            }
            from = low;
        }
        List<ObjectNode> page = new ArrayList<>();
        boolean more = false;
        for (int i = from; i < sorted.size(); i++) {
            if (!filter.test(sorted.get(i))) {
                continue;
            }
            if (page.size() == limit) {
                more = true;
                break;
            }
            page.add(sorted.get(i));
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("success", true);
        ArrayNode data = body.putArray("data");
        page.forEach(row -> data.add(row.deepCopy()));
        ObjectNode additional = body.putObject("additional_data");
        if (more) {
            ObjectNode last = page.get(page.size() - 1);
            additional.put("next_cursor", Base64.getUrlEncoder().withoutPadding().encodeToString((sortBy + "|"
                    + sortKey(last, sortBy) + "|" + last.get("id").asLong()).getBytes(StandardCharsets.UTF_8)));
        } else {
            additional.putNull("next_cursor");
        }
        return body;
    }

    private static long sortKey(ObjectNode row, String sortBy) {
        if (sortBy.equals("id")) {
            return row.get("id").asLong();
        }
        JsonNode value = row.get(sortBy);
        return value == null || value.isNull() ? 0 : instant(value.asString()).getEpochSecond();
    }

    private static ObjectNode v1List(List<? extends JsonNode> rows, Map<String, String> query, boolean nested) {
        int start = Integer.parseInt(query.getOrDefault("start", "0"));
        int limit = Integer.parseInt(query.getOrDefault("limit", "100"));
        List<? extends JsonNode> page = rows.subList(Math.min(start, rows.size()), Math.min(rows.size(), start + limit));
        ObjectNode body = JSON.createObjectNode();
        body.put("success", true);
        ArrayNode data = body.putArray("data");
        page.forEach(row -> data.add(row.deepCopy()));
        ObjectNode additional = body.putObject("additional_data");
        ObjectNode pagination = nested ? additional.putObject("pagination") : additional;
        pagination.put("start", start);
        pagination.put("limit", limit);
        boolean more = start + limit < rows.size();
        pagination.put("more_items_in_collection", more);
        if (more && nested) {
            pagination.put("next_start", start + limit);
        }
        return body;
    }

    private List<ObjectNode> notesOf(Map<String, String> query) {
        List<ObjectNode> list = new ArrayList<>(notes.values().stream()
                .filter(n -> !query.containsKey("deal_id") || n.get("deal_id").asString().equals(query.get("deal_id"))).toList());
        if ("add_time DESC".equals(query.get("sort"))) {
            java.util.Collections.reverse(list);
        }
        return list;
    }

    private ObjectNode addNote(JsonNode request, Instant now) {
        if (!request.hasNonNull("content") || request.get("content").asString().isBlank()) {
            throw new BadRequest(400, "Note content is required");
        }
        ObjectNode note = JSON.createObjectNode();
        note.put("id", nextNoteId++);
        note.put("user_id", 1);
        note.set("deal_id", request.get("deal_id"));
        note.putNull("person_id");
        note.putNull("org_id");
        note.put("content", request.get("content").asString());
        note.put("add_time", v1(now));
        note.put("update_time", v1(now));
        note.put("active_flag", true);
        notes.put(note.get("id").asLong(), note);
        return note;
    }

    private ObjectNode addActivity(JsonNode request, Instant now) {
        if (!request.hasNonNull("owner_id") || !request.hasNonNull("subject")) {
            throw new BadRequest(400, "Validation failed: subject and owner_id are required");
        }
        Long deal = request.hasNonNull("deal_id") ? request.get("deal_id").asLong() : null;
        ObjectNode activity = addActivity(nextActivityId, request.path("type").asString("task"), request.get("owner_id").asLong(),
                deal, now, request.hasNonNull("due_date") ? LocalDate.parse(request.get("due_date").asString()) : null,
                request.hasNonNull("due_time") ? request.get("due_time").asString() : null, null,
                request.hasNonNull("note") ? request.get("note").asString() : null);
        activity.put("subject", request.get("subject").asString());
        return activity;
    }

    // --- the catalog ---

    static List<ObjectNode> users() {
        List<ObjectNode> users = new ArrayList<>();
        users.add(user(1, "Anna Seller", "anna@acme.example", true));
        users.add(user(2, "Boris Closer", "boris@acme.example", true));
        users.add(user(3, "Carl Former", "carl@acme.example", false));
        return users;
    }

    private static ObjectNode user(long id, String name, String email, boolean active) {
        ObjectNode user = JSON.createObjectNode();
        user.put("id", id);
        user.put("name", name);
        user.put("default_currency", "EUR");
        user.put("locale", "en_US");
        user.put("lang", 1);
        user.put("email", email);
        user.put("activated", active);
        user.put("last_login", "2026-11-01 08:00:00");
        user.put("created", "2024-01-10 12:00:00");
        user.put("modified", "2026-11-01 08:00:00");
        user.put("active_flag", active);
        user.put("timezone_name", "Europe/Berlin");
        user.put("is_admin", id == 1 ? 1 : 0);
        user.put("role_id", 1);
        user.put("is_you", id == 1);
        user.put("company_name", "Acme GmbH");
        user.put("company_domain", "acme");
        return user;
    }

    static List<ObjectNode> pipelines() {
        return List.of(pipeline(1, "Sales", 1), pipeline(2, "Enterprise", 2));
    }

    private static ObjectNode pipeline(long id, String name, int order) {
        ObjectNode pipeline = JSON.createObjectNode();
        pipeline.put("id", id);
        pipeline.put("name", name);
        pipeline.put("order_nr", order);
        pipeline.put("is_deleted", false);
        pipeline.put("is_deal_probability_enabled", true);
        pipeline.put("add_time", "2024-01-10T12:00:00Z");
        pipeline.put("update_time", "2024-01-10T12:00:00Z");
        pipeline.put("is_selected", id == 1);
        return pipeline;
    }

    static List<ObjectNode> stages() {
        return List.of(stage(1, 1, "Qualified", 1, 10), stage(2, 1, "Proposal made", 2, 50), stage(3, 1, "Negotiations", 3, 80),
                stage(4, 2, "Lead in", 1, 20), stage(5, 2, "Contract sent", 2, 90));
    }

    private static ObjectNode stage(long id, long pipeline, String name, int order, int probability) {
        ObjectNode stage = JSON.createObjectNode();
        stage.put("id", id);
        stage.put("order_nr", order);
        stage.put("name", name);
        stage.put("is_deleted", false);
        stage.put("deal_probability", probability);
        stage.put("pipeline_id", pipeline);
        stage.put("is_deal_rot_enabled", false);
        stage.putNull("days_to_rotten");
        stage.put("add_time", "2024-01-10T12:00:00Z");
        stage.put("update_time", "2024-01-10T12:00:00Z");
        return stage;
    }

    static List<ObjectNode> dealFields() {
        List<ObjectNode> fields = new ArrayList<>();
        fields.add(field(12453, "title", "Title", "varchar", false));
        fields.add(field(12454, "value", "Value", "monetary", false));
        ObjectNode channel = field(12470, "channel", "Source channel", "enum", false);
        ArrayNode channels = channel.putArray("options");
        channels.addObject().put("id", 1).put("label", "Partner");
        channels.addObject().put("id", 2).put("label", "Web");
        fields.add(channel);
        ObjectNode region = field(12501, REGION_KEY, "Region", "enum", true);
        ArrayNode options = region.putArray("options");
        options.addObject().put("id", Long.parseLong(EMEA)).put("label", "EMEA");
        options.addObject().put("id", Long.parseLong(APAC)).put("label", "APAC");
        fields.add(region);
        fields.add(field(12502, SEGMENT_KEY, "Segment", "varchar", true));
        return fields;
    }

    private static ObjectNode field(long id, String key, String name, String type, boolean custom) {
        ObjectNode field = JSON.createObjectNode();
        field.put("id", id);
        field.put("key", key);
        field.put("name", name);
        field.put("order_nr", id % 100);
        field.put("field_type", type);
        field.put("add_time", "2024-01-10 12:00:00");
        field.put("update_time", "2024-01-10 12:00:00");
        field.put("active_flag", true);
        field.put("edit_flag", custom);
        field.put("bulk_edit_allowed", true);
        field.put("mandatory_flag", false);
        return field;
    }

    // --- generated data ---

    /**
     * Deal {@code id} as the fakes generate it: won, open, lost in turn, in both pipelines and three
     * currencies; every fourth never moved from its first stage; the others moved (a flow entry and a
     * {@code stage_change_time}); with one activity.
     */
    void seed(long id, Instant base) {
        String status = switch ((int) (id % 3)) {
            case 0 -> "won";
            case 2 -> "lost";
            default -> "open";
        };
        boolean enterprise = id % 5 == 4;
        long pipeline = enterprise ? 2 : 1;
        long firstStage = enterprise ? 4 : 1;
        long stage = id % 4 == 0 ? firstStage : enterprise ? 5 : 2 + id % 2;
        Instant added = base.minus(Duration.ofDays(30)).plus(Duration.ofMinutes(id % 10_000));
        Instant moved = stage == firstStage ? null : added.plus(Duration.ofDays(2));
        Instant closed = status.equals("open") ? null : added.plus(Duration.ofDays(10)).plusSeconds(id % 3600);
        Instant updated = base.minusSeconds(id % 60);
        addDeal(id, "Deal " + id, id % 2 == 0 ? 1 : 2, pipeline, stage, status,
                new BigDecimal("1000.50").add(BigDecimal.valueOf(id)), CURRENCIES[(int) (id % CURRENCIES.length)], added,
                updated, moved, closed, LocalDate.ofInstant(added.plus(Duration.ofDays(20)), ZoneOffset.UTC),
                id % 2 == 0 ? EMEA : APAC, id % 3 == 0 ? "Enterprise" : "SMB");
        addFlowChange(id, "value", "1000", "1000.5", added.plusSeconds(60));
        if (moved != null) {
            addFlowChange(id, "stage_id", String.valueOf(firstStage), String.valueOf(stage), moved);
        }
        String type = ACTIVITY_TYPES[(int) (id % ACTIVITY_TYPES.length)];
        addActivity(id, type, id % 2 == 0 ? 1 : 2, id, added.plusSeconds(3600),
                LocalDate.ofInstant(added.plus(Duration.ofDays(3)), ZoneOffset.UTC), id % 2 == 0 ? "14:30" : null,
                id % 2 == 0 ? added.plus(Duration.ofDays(1)) : null, null).put("update_time", time(updated));
    }
}
