package io.planpilot.connector.bitrix24;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-memory Bitrix24 portal answering REST calls in the shapes of Bitrix24's documentation
 * (github.com/bitrix24/b24restdocs): ids and amounts as JSON strings, dates ISO-8601 with an offset,
 * flags {@code "Y"}/{@code "N"}, list answers {@code {"result": [...], "next": 50, "total": 123, "time": {...}}},
 * the fast path ({@code start: -1}: no count, no {@code next}), {@code batch} with {@code cmd},
 * {@code halt} and {@code $result[cmd][path]} references resolved as the vendor does (a missing key
 * stops the walk at the last value found). Both the WireMock fake of the contract tests and the
 * load test's own HTTP server serve it. Not thread-safe by itself: callers synchronize on it.
 */
final class Bitrix24Portal {

    static final String USER = "1";
    static final String SECRET = "pp7test0secret4webhook";
    static final String APPLICATION_TOKEN = "51856fefc120afa4b628cc82d3935cce";
    static final String DOMAIN = "acme.bitrix24.com";
    static final String MEMBER_ID = "a223c6b3710f85df22e9377d6c4f7553";
    static final int PAGE = 50;

    static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final Pattern REFERENCE = Pattern.compile("^\\$result((?:\\[[^\\]]*\\])+)$");
    private static final Pattern SEGMENT = Pattern.compile("\\[([^\\]]*)\\]");
    private static final Set<String> DATE_FIELDS = Set.of("DATE_CREATE", "DATE_MODIFY", "MOVED_TIME", "CLOSEDATE",
            "CREATED", "LAST_UPDATED", "DEADLINE", "END_TIME", "START_TIME", "CREATED_TIME");

    /** An error answer: HTTP status, {@code error} (possibly empty) and {@code error_description}. */
    static final class PortalError extends RuntimeException {
        final int status;
        final String code;

        PortalError(int status, String code, String description) {
            super(description);
            this.status = status;
            this.code = code;
        }

        ObjectNode body() {
            ObjectNode body = NODES.objectNode();
            body.put("error", code);
            body.put("error_description", getMessage());
            return body;
        }
    }

    /** A record: its numeric id, the offset its dates are written in, and its fields (String, Long, Instant, BigDecimal, Boolean, List). */
    static final class Rec {
        final long id;
        final ZoneOffset zone;
        final LinkedHashMap<String, Object> fields = new LinkedHashMap<>();

        Rec(long id, ZoneOffset zone) {
            this.id = id;
            this.zone = zone;
        }

        Rec put(String field, Object value) {
            fields.put(field, value);
            return this;
        }

        Object get(String field) {
            return fields.get(field);
        }

        String text(String field) {
            Object value = fields.get(field);
            return value == null ? null : value.toString();
        }

        Instant instant(String field) {
            return (Instant) fields.get(field);
        }
    }

    // --- the portal ---

    final List<Rec> users = new ArrayList<>();
    final List<ObjectNode> categories = new ArrayList<>();
    final Map<String, List<Rec>> statuses = new LinkedHashMap<>();
    final List<ObjectNode> currencies = new ArrayList<>();
    final List<ObjectNode> userFields = new ArrayList<>();
    final TreeMap<Long, Rec> deals = new TreeMap<>();
    final TreeMap<Long, Rec> history = new TreeMap<>();
    final TreeMap<Long, Rec> activities = new TreeMap<>();
    final Map<Long, List<Rec>> productRows = new java.util.HashMap<>();
    final TreeMap<Long, Rec> tasks = new TreeMap<>();
    final TreeMap<Long, Rec> comments = new TreeMap<>();
    final TreeMap<Long, Rec> notifications = new TreeMap<>();
    final List<String> scopes = new ArrayList<>(List.of("crm", "task", "im", "user", "department"));
    /** Whether {@code crm.deal.userfield.list} answers (it needs a CRM administrator). */
    boolean userFieldsAllowed = true;
    long nextHistoryId = 1;
    long nextActivityId = 1;
    long nextTaskId = 1;
    long nextCommentId = 1;
    long nextNotificationId = 1;
    long nextProductRowId = 1;

    /** The catalog every test starts from: three users, two pipelines with their stages, four currencies, a region field. */
    Bitrix24Portal() {
        users.add(user(1, "Anna", "Petrova", "anna@acme.test", true));
        users.add(user(2, "Boris", "Ivanov", "boris@acme.test", true));
        users.add(user(3, "Vera", "Sidorova", "vera@acme.test", false));
        categories.add(category(0, "General", 300, "Y"));
        categories.add(category(1, "Enterprise", 200, "N"));
        statuses.put("DEAL_STAGE", new ArrayList<>(List.of(
                status(101, "DEAL_STAGE", "NEW", "New", 10, null, null),
                status(103, "DEAL_STAGE", "PREPARATION", "Document preparation", 20, null, null),
                status(111, "DEAL_STAGE", "WON", "Deal successful", 60, null, "S"),
                status(113, "DEAL_STAGE", "LOSE", "Deal failed", 70, null, "F"),
                status(115, "DEAL_STAGE", "APOLOGY", "Failure reason analysis", 80, null, "F"))));
        statuses.put("DEAL_STAGE_1", new ArrayList<>(List.of(
                status(201, "DEAL_STAGE_1", "C1:NEW", "Qualification", 10, "1", null),
                status(203, "DEAL_STAGE_1", "C1:EXECUTING", "Proposal", 40, "1", ""),
                status(211, "DEAL_STAGE_1", "C1:WON", "Contract signed", 60, "1", "S"),
                status(213, "DEAL_STAGE_1", "C1:LOSE", "Lost", 70, "1", "F"))));
        statuses.put("SOURCE", new ArrayList<>(List.of(
                status(301, "SOURCE", "CALL", "Call", 10, null, null),
                status(303, "SOURCE", "WEB", "Website", 20, null, null))));
        currencies.add(currency("RUB", "1", "1.0000", "Y", 100));
        currencies.add(currency("USD", "1", "90.0000", "N", 200));
        currencies.add(currency("EUR", "1", "100.0000", "N", 300));
        currencies.add(currency("KZT", "100", "18.0000", "N", 400));
        ObjectNode region = NODES.objectNode();
        region.put("ID", "5815").put("ENTITY_ID", "CRM_DEAL").put("FIELD_NAME", "UF_CRM_REGION")
                .put("USER_TYPE_ID", "enumeration").putNull("XML_ID").put("SORT", "100").put("MULTIPLE", "N")
                .put("MANDATORY", "N").put("EDIT_FORM_LABEL", "Region").put("LIST_COLUMN_LABEL", "Region");
        ArrayNode items = region.putArray("LIST");
        items.addObject().put("ID", "3157").put("SORT", "10").put("VALUE", "North").put("DEF", "N").put("XML_ID", "north");
        items.addObject().put("ID", "3159").put("SORT", "20").put("VALUE", "South").put("DEF", "N").put("XML_ID", "south");
        userFields.add(region);
    }

    /** Forgets deals, history, activities, rows, tasks, comments and notifications; keeps the catalog. */
    void clearRecords() {
        deals.clear();
        history.clear();
        activities.clear();
        productRows.clear();
        tasks.clear();
        comments.clear();
        notifications.clear();
        nextHistoryId = 1;
        nextActivityId = 1;
        nextTaskId = 1;
        nextCommentId = 1;
        nextNotificationId = 1;
        nextProductRowId = 1;
        scopes.clear();
        scopes.addAll(List.of("crm", "task", "im", "user", "department"));
        userFieldsAllowed = true;
    }

    static Rec user(long id, String name, String lastName, String email, boolean active) {
        return new Rec(id, ZoneOffset.UTC).put("ID", String.valueOf(id)).put("ACTIVE", active).put("NAME", name)
                .put("LAST_NAME", lastName).put("SECOND_NAME", "").put("EMAIL", email).put("IS_ONLINE", "N")
                .put("UF_DEPARTMENT", List.of(1L)).put("USER_TYPE", "employee");
    }

    static ObjectNode category(long id, String name, int sort, String isDefault) {
        ObjectNode node = NODES.objectNode();
        node.put("id", id).put("name", name).put("sort", sort).put("entityTypeId", 2).put("isDefault", isDefault);
        return node;
    }

    static Rec status(long id, String entity, String statusId, String name, int sort, String category, String semantics) {
        return new Rec(id, ZoneOffset.UTC).put("ID", String.valueOf(id)).put("ENTITY_ID", entity).put("STATUS_ID", statusId)
                .put("NAME", name).put("NAME_INIT", "").put("SORT", String.valueOf(sort)).put("SYSTEM", "N")
                .put("CATEGORY_ID", category).put("COLOR", "#39A8EF").put("SEMANTICS", semantics);
    }

    static ObjectNode currency(String code, String count, String amount, String base, int sort) {
        ObjectNode node = NODES.objectNode();
        node.put("CURRENCY", code).put("AMOUNT_CNT", count).put("AMOUNT", amount).put("SORT", String.valueOf(sort))
                .put("BASE", base).put("FULL_NAME", code).put("LID", "en").put("FORMAT_STRING", "# " + code)
                .put("DEC_POINT", ".").put("THOUSANDS_SEP", " ").put("DECIMALS", "2").put("DATE_UPDATE", "2024-01-29T12:28:40+02:00");
        return node;
    }

    /** A deal in Bitrix24's fields; dates are written in {@code zone}. */
    Rec addDeal(long id, String title, String category, String stage, String semantic, String amount, String currency,
                String probability, String owner, Instant created, Instant modified, LocalDate closeDate, Instant moved,
                String region, ZoneOffset zone) {
        Rec deal = new Rec(id, zone).put("ID", String.valueOf(id)).put("TITLE", title).put("TYPE_ID", "SALE")
                .put("CATEGORY_ID", category).put("STAGE_ID", stage).put("STAGE_SEMANTIC_ID", semantic)
                .put("IS_NEW", "N").put("PROBABILITY", probability).put("CURRENCY_ID", currency).put("OPPORTUNITY", amount)
                .put("IS_MANUAL_OPPORTUNITY", "N").put("TAX_VALUE", "0.00").put("COMPANY_ID", "0").put("CONTACT_ID", null)
                .put("BEGINDATE", created).put("CLOSEDATE", closeDate == null ? null : closeDate.atStartOfDay(zone).toInstant())
                .put("ASSIGNED_BY_ID", owner).put("CREATED_BY_ID", "1").put("MODIFY_BY_ID", "1")
                .put("DATE_CREATE", created).put("DATE_MODIFY", modified).put("OPENED", "Y")
                .put("CLOSED", "S".equals(semantic) || "F".equals(semantic) ? "Y" : "N").put("COMMENTS", "")
                .put("SOURCE_ID", id % 2 == 0 ? "CALL" : "WEB").put("MOVED_BY_ID", "1").put("MOVED_TIME", moved)
                .put("UF_CRM_REGION", region);
        deals.put(id, deal);
        return deal;
    }

    Rec addHistory(long deal, int type, Instant at, String category, String semantic, String stage) {
        long id = nextHistoryId++;
        Rec entry = new Rec(id, ZoneOffset.UTC).put("ID", id).put("TYPE_ID", (long) type).put("OWNER_ID", deal)
                .put("CREATED_TIME", at).put("CATEGORY_ID", Long.parseLong(category)).put("STAGE_SEMANTIC_ID", semantic)
                .put("STAGE_ID", stage);
        history.put(id, entry);
        return entry;
    }

    Rec addActivity(long ownerId, long ownerType, int type, String provider, String responsible, Instant created,
                    Instant deadline, Instant end, boolean completed, ZoneOffset zone) {
        long id = nextActivityId++;
        Rec activity = new Rec(id, zone).put("ID", String.valueOf(id)).put("OWNER_ID", String.valueOf(ownerId))
                .put("OWNER_TYPE_ID", String.valueOf(ownerType)).put("TYPE_ID", String.valueOf(type)).put("PROVIDER_ID", provider)
                .put("PROVIDER_TYPE_ID", provider).put("SUBJECT", "Activity " + id).put("CREATED", created)
                .put("LAST_UPDATED", end != null ? end : created).put("START_TIME", deadline).put("END_TIME", end)
                .put("DEADLINE", deadline).put("COMPLETED", completed ? "Y" : "N").put("STATUS", completed ? "2" : "1")
                .put("RESPONSIBLE_ID", responsible).put("PRIORITY", "2").put("DIRECTION", "2").put("AUTHOR_ID", responsible);
        activities.put(id, activity);
        return activity;
    }

    void addProductRow(long deal, String name, String price, String quantity) {
        long id = nextProductRowId++;
        Rec row = new Rec(id, ZoneOffset.UTC).put("ID", String.valueOf(id)).put("OWNER_ID", String.valueOf(deal))
                .put("OWNER_TYPE", "D").put("PRODUCT_ID", 400L + id).put("PRODUCT_NAME", name)
                .put("PRICE", new BigDecimal(price)).put("PRICE_ACCOUNT", price).put("QUANTITY", new BigDecimal(quantity))
                .put("DISCOUNT_TYPE_ID", 2L).put("DISCOUNT_RATE", 0L).put("DISCOUNT_SUM", 0L).put("TAX_RATE", null)
                .put("TAX_INCLUDED", "Y").put("MEASURE_CODE", 796L).put("MEASURE_NAME", "pcs").put("SORT", 10L);
        productRows.computeIfAbsent(deal, d -> new ArrayList<>()).add(row);
    }

    // --- the REST API ---

    /** The whole answer of one call (not {@code batch}): {@code {"result": ..., "time": ...}} and, for lists, {@code total}/{@code next}. */
    ObjectNode call(String method, JsonNode params) {
        ObjectNode answer = NODES.objectNode();
        Answer result = answer(method, params == null ? NODES.objectNode() : params);
        answer.set("result", result.result);
        if (result.next != null) {
            answer.put("next", result.next);
        }
        if (result.total != null) {
            answer.put("total", result.total);
        }
        answer.set("time", time());
        return answer;
    }

    /** A method's result, and a list's {@code total} and {@code next}. */
    record Answer(JsonNode result, Integer total, Integer next) {
    }

    Answer answer(String method, JsonNode params) {
        return switch (method) {
            case "batch" -> new Answer(batch(params), null, null);
            case "scope" -> new Answer(strings(scopes), null, null);
            case "crm.category.list" -> categoryList(params);
            case "crm.status.list" -> statusList(params);
            case "user.get" -> userGet(params);
            case "crm.currency.list" -> new Answer(NODES.arrayNode().addAll(currencies), 0, null);
            case "crm.deal.userfield.list" -> {
                if (!userFieldsAllowed) {
                    throw new PortalError(400, "", "Access denied.");
                }
                yield new Answer(NODES.arrayNode().addAll(userFields), userFields.size(), null);
            }
            case "crm.deal.fields" -> new Answer(dealFields(), null, null);
            case "crm.deal.list" -> list(deals, params, "");
            case "crm.activity.list" -> list(activities, params, "");
            case "crm.stagehistory.list" -> {
                if (params.path("entityTypeId").asInt(0) != 2) {
                    throw new PortalError(400, "ENTITY_TYPE_NOT_SUPPORTED", "Entity type is not supported");
                }
                yield list(history, params, "items");
            }
            case "crm.deal.productrows.get" -> productRowsGet(params);
            case "tasks.task.list" -> taskList(params);
            case "tasks.task.add" -> taskAdd(params);
            case "crm.timeline.comment.list" -> commentList(params);
            case "crm.timeline.comment.add" -> commentAdd(params);
            case "im.notify.system.add" -> notifyAdd(params);
            default -> throw new PortalError(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        };
    }

    private Answer categoryList(JsonNode params) {
        if (params.path("entityTypeId").asInt(0) != 2) {
            throw new PortalError(400, "NOT_FOUND", "Smart process not found");
        }
        ObjectNode result = NODES.objectNode();
        result.putArray("categories").addAll(categories);
        return new Answer(result, categories.size(), null);
    }

    private Answer statusList(JsonNode params) {
        String entity = params.path("filter").path("ENTITY_ID").asString("");
        List<Rec> list = new ArrayList<>(entity.isEmpty() ? statuses.values().stream().flatMap(List::stream).toList()
                : statuses.getOrDefault(entity, List.of()));
        list.sort(Comparator.comparingLong(r -> Long.parseLong(r.text("SORT"))));
        ArrayNode result = NODES.arrayNode();
        list.forEach(status -> result.add(json(status, null)));
        return new Answer(result, list.size(), null);
    }

    private Answer userGet(JsonNode params) {
        int start = params.path("start").asInt(0);
        ArrayNode result = NODES.arrayNode();
        for (int i = start; i < users.size() && i < start + PAGE; i++) {
            result.add(json(users.get(i), null));
        }
        return new Answer(result, users.size(), start + PAGE < users.size() ? start + PAGE : null);
    }

    private JsonNode dealFields() {
        ObjectNode fields = NODES.objectNode();
        for (String name : List.of("ID", "TITLE", "TYPE_ID", "CATEGORY_ID", "STAGE_ID", "OPPORTUNITY", "CURRENCY_ID",
                "ASSIGNED_BY_ID", "SOURCE_ID", "DATE_CREATE", "CLOSEDATE")) {
            fields.putObject(name).put("type", "string").put("isRequired", false).put("isReadOnly", false)
                    .put("isImmutable", false).put("isMultiple", false).put("isDynamic", false).put("title", name);
        }
        fields.putObject("UF_CRM_REGION").put("type", "enumeration").put("isRequired", false).put("isReadOnly", false)
                .put("isImmutable", false).put("isMultiple", false).put("isDynamic", true).put("title", "UF_CRM_REGION")
                .put("listLabel", "Region").put("formLabel", "Region");
        return fields;
    }

    /**
     * A list method over {@code records}: {@code filter} with Bitrix24's prefixes ({@code >=}, {@code >},
     * {@code <=}, {@code <}, {@code @}, {@code !@}, {@code !=}, {@code !}, {@code =}), {@code order} by
     * {@code ID}, {@code select}, and {@code start} (a page offset, or -1: no count, no {@code next}).
     */
    private Answer list(NavigableMap<Long, Rec> records, JsonNode params, String wrap) {
        JsonNode filter = params.path("filter");
        List<Condition> conditions = conditions(filter);
        boolean descending = params.path("order").path("ID").asString("ASC").equalsIgnoreCase("DESC");
        int start = params.has("start") ? params.path("start").asInt(0) : 0;
        Long afterId = null;
        for (Condition condition : conditions) {
            if (condition.field.equals("ID") && condition.operator.equals(">") && !descending) {
                afterId = condition.number();
            }
        }
        NavigableMap<Long, Rec> view = descending ? records.descendingMap() : records;
        if (afterId != null) {
            view = records.tailMap(afterId, false);
        }
        List<String> select = new ArrayList<>();
        params.path("select").forEach(node -> select.add(node.asString()));
        ArrayNode rows = NODES.arrayNode();
        int matched = 0;
        boolean more = false;
        for (Rec record : view.values()) {
            if (!matches(record, conditions)) {
                continue;
            }
            if (start >= 0 && matched < start) {
                matched++;
                continue;
            }
            if (rows.size() == PAGE) {
                more = true;
                if (start < 0) {
                    break;
                }
                matched++;
                continue;
            }
            rows.add(json(record, select));
            matched++;
        }
        JsonNode result = rows;
        if (!wrap.isEmpty()) {
            ObjectNode wrapped = NODES.objectNode();
            wrapped.set(wrap, rows);
            result = wrapped;
        }
        if (start < 0) {
            return new Answer(result, 0, null);
        }
        return new Answer(result, matched, more ? start + PAGE : null);
    }

    private record Condition(String operator, String field, JsonNode value) {
        long number() {
            if (!value.isValueNode()) {
                throw new PortalError(400, "INVALID_ARG_VALUE", "Invalid filter: field '" + field + "' has invalid value");
            }
            try {
                return Long.parseLong(value.asString().trim());
            } catch (NumberFormatException e) {
                throw new PortalError(400, "INVALID_ARG_VALUE", "Invalid filter: field '" + field + "' has invalid value");
            }
        }
    }

    private static final List<String> OPERATORS = List.of(">=", "<=", "!@", "!=", "=%", "%=", ">", "<", "@", "!", "=", "%");

    private static List<Condition> conditions(JsonNode filter) {
        List<Condition> conditions = new ArrayList<>();
        if (filter == null || !filter.isObject()) {
            return conditions;
        }
        for (Map.Entry<String, JsonNode> entry : filter.properties()) {
            String key = entry.getKey();
            String operator = "=";
            String field = key;
            for (String candidate : OPERATORS) {
                if (key.startsWith(candidate) && key.length() > candidate.length()) {
                    operator = candidate;
                    field = key.substring(candidate.length());
                    break;
                }
            }
            conditions.add(new Condition(operator, field, entry.getValue()));
        }
        return conditions;
    }

    private static boolean matches(Rec record, List<Condition> conditions) {
        for (Condition condition : conditions) {
            Object actual = condition.field.equals("ID") ? (Object) record.id : record.get(condition.field);
            if (!matches(actual, condition)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Object actual, Condition condition) {
        JsonNode expected = condition.value;
        switch (condition.operator) {
            case "@", "!@" -> {
                if (!expected.isArray() && !expected.isObject()) {
                    throw new PortalError(400, "INVALID_ARG_VALUE", "Invalid filter: field '" + condition.field + "' needs an array");
                }
                boolean any = false;
                for (JsonNode item : expected) {
                    any |= compare(actual, item, condition.field) == 0;
                }
                return condition.operator.equals("@") == any;
            }
            default -> {
                if (!expected.isValueNode()) {
                    throw new PortalError(400, "INVALID_ARG_VALUE", "Invalid filter: field '" + condition.field + "' has invalid value");
                }
                if (actual == null) {
                    return condition.operator.startsWith("!");
                }
                int order = compare(actual, expected, condition.field);
                return switch (condition.operator) {
                    case ">=" -> order >= 0;
                    case "<=" -> order <= 0;
                    case ">" -> order > 0;
                    case "<" -> order < 0;
                    case "!=", "!" -> order != 0;
                    case "%", "=%", "%=" -> actual.toString().contains(expected.asString().replace("%", ""));
                    default -> order == 0;
                };
            }
        }
    }

    private static int compare(Object actual, JsonNode expected, String field) {
        if (actual == null) {
            return expected.isNull() ? 0 : -1;
        }
        String text = expected.isValueNode() ? expected.asString() : expected.toString();
        if (actual instanceof Instant instant) {
            return instant.compareTo(instant(text, field));
        }
        if (actual instanceof Number number) {
            try {
                return Long.compare(number.longValue(), Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                throw new PortalError(400, "INVALID_ARG_VALUE", "Invalid filter: field '" + field + "' has invalid value");
            }
        }
        String value = actual.toString();
        if (value.matches("-?\\d+") && text.trim().matches("-?\\d+")) {
            return Long.compare(Long.parseLong(value), Long.parseLong(text.trim()));
        }
        return value.compareTo(text);
    }

    private static Instant instant(String text, String field) {
        try {
            return OffsetDateTime.parse(text.trim()).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text.trim()).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (DateTimeParseException again) {
                throw new PortalError(400, "INVALID_ARG_VALUE", "Invalid filter: field '" + field + "' has invalid value");
            }
        }
    }

    /** A record as Bitrix24 writes it: only the selected fields ({@code *}: the standard ones, {@code UF_*}: the custom ones). */
    static ObjectNode json(Rec record, List<String> select) {
        ObjectNode node = NODES.objectNode();
        boolean all = select == null || select.isEmpty();
        for (Map.Entry<String, Object> field : record.fields.entrySet()) {
            String name = field.getKey();
            boolean custom = name.startsWith("UF_");
            if (all || select.contains(name) || name.equals("ID") || (!custom && select.contains("*"))
                    || (custom && select.contains("UF_*"))) {
                node.set(name, value(field.getValue(), record.zone));
            }
        }
        return node;
    }

    static JsonNode value(Object value, ZoneOffset zone) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof Instant instant) {
            return NODES.stringNode(ISO.format(instant.atOffset(zone)));
        }
        if (value instanceof Long number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Integer number) {
            return NODES.numberNode(number);
        }
        if (value instanceof BigDecimal number) {
            return NODES.numberNode(number);
        }
        if (value instanceof Boolean flag) {
            return NODES.booleanNode(flag);
        }
        if (value instanceof Collection<?> list) {
            ArrayNode array = NODES.arrayNode();
            list.forEach(item -> array.add(value(item, zone)));
            return array;
        }
        return NODES.stringNode(value.toString());
    }

    private Answer productRowsGet(JsonNode params) {
        JsonNode id = params.has("id") ? params.get("id") : params.get("ID");
        long deal;
        try {
            deal = Long.parseLong(id == null ? "" : id.asString().trim());
        } catch (NumberFormatException e) {
            throw new PortalError(400, "", "The parameter id is invalid or not defined.");
        }
        if (!deals.containsKey(deal)) {
            throw new PortalError(400, "", "Not found");
        }
        ArrayNode rows = NODES.arrayNode();
        productRows.getOrDefault(deal, List.of()).forEach(row -> rows.add(json(row, null)));
        return new Answer(rows, null, null);
    }

    private Answer taskList(JsonNode params) {
        JsonNode filter = params.path("filter");
        ArrayNode list = NODES.arrayNode();
        for (Rec task : tasks.descendingMap().values()) {
            if (filter.has("RESPONSIBLE_ID") && !filter.get("RESPONSIBLE_ID").asString().equals(task.text("responsibleId"))) {
                continue;
            }
            if (filter.has("TITLE") && !filter.get("TITLE").asString().equals(task.text("title"))) {
                continue;
            }
            if (filter.has("UF_CRM_TASK") && !((List<?>) task.get("ufCrmTask")).contains(filter.get("UF_CRM_TASK").asString())) {
                continue;
            }
            ObjectNode node = NODES.objectNode();
            node.put("id", task.text("id")).put("title", task.text("title")).put("description", task.text("description"))
                    .put("responsibleId", task.text("responsibleId"));
            list.add(node);
            if (list.size() == PAGE) {
                break;
            }
        }
        ObjectNode result = NODES.objectNode();
        result.set("tasks", list);
        return new Answer(result, list.size(), null);
    }

    private Answer taskAdd(JsonNode params) {
        JsonNode fields = params.path("fields");
        if (!fields.isObject() || fields.isEmpty()) {
            throw new PortalError(400, "100", "Could not find value for parameter {fields}");
        }
        if (fields.path("TITLE").asString("").isBlank()) {
            throw new PortalError(400, "ERROR_CORE", "Task title not specified<br>");
        }
        String responsible = fields.path("RESPONSIBLE_ID").asString("");
        if (users.stream().noneMatch(u -> u.text("ID").equals(responsible))) {
            throw new PortalError(400, "ERROR_CORE", "User specified in the \"Assignee\" field not found<br>");
        }
        long id = 3700 + nextTaskId++;
        List<String> bindings = new ArrayList<>();
        fields.path("UF_CRM_TASK").forEach(node -> bindings.add(node.asString()));
        Rec task = new Rec(id, ZoneOffset.UTC).put("id", String.valueOf(id)).put("title", fields.path("TITLE").asString())
                .put("description", fields.path("DESCRIPTION").asString("")).put("responsibleId", responsible)
                .put("deadline", fields.path("DEADLINE").asString(null)).put("ufCrmTask", bindings)
                .put("createdDate", Instant.now().truncatedTo(ChronoUnit.SECONDS)).put("status", "2");
        tasks.put(id, task);
        ObjectNode result = NODES.objectNode();
        ObjectNode node = result.putObject("task");
        node.put("id", String.valueOf(id)).putNull("parentId").put("title", task.text("title"))
                .put("description", task.text("description")).put("status", "2").put("responsibleId", responsible)
                .put("createdBy", USER).put("deadline", task.text("deadline"));
        return new Answer(result, null, null);
    }

    private Answer commentList(JsonNode params) {
        JsonNode filter = params.path("filter");
        if (!filter.has("ENTITY_ID") || !filter.has("ENTITY_TYPE")) {
            throw new PortalError(400, "", "ENTITY_ID and ENTITY_TYPE are required");
        }
        NavigableMap<Long, Rec> view = params.path("order").path("ID").asString("ASC").equalsIgnoreCase("DESC")
                ? comments.descendingMap() : comments;
        List<Rec> matching = view.values().stream()
                .filter(c -> c.text("ENTITY_ID").equals(filter.get("ENTITY_ID").asString())
                        && c.text("ENTITY_TYPE").equalsIgnoreCase(filter.get("ENTITY_TYPE").asString())).toList();
        int start = params.path("start").asInt(0);
        ArrayNode rows = NODES.arrayNode();
        for (int i = start; i < matching.size() && i < start + PAGE; i++) {
            rows.add(json(matching.get(i), null));
        }
        return new Answer(rows, matching.size(), start + PAGE < matching.size() ? start + PAGE : null);
    }

    private Answer commentAdd(JsonNode params) {
        JsonNode fields = params.path("fields");
        if (fields.path("COMMENT").asString("").isBlank()) {
            throw new PortalError(400, "INVALID_ARG_VALUE", "Empty comment");
        }
        long deal = Long.parseLong(fields.path("ENTITY_ID").asString("0"));
        if (!"deal".equalsIgnoreCase(fields.path("ENTITY_TYPE").asString("")) || !deals.containsKey(deal)) {
            throw new PortalError(400, "OWNER_NOT_FOUND", "Owner of the element not found");
        }
        long id = 990 + nextCommentId++;
        comments.put(id, new Rec(id, ZoneOffset.UTC).put("ID", String.valueOf(id)).put("ENTITY_ID", String.valueOf(deal))
                .put("ENTITY_TYPE", "deal").put("CREATED", Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .put("COMMENT", fields.path("COMMENT").asString()).put("AUTHOR_ID", USER));
        return new Answer(NODES.numberNode(id), null, null);
    }

    /** {@code TAG}: adding a notification with an existing tag removes the others with it. */
    private Answer notifyAdd(JsonNode params) {
        String user = params.path("USER_ID").asString("");
        if (user.isBlank() || "0".equals(user)) {
            throw new PortalError(400, "USER_ID_EMPTY", "User ID can't be empty");
        }
        if (params.path("MESSAGE").asString("").isBlank()) {
            throw new PortalError(400, "MESSAGE_EMPTY", "Message can't be empty");
        }
        String tag = params.path("TAG").asString(null);
        if (tag != null) {
            notifications.values().removeIf(n -> tag.equals(n.text("TAG")));
        }
        long id = 12345 + nextNotificationId++;
        notifications.put(id, new Rec(id, ZoneOffset.UTC).put("ID", id).put("USER_ID", user)
                .put("MESSAGE", params.path("MESSAGE").asString().strip()).put("TAG", tag));
        return new Answer(NODES.numberNode(id), null, null);
    }

    // --- batch ---

    /** {@code batch}: runs {@code cmd} in order ({@code halt} stops at the first error), resolving {@code $result[...]}. */
    private JsonNode batch(JsonNode params) {
        JsonNode cmd = params.path("cmd");
        boolean halt = params.path("halt").asBoolean(false) || params.path("halt").asInt(0) == 1;
        if (!cmd.isObject()) {
            throw new PortalError(400, "", "Parameter 'cmd' must be array");
        }
        if (cmd.size() > PAGE) {
            throw new PortalError(400, "", "Max batch length exceeded");
        }
        ObjectNode results = NODES.objectNode();
        ObjectNode errors = NODES.objectNode();
        ObjectNode totals = NODES.objectNode();
        ObjectNode nexts = NODES.objectNode();
        ObjectNode times = NODES.objectNode();
        for (Map.Entry<String, JsonNode> command : cmd.properties()) {
            String text = command.getValue().asString();
            int question = text.indexOf('?');
            String method = question < 0 ? text : text.substring(0, question);
            ObjectNode commandParams = parseQuery(question < 0 ? "" : text.substring(question + 1));
            JsonNode resolved = resolve(commandParams, results);
            try {
                if (method.equals("batch")) {
                    throw new PortalError(400, "", "Batch method is not allowed in batch");
                }
                Answer answer = answer(method, resolved);
                results.set(command.getKey(), answer.result);
                if (answer.total != null) {
                    totals.put(command.getKey(), answer.total);
                }
                if (answer.next != null) {
                    nexts.put(command.getKey(), answer.next);
                }
                times.set(command.getKey(), time());
            } catch (PortalError error) {
                ObjectNode body = NODES.objectNode();
                body.put("error", error.code);
                body.put("error_description", error.getMessage());
                errors.set(command.getKey(), body);
                if (halt) {
                    break;
                }
            }
        }
        ObjectNode batch = NODES.objectNode();
        batch.set("result", phpArray(results));
        batch.set("result_error", phpArray(errors));
        batch.set("result_total", phpArray(totals));
        batch.set("result_next", phpArray(nexts));
        batch.set("result_time", phpArray(times));
        return batch;
    }

    /** PHP writes an empty associative array as {@code []}. */
    private static JsonNode phpArray(ObjectNode node) {
        return node.isEmpty() ? NODES.arrayNode() : node;
    }

    /** PHP's {@code parse_str}: {@code a[b][]=1&a[b][]=2&c=3} to {@code {"a": {"b": ["1", "2"]}, "c": "3"}}. */
    static ObjectNode parseQuery(String query) {
        Map<String, Object> root = new LinkedHashMap<>();
        if (!query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                int bracket = key.indexOf('[');
                List<String> path = new ArrayList<>();
                path.add(bracket < 0 ? key : key.substring(0, bracket));
                if (bracket >= 0) {
                    Matcher segment = SEGMENT.matcher(key.substring(bracket));
                    while (segment.find()) {
                        path.add(segment.group(1));
                    }
                }
                put(root, path, value);
            }
        }
        return (ObjectNode) toJson(root);
    }

    @SuppressWarnings("unchecked")
    private static void put(Map<String, Object> node, List<String> path, String value) {
        Map<String, Object> current = node;
        for (int i = 0; i < path.size() - 1; i++) {
            String key = path.get(i);
            if (key.isEmpty()) {
                key = String.valueOf(current.size());
            }
            Object next = current.get(key);
            if (!(next instanceof Map)) {
                next = new LinkedHashMap<String, Object>();
                current.put(key, next);
            }
            current = (Map<String, Object>) next;
        }
        String last = path.get(path.size() - 1);
        current.put(last.isEmpty() ? String.valueOf(current.size()) : last, value);
    }

    @SuppressWarnings("unchecked")
    private static JsonNode toJson(Object value) {
        if (value instanceof Map<?, ?> map) {
            boolean list = !map.isEmpty();
            int i = 0;
            for (Object key : map.keySet()) {
                list &= key.equals(String.valueOf(i++));
            }
            if (list) {
                ArrayNode array = NODES.arrayNode();
                map.values().forEach(item -> array.add(toJson(item)));
                return array;
            }
            ObjectNode object = NODES.objectNode();
            ((Map<String, Object>) map).forEach((k, v) -> object.set(k, toJson(v)));
            return object;
        }
        return NODES.stringNode(value.toString());
    }

    /** Replaces {@code $result[cmd][path]} values with the earlier results, as Bitrix24 does: a missing key stops the walk. */
    private static JsonNode resolve(JsonNode params, ObjectNode results) {
        if (params.isObject()) {
            ObjectNode copy = NODES.objectNode();
            params.properties().forEach(e -> copy.set(e.getKey(), resolve(e.getValue(), results)));
            return copy;
        }
        if (params.isArray()) {
            ArrayNode copy = NODES.arrayNode();
            params.forEach(item -> copy.add(resolve(item, results)));
            return copy;
        }
        String text = params.asString();
        Matcher reference = REFERENCE.matcher(text == null ? "" : text);
        if (!reference.matches()) {
            return params;
        }
        Matcher segment = SEGMENT.matcher(reference.group(1));
        JsonNode current = results;
        while (segment.find()) {
            String key = segment.group(1);
            JsonNode next = current.isArray() && key.matches("\\d+") ? current.get(Integer.parseInt(key)) : current.get(key);
            if (next == null) {
                break;
            }
            current = next;
        }
        return current.isValueNode() ? NODES.stringNode(current.asString()) : current;
    }

    static ObjectNode time() {
        double now = System.currentTimeMillis() / 1000.0;
        ObjectNode time = NODES.objectNode();
        time.put("start", now).put("finish", now).put("duration", 0.001).put("processing", 0.0005)
                .put("date_start", ISO.format(Instant.now().atOffset(ZoneOffset.ofHours(3))))
                .put("date_finish", ISO.format(Instant.now().atOffset(ZoneOffset.ofHours(3))))
                .put("operating_reset_at", (long) now + 600).put("operating", 0);
        return time;
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = NODES.arrayNode();
        values.forEach(array::add);
        return array;
    }

    /** The records matching {@code predicate}, for assertions. */
    static List<Rec> where(Collection<Rec> records, Predicate<Rec> predicate) {
        List<Rec> found = new ArrayList<>();
        for (Iterator<Rec> it = records.iterator(); it.hasNext(); ) {
            Rec record = it.next();
            if (predicate.test(record)) {
                found.add(record);
            }
        }
        return found;
    }
}
