package io.planpilot.connector.amocrm;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An in-memory amoCRM account answering API v4 requests in the shapes of amoCRM's documentation
 * (amocrm.ru/developers, the amocrm/amocrm-api-php library): HAL lists ({@code _page}, {@code _links.self},
 * {@code _links.next} while more follow, {@code _embedded.<entities>}), HTTP 204 without a body for an
 * empty list, ids as JSON numbers, times as unix seconds, errors as {@code application/problem+json}
 * ({@code title}, {@code type}, {@code status}, {@code detail}, {@code validation-errors} for writes). Both the
 * WireMock fake of the contract tests and the load test's own HTTP server serve it. Not thread-safe by
 * itself: callers synchronize on it.
 */
final class AmoCrmAccount {

    static final long ACCOUNT_ID = 29085955;
    static final String SUBDOMAIN = "acme";
    static final String TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.long-lived.test-token";
    static final String WEBHOOK_SECRET = "wh7Secret0path4amo";
    static final long SALES = 7001;
    static final long ENTERPRISE = 7002;
    static final long REGION_FIELD = 555001;
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** An answer: the HTTP status and the JSON body, null for none (a 204). */
    record Answer(int status, String body) {
        static Answer noContent() {
            return new Answer(204, null);
        }
    }

    static final class Lead {
        long id;
        String name;
        BigDecimal price;
        long responsible;
        long status;
        long pipeline;
        long createdAt;
        long updatedAt;
        Long closedAt;
        String region;
    }

    record Event(String id, String type, long leadId, long createdAt, long status, long pipeline, long oldStatus) {
    }

    static final class Note {
        long id;
        long leadId;
        String type;
        long createdBy;
        long createdAt;
        long updatedAt;
        String text;
    }

    static final class Task {
        long id;
        String text;
        long responsible;
        Long leadId;
        boolean completed;
        long typeId;
        long completeTill;
        long createdAt;
        long updatedAt;
    }

    final NavigableMap<Long, Lead> leads = new TreeMap<>();
    final List<Event> events = new ArrayList<>();
    final NavigableMap<Long, Note> notes = new TreeMap<>();
    final NavigableMap<Long, Task> tasks = new TreeMap<>();
    private long nextEvent = 1;
    private long nextNote = 900_001;
    private long nextTask = 500_001;

    void clear() {
        leads.clear();
        events.clear();
        notes.clear();
        tasks.clear();
        nextEvent = 1;
        nextNote = 900_001;
        nextTask = 500_001;
    }

    // --- seeding ---

    /**
     * Lead {@code id} as the fakes seed it: a third won, a third lost, a third open, in both pipelines,
     * updated at {@code base} less up to a minute; with its status events, a task, and every second one
     * a call note.
     */
    void seedLead(long id, Instant base) {
        Lead lead = new Lead();
        lead.id = id;
        lead.name = "Lead " + id;
        lead.price = BigDecimal.valueOf(1000 + id);
        lead.responsible = id % 2 == 0 ? 6001 : 6002;
        lead.pipeline = id % 4 == 3 ? ENTERPRISE : SALES;
        long first = lead.pipeline == SALES ? 10001 : 20001;
        long open = lead.pipeline == SALES ? 10002 : 20002;
        lead.status = switch ((int) (id % 3)) {
            case 0 -> AmoCrmMapper.WON;
            case 2 -> AmoCrmMapper.LOST;
            default -> id % 2 == 0 ? first : open;
        };
        lead.createdAt = base.minus(Duration.ofDays(30)).getEpochSecond() + id % 10_000;
        lead.updatedAt = base.getEpochSecond() - id % 60;
        lead.closedAt = lead.status == AmoCrmMapper.WON || lead.status == AmoCrmMapper.LOST
                ? lead.createdAt + Duration.ofDays(10).toSeconds() + id % 3600 : null;
        lead.region = id % 2 == 0 ? "North" : "South";
        leads.put(id, lead);
        if (lead.status != first) {
            long enteredAt = lead.closedAt != null ? lead.closedAt : lead.createdAt + Duration.ofDays(2).toSeconds();
            addEvent(lead.id, enteredAt, lead.status, lead.pipeline, first);
        }
        Task task = new Task();
        task.id = nextTask++;
        task.text = "Follow up on lead " + id;
        task.responsible = lead.responsible;
        task.leadId = id;
        task.typeId = id % 3 + 1;
        task.completed = id % 2 == 0;
        task.createdAt = lead.createdAt + 3600;
        task.completeTill = lead.createdAt + Duration.ofDays(3).toSeconds();
        task.updatedAt = lead.createdAt + Duration.ofDays(1).toSeconds();
        tasks.put(task.id, task);
        if (id % 2 == 0) {
            Note note = new Note();
            note.id = nextNote++;
            note.leadId = id;
            note.type = id % 4 == 0 ? "call_in" : "call_out";
            note.createdBy = lead.responsible;
            note.createdAt = lead.createdAt + 7200;
            note.updatedAt = note.createdAt;
            notes.put(note.id, note);
        }
    }

    void addEvent(long leadId, long at, long status, long pipeline, long oldStatus) {
        events.add(new Event(String.format("01pz58t6p04tw1ym6c9f%06d", nextEvent++), "lead_status_changed", leadId, at,
                status, pipeline, oldStatus));
    }

    void deleteLead(long id) {
        leads.remove(id);
        events.add(new Event(String.format("01pz58t6p04tw1ym6c9f%06d", nextEvent++), "lead_deleted", id,
                Instant.now().getEpochSecond(), 0, 0, 0));
    }

    // --- the API ---

    /** Answers {@code method path?query} with {@code body}; {@code authorization} is the request's header. */
    Answer handle(String method, String path, Map<String, List<String>> query, String body, String authorization) {
        if (!("Bearer " + TOKEN).equals(authorization)) {
            return problem(401, "Unauthorized", "Invalid access token");
        }
        Matcher leadNotes = Pattern.compile("^/api/v4/leads/(\\d+)/notes$").matcher(path);
        String route = method + " " + (leadNotes.matches() ? "/api/v4/leads/{id}/notes" : path);
        return switch (route) {
            case "GET /api/v4/account" -> ok(account());
            case "GET /api/v4/leads/pipelines" -> ok(pipelines());
            case "GET /api/v4/users" -> users(query);
            case "GET /api/v4/leads" -> leads(query, path);
            case "GET /api/v4/events" -> events(query, path);
            case "GET /api/v4/leads/notes" -> notes(query, path, null);
            case "GET /api/v4/leads/{id}/notes" -> notes(query, path, Long.parseLong(leadNotes.group(1)));
            case "GET /api/v4/tasks" -> tasks(query, path);
            case "GET /api/v4/leads/custom_fields" -> customFields();
            case "POST /api/v4/tasks" -> addTasks(body);
            case "POST /api/v4/leads/notes" -> addNotes(body);
            default -> problem(404, "Not Found", "Unknown method " + route);
        };
    }

    ObjectNode account() {
        ObjectNode account = JSON.createObjectNode();
        account.put("id", ACCOUNT_ID);
        account.put("name", "Acme");
        account.put("subdomain", SUBDOMAIN);
        account.put("created_at", 1585840134L);
        account.put("created_by", 0);
        account.put("updated_at", 1589472711L);
        account.put("updated_by", 0);
        account.put("current_user_id", 6001);
        account.put("country", "RU");
        account.put("customers_mode", "disabled");
        account.put("is_unsorted_on", true);
        account.put("is_loss_reason_enabled", true);
        account.put("is_helpbot_enabled", false);
        account.put("is_technical_account", false);
        account.put("contact_name_display_order", 1);
        account.put("amojo_id", "f3c6340f-b4a6-4c8b-9c6b-b3b8e2b5d4b9");
        account.put("version", 11);
        account.put("currency", "RUB");
        account.put("currency_symbol", "₽");
        account.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/account");
        return account;
    }

    private ObjectNode pipelines() {
        ObjectNode root = JSON.createObjectNode();
        root.put("_total_items", 2);
        root.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/leads/pipelines");
        ArrayNode list = root.putObject("_embedded").putArray("pipelines");
        list.add(pipeline(SALES, "Sales", 1, true, new long[]{10001, 10002, 10003}, new String[]{"Неразобранное", "Первичный контакт", "Переговоры"}));
        list.add(pipeline(ENTERPRISE, "Enterprise", 2, false, new long[]{20001, 20002}, new String[]{"Неразобранное", "Тендер"}));
        return root;
    }

    private static ObjectNode pipeline(long id, String name, int sort, boolean main, long[] statuses, String[] names) {
        ObjectNode pipeline = JSON.createObjectNode();
        pipeline.put("id", id);
        pipeline.put("name", name);
        pipeline.put("sort", sort);
        pipeline.put("is_main", main);
        pipeline.put("is_unsorted_on", true);
        pipeline.put("is_archive", false);
        pipeline.put("account_id", ACCOUNT_ID);
        pipeline.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/leads/pipelines/" + id);
        ArrayNode list = pipeline.putObject("_embedded").putArray("statuses");
        for (int i = 0; i < statuses.length; i++) {
            list.add(status(statuses[i], names[i], (i + 1) * 10, id, i == 0 ? 1 : 0));
        }
        list.add(status(AmoCrmMapper.WON, "Успешно реализовано", 10000, id, 0));
        list.add(status(AmoCrmMapper.LOST, "Закрыто и не реализовано", 11000, id, 0));
        return pipeline;
    }

    private static ObjectNode status(long id, String name, int sort, long pipeline, int type) {
        ObjectNode status = JSON.createObjectNode();
        status.put("id", id);
        status.put("name", name);
        status.put("sort", sort);
        status.put("is_editable", id != AmoCrmMapper.WON && id != AmoCrmMapper.LOST);
        status.put("pipeline_id", pipeline);
        status.put("color", "#fffeb2");
        status.put("type", type);
        status.put("account_id", ACCOUNT_ID);
        return status;
    }

    private Answer users(Map<String, List<String>> query) {
        List<ObjectNode> users = new ArrayList<>();
        users.add(user(6001, "Анна Смирнова", "anna@acme.example", true));
        users.add(user(6002, "Boris Ivanov", "boris@acme.example", true));
        users.add(user(6003, "Former Rep", "former@acme.example", false));
        return list("/api/v4/users", "users", users, query, 250);
    }

    private static ObjectNode user(long id, String name, String email, boolean active) {
        ObjectNode user = JSON.createObjectNode();
        user.put("id", id);
        user.put("name", name);
        user.put("email", email);
        user.put("lang", "ru");
        ObjectNode rights = user.putObject("rights");
        rights.put("is_admin", id == 6001);
        rights.put("is_free", false);
        rights.put("is_active", active);
        rights.putNull("group_id");
        rights.putNull("role_id");
        return user;
    }

    private Answer leads(Map<String, List<String>> query, String path) {
        Answer invalid = limit(query, 250);
        if (invalid != null) {
            return invalid;
        }
        Stream<Lead> stream = leads.values().stream()
                .filter(range(query, "updated_at", l -> l.updatedAt))
                .filter(range(query, "created_at", l -> l.createdAt));
        List<Long> ids = longs(query, "filter[id][]");
        if (!ids.isEmpty()) {
            stream = stream.filter(l -> ids.contains(l.id));
        }
        Comparator<Lead> order = Comparator.comparingLong(l -> l.id);
        String direction = "asc";
        for (String field : List.of("updated_at", "created_at", "id")) {
            String value = first(query, "order[" + field + "]");
            if (value != null) {
                direction = value;
                Comparator<Lead> by = switch (field) {
                    case "updated_at" -> Comparator.comparingLong(l -> l.updatedAt);
                    case "created_at" -> Comparator.comparingLong(l -> l.createdAt);
                    default -> Comparator.comparingLong(l -> l.id);
                };
                order = by.thenComparingLong(l -> l.id);
                break;
            }
        }
        List<Lead> sorted = stream.sorted(direction.equals("desc") ? order.reversed() : order).toList();
        return list(path, "leads", sorted.stream().map(this::lead).toList(), query, 50);
    }

    ObjectNode lead(Lead lead) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", lead.id);
        node.put("name", lead.name);
        node.put("price", lead.price);
        node.put("responsible_user_id", lead.responsible);
        node.put("group_id", 0);
        node.put("status_id", lead.status);
        node.put("pipeline_id", lead.pipeline);
        node.putNull("loss_reason_id");
        node.put("created_by", lead.responsible);
        node.put("updated_by", lead.responsible);
        node.put("created_at", lead.createdAt);
        node.put("updated_at", lead.updatedAt);
        if (lead.closedAt == null) {
            node.putNull("closed_at");
        } else {
            node.put("closed_at", lead.closedAt);
        }
        node.putNull("closest_task_at");
        node.put("is_deleted", false);
        if (lead.region == null) {
            node.putNull("custom_fields_values");
        } else {
            ObjectNode field = node.putArray("custom_fields_values").addObject();
            field.put("field_id", REGION_FIELD);
            field.put("field_name", "Регион");
            field.putNull("field_code");
            field.put("field_type", "select");
            ObjectNode value = field.putArray("values").addObject();
            value.put("value", lead.region);
            value.put("enum_id", lead.region.equals("North") ? 1001 : 1002);
        }
        node.putNull("score");
        node.put("account_id", ACCOUNT_ID);
        node.putNull("labor_cost");
        node.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/leads/" + lead.id);
        ObjectNode embedded = node.putObject("_embedded");
        embedded.putArray("tags");
        embedded.putArray("companies");
        return node;
    }

    private Answer events(Map<String, List<String>> query, String path) {
        Answer invalid = limit(query, 100);
        if (invalid != null) {
            return invalid;
        }
        String types = first(query, "filter[type]");
        List<String> wanted = types == null ? List.of() : List.of(types.split(","));
        List<Long> ids = longs(query, "filter[entity_id][]");
        List<ObjectNode> nodes = events.stream()
                .filter(e -> wanted.isEmpty() || wanted.contains(e.type()))
                .filter(e -> ids.isEmpty() || ids.contains(e.leadId()))
                .filter(range(query, "created_at", Event::createdAt))
                .sorted(Comparator.comparingLong(Event::createdAt).thenComparing(Event::id).reversed())
                .map(this::event).toList();
        return list(path, "events", nodes, query, 100);
    }

    private ObjectNode event(Event event) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", event.id());
        node.put("type", event.type());
        node.put("entity_id", event.leadId());
        node.put("entity_type", "lead");
        node.put("created_by", 6001);
        node.put("created_at", event.createdAt());
        if (event.type().equals("lead_status_changed")) {
            ObjectNode after = node.putArray("value_after").addObject().putObject("lead_status");
            after.put("id", event.status());
            after.put("pipeline_id", event.pipeline());
            ObjectNode before = node.putArray("value_before").addObject().putObject("lead_status");
            before.put("id", event.oldStatus());
            before.put("pipeline_id", event.pipeline());
        } else {
            node.putArray("value_after");
            node.putArray("value_before");
        }
        node.put("account_id", ACCOUNT_ID);
        node.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/events/" + event.id());
        return node;
    }

    private Answer notes(Map<String, List<String>> query, String path, Long leadId) {
        Answer invalid = limit(query, 250);
        if (invalid != null) {
            return invalid;
        }
        List<String> types = new ArrayList<>(query.getOrDefault("filter[note_type][]", List.of()));
        types.addAll(query.getOrDefault("filter[note_type]", List.of()));
        List<Long> ids = longs(query, "filter[id][]");
        List<Note> selected = notes.values().stream()
                .filter(n -> leadId == null || n.leadId == leadId)
                .filter(n -> types.isEmpty() || types.contains(n.type))
                .filter(n -> ids.isEmpty() || ids.contains(n.id))
                .filter(range(query, "updated_at", n -> n.updatedAt)).toList();
        if ("desc".equals(first(query, "order[id]"))) {
            selected = new ArrayList<>(selected);
            java.util.Collections.reverse(selected);
        }
        return list(path, "notes", selected.stream().map(this::note).toList(), query, 50);
    }

    private ObjectNode note(Note note) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", note.id);
        node.put("entity_id", note.leadId);
        node.put("created_by", note.createdBy);
        node.put("updated_by", note.createdBy);
        node.put("created_at", note.createdAt);
        node.put("updated_at", note.updatedAt);
        node.put("responsible_user_id", note.createdBy);
        node.put("group_id", 0);
        node.put("note_type", note.type);
        ObjectNode params = node.putObject("params");
        if (note.type.equals("common")) {
            params.put("text", note.text);
        } else {
            params.put("uniq", "8f52d38a-5fb3-406d-93a3-a4832dc28f8b");
            params.put("duration", 60);
            params.put("source", "onlinePBX");
            params.put("link", "https://example.com/call.mp3");
            params.put("phone", "+79999999999");
        }
        node.put("account_id", ACCOUNT_ID);
        node.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/leads/"
                + note.leadId + "/notes/" + note.id);
        return node;
    }

    private Answer tasks(Map<String, List<String>> query, String path) {
        Answer invalid = limit(query, 250);
        if (invalid != null) {
            return invalid;
        }
        String responsible = first(query, "filter[responsible_user_id]");
        String entityType = first(query, "filter[entity_type]");
        List<Long> entityIds = longs(query, "filter[entity_id][]");
        List<Long> ids = longs(query, "filter[id][]");
        List<Task> selected = tasks.values().stream()
                .filter(t -> responsible == null || String.valueOf(t.responsible).equals(responsible))
                .filter(t -> entityType == null || (entityType.equals("leads") && t.leadId != null))
                .filter(t -> entityIds.isEmpty() || (t.leadId != null && entityIds.contains(t.leadId)))
                .filter(t -> ids.isEmpty() || ids.contains(t.id))
                .filter(range(query, "updated_at", t -> t.updatedAt)).toList();
        if ("desc".equals(first(query, "order[id]"))) {
            selected = new ArrayList<>(selected);
            java.util.Collections.reverse(selected);
        }
        return list(path, "tasks", selected.stream().map(this::task).toList(), query, 50);
    }

    private ObjectNode task(Task task) {
        ObjectNode node = JSON.createObjectNode();
        node.put("id", task.id);
        node.put("created_by", task.responsible);
        node.put("updated_by", task.responsible);
        node.put("created_at", task.createdAt);
        node.put("updated_at", task.updatedAt);
        node.put("responsible_user_id", task.responsible);
        node.put("group_id", 0);
        if (task.leadId == null) {
            node.putNull("entity_id");
            node.putNull("entity_type");
        } else {
            node.put("entity_id", task.leadId);
            node.put("entity_type", "leads");
        }
        node.put("duration", 0);
        node.put("is_completed", task.completed);
        node.put("task_type_id", task.typeId);
        node.put("text", task.text);
        node.putNull("result");
        node.put("complete_till", task.completeTill);
        node.put("account_id", ACCOUNT_ID);
        node.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/tasks/" + task.id);
        return node;
    }

    private Answer customFields() {
        ObjectNode field = JSON.createObjectNode();
        field.put("id", REGION_FIELD);
        field.put("name", "Регион");
        field.put("type", "select");
        field.putNull("code");
        field.put("sort", 500);
        field.put("entity_type", "leads");
        return list("/api/v4/leads/custom_fields", "custom_fields", List.of(field), Map.of(), 50);
    }

    // --- writes ---

    private Answer addTasks(String body) {
        JsonNode list = JSON.readTree(body);
        if (!list.isArray() || list.isEmpty()) {
            return validation("", "NotSupportedChoice", "The body must be a list of tasks");
        }
        ArrayNode created = JSON.createArrayNode();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            if (!item.path("complete_till").isIntegralNumber()) {
                return validation(i + ".complete_till", "NotBlank", "This value should not be blank.");
            }
            if (!item.path("text").isString() || item.path("text").asString().isBlank()) {
                return validation(i + ".text", "NotBlank", "This value should not be blank.");
            }
            Long lead = item.hasNonNull("entity_id") ? item.get("entity_id").asLong() : null;
            if (lead != null && (!"leads".equals(item.path("entity_type").asString(null)) || !leads.containsKey(lead))) {
                return validation(i + ".entity_id", "NotFound", "Entity not found");
            }
            Task task = new Task();
            task.id = nextTask++;
            task.text = item.get("text").asString();
            task.responsible = item.path("responsible_user_id").asLong(6001);
            task.leadId = lead;
            task.typeId = item.path("task_type_id").asLong(1);
            task.completeTill = item.get("complete_till").asLong();
            task.createdAt = Instant.now().getEpochSecond();
            task.updatedAt = task.createdAt;
            tasks.put(task.id, task);
            ObjectNode answer = created.addObject();
            answer.put("id", task.id);
            answer.put("request_id", String.valueOf(i));
            answer.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/tasks/" + task.id);
        }
        return created("tasks", created);
    }

    private Answer addNotes(String body) {
        JsonNode list = JSON.readTree(body);
        if (!list.isArray() || list.isEmpty()) {
            return validation("", "NotSupportedChoice", "The body must be a list of notes");
        }
        ArrayNode created = JSON.createArrayNode();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            long lead = item.path("entity_id").asLong(0);
            if (!leads.containsKey(lead)) {
                return validation(i + ".entity_id", "NotFound", "Entity not found");
            }
            if (!"common".equals(item.path("note_type").asString(""))) {
                return validation(i + ".note_type", "NotSupportedChoice", "The value you selected is not a valid choice.");
            }
            Note note = new Note();
            note.id = nextNote++;
            note.leadId = lead;
            note.type = "common";
            note.createdBy = 6001;
            note.createdAt = Instant.now().getEpochSecond();
            note.updatedAt = note.createdAt;
            note.text = item.path("params").path("text").asString("");
            notes.put(note.id, note);
            ObjectNode answer = created.addObject();
            answer.put("id", note.id);
            answer.put("entity_id", lead);
            answer.put("request_id", String.valueOf(i));
            answer.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/leads/"
                    + lead + "/notes/" + note.id);
        }
        return created("notes", created);
    }

    private static Answer created(String entities, ArrayNode items) {
        ObjectNode root = JSON.createObjectNode();
        root.putObject("_links").putObject("self").put("href", "https://" + SUBDOMAIN + ".amocrm.ru/api/v4/" + entities);
        root.putObject("_embedded").set(entities, items);
        return new Answer(200, root.toString());
    }

    // --- helpers ---

    /** One page of {@code items}: {@code page} (from 1) of {@code limit} (default {@code defaultLimit}); 204 when empty. */
    private static Answer list(String path, String entities, List<ObjectNode> items, Map<String, List<String>> query, int defaultLimit) {
        int limit = integer(query, "limit", defaultLimit);
        int page = Math.max(1, integer(query, "page", 1));
        int from = (page - 1) * limit;
        if (from >= items.size()) {
            return Answer.noContent();
        }
        List<ObjectNode> slice = items.subList(from, Math.min(items.size(), from + limit));
        ObjectNode root = JSON.createObjectNode();
        root.put("_page", page);
        ObjectNode links = root.putObject("_links");
        String base = "https://" + SUBDOMAIN + ".amocrm.ru" + path;
        links.putObject("self").put("href", base + "?page=" + page + "&limit=" + limit);
        if (from + limit < items.size()) {
            links.putObject("next").put("href", base + "?page=" + (page + 1) + "&limit=" + limit);
        }
        ArrayNode list = root.putObject("_embedded").putArray(entities);
        slice.forEach(list::add);
        return new Answer(200, root.toString());
    }

    private static Answer limit(Map<String, List<String>> query, int max) {
        int limit = integer(query, "limit", 50);
        if (limit > max) {
            return validation("limit", "LessThanOrEqual", "This value should be less than or equal to " + max + ".");
        }
        return null;
    }

    private static <T> Predicate<T> range(Map<String, List<String>> query, String field, java.util.function.ToLongFunction<T> value) {
        String from = first(query, "filter[" + field + "][from]");
        String to = first(query, "filter[" + field + "][to]");
        return item -> (from == null || value.applyAsLong(item) >= Long.parseLong(from))
                && (to == null || value.applyAsLong(item) <= Long.parseLong(to));
    }

    private static List<Long> longs(Map<String, List<String>> query, String key) {
        return query.getOrDefault(key, List.of()).stream().map(Long::parseLong).toList();
    }

    static String first(Map<String, List<String>> query, String key) {
        List<String> values = query.get(key);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int integer(Map<String, List<String>> query, String key, int fallback) {
        String value = first(query, key);
        return value == null ? fallback : Integer.parseInt(value);
    }

    static Answer ok(JsonNode body) {
        return new Answer(200, body.toString());
    }

    static Answer problem(int status, String title, String detail) {
        ObjectNode body = JSON.createObjectNode();
        body.put("title", title);
        body.put("type", "https://httpstatus.es/" + status);
        body.put("status", status);
        body.put("detail", detail);
        return new Answer(status, body.toString());
    }

    static Answer validation(String path, String code, String detail) {
        ObjectNode body = JSON.createObjectNode();
        body.put("title", "Bad Request");
        body.put("type", "https://httpstatus.es/400");
        body.put("status", 400);
        body.put("detail", "Request validation failed");
        ObjectNode request = body.putArray("validation-errors").addObject();
        request.put("request_id", "0");
        ObjectNode error = request.putArray("errors").addObject();
        error.put("code", code);
        error.put("path", path);
        error.put("detail", detail);
        return new Answer(400, body.toString());
    }

    /** {@code a=1&filter%5Bid%5D%5B%5D=2&filter[id][]=3} to {@code {a=[1], filter[id][]=[2, 3]}}. */
    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return query;
    }
}
