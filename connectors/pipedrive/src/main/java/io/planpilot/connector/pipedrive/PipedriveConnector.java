package io.planpilot.connector.pipedrive;

import io.planpilot.connector.support.WriteMarker;
import feign.RequestInterceptor;
import feign.TypedResponse;
import io.planpilot.connector.support.CrmCallException;
import io.planpilot.connector.support.CrmClients;
import io.planpilot.connector.support.CrmRateLimitedException;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmResilience;
import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.connector.support.CrmUnavailableException;
import io.planpilot.connector.support.JacksonCodec;
import io.planpilot.connector.support.WindowCursor;
import io.planpilot.core.connector.Capabilities;
import io.planpilot.core.connector.ConnectionCheck;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.ConnectorStatus;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.Discovery;
import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.RecordRef;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRequest;
import io.planpilot.core.connector.WriteRouting;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A Pipedrive company through its API with a personal API token ({@code x-api-token}), kept current by
 * its webhooks (v2). Every call goes through the connection's {@link PipedriveCalls}: the limiter keeps
 * to the configured rate (default 20 requests per 2 seconds, the smallest plan's burst window), the
 * answers' {@code x-ratelimit-*} headers slow calls down before a 429, and a spent daily token budget
 * stops the read at once, saying when it resets.
 *
 * <h2>Reads</h2>
 * A read is a {@link WindowCursor} window {@code [since, until)}, {@code until} staying the safety
 * delay behind the read's start. Pipedrive keeps seconds: {@code updated_since} (inclusive) is the
 * start cut to its second, {@code updated_until} (exclusive) the second after the end's, so records of
 * the bounds' seconds are read by both windows and de-duplicated by id; a record changed after the
 * end is read again next time. Its steps, each resumable from the page it stored last (the
 * position is the step and Pipedrive's opaque {@code next_cursor}):
 * <ol>
 *   <li>the catalog, one page: users ({@code GET /v1/users}), pipelines and stages (API v2) and, when
 *       dimensions are mapped, the deal fields dictionary ({@code GET /v1/dealFields});</li>
 *   <li>{@code deals:}: {@code GET /api/v2/deals} sorted by {@code update_time}, 500 a page. Each deal
 *       brings the transition into its current stage ({@code stage_change_time}); a deal whose stage
 *       changed within the window also gets its path from its flow ({@code GET /v1/deals/{id}/flow},
 *       40 tokens a deal), up to {@code flow-calls-per-read} deals a read; deals whose stage did not
 *       change cost no flow call;</li>
 *   <li>{@code deleted:}: the same list with {@code status=deleted} (Pipedrive keeps deleted deals 30
 *       days), as deletions; a full read lists every deal id it read instead;</li>
 *   <li>{@code activities:}: {@code GET /api/v2/activities} sorted by {@code update_time}.</li>
 * </ol>
 * Pipedrive's v1 "recents" feed is not used: it reaches back only about a month.
 *
 * <h2>Webhooks, re-reads and writes</h2>
 * {@link #receive} takes webhooks v2 ({@link PipedriveWebhooks}); {@link #reread} reads announced deals
 * and activities by id ({@code ids=}, 100 a request), those not found coming back as deletions. A task
 * is an activity ({@code POST /api/v2/activities}, type {@code task}), a comment a note
 * ({@code POST /v1/notes}); Pipedrive has no notifications, so a notification becomes a task for the
 * user ({@link WriteRouting}). Every text written ends with the {@link WriteMarker} line
 * {@code planpilot:<key>}, looked for before anything is created.
 */
final class PipedriveConnector implements Connector {

    /** The most records API v2 returns in a page, and what the connector asks for. */
    static final int PAGE_SIZE = 500;
    static final int IDS_PER_REQUEST = 100;
    static final String DEALS_STEP = "deals:";
    static final String DELETED_STEP = "deleted:";
    static final String ACTIVITIES_STEP = "activities:";
    static final String END_STEP = "end";

    /** What starts the last line of every text the adapter writes: {@code planpilot:<idempotency key>}. */
    /** The marker in plain text or in the HTML Pipedrive may turn a note into ({@code <p>planpilot:key</p>}). */
    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm");
    private static final Duration CATALOG_MAX_AGE = Duration.ofMinutes(10);
    /** How many of a user's or deal's newest activities and notes are looked through for a marker. */
    private static final int LOOKUP_PAGES = 2;

    private final ConnectionSettings settings;
    private final PipedriveConnectorProperties properties;
    private final Clock clock;
    private final PipedriveCalls calls;
    private final PipedriveClient client;
    private final JsonMapper json;
    private final PipedriveMapper mapper;
    private final PipedriveWebhooks webhooks;
    private volatile Cached catalogCache;

    PipedriveConnector(ConnectionSettings settings, PipedriveConnectorProperties properties) {
        this(settings, properties, Clock.systemUTC(), new PipedriveRateWindow(Clock.systemUTC(), spacing(properties)));
    }

    /**
     * An even pace of the configured rate when calls are not to come in bursts ({@code burst} 1), 5 %
     * wider than {@code per / requests}: Pipedrive counts requests as they arrive, and a call delayed on
     * its way (a busy machine, a new connection) must not push the next ones into its window.
     */
    static Duration spacing(PipedriveConnectorProperties properties) {
        var limit = properties.policy().rateLimit();
        return limit.burst() > 1 ? Duration.ZERO : limit.per().multipliedBy(21).dividedBy(20L * limit.requests());
    }

    PipedriveConnector(ConnectionSettings settings, PipedriveConnectorProperties properties, Clock clock,
                       PipedriveRateWindow window) {
        this.settings = settings;
        this.properties = properties;
        this.clock = clock;
        this.json = JacksonCodec.emptyStringsAsNullMapper();
        String type = PipedriveConnectorFactory.TYPE;
        this.calls = new PipedriveCalls(new CrmResilience(type, settings.id(), properties.policy(), clock), window);
        RequestInterceptor token = template -> template.header("x-api-token", properties.apiToken());
        this.client = CrmClients.feign(PipedriveClient.class, properties.baseUrl().toString(), type, properties.policy(),
                new PipedriveErrors(clock, window), new JacksonCodec(type, json), token);
        this.mapper = new PipedriveMapper(settings.id(), settings.zone());
        this.webhooks = new PipedriveWebhooks(properties.webhookUsername(), properties.webhookPassword());
    }

    /** Lenient about unknown fields (Pipedrive adds them), strict about types; an empty string reads as null. */
    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, true, true, true, true, false, true);
    }

    // ------------------------------------------------------------------ reads

    @Override
    public void read(SyncMode mode, String cursor, PageConsumer pages) {
        Instant now = clock.instant();
        Duration delay = properties.policy().safetyDelay();
        WindowCursor window = mode == SyncMode.FULL ? WindowCursor.full(now, delay) : WindowCursor.resume(cursor, now, delay);
        boolean fullWindow = window.since().equals(Instant.EPOCH);
        Catalog catalog = catalog();
        pages.accept(SyncPage.builder().pipelines(catalog.pipelines()).stages(catalog.stages()).reps(catalog.reps())
                .warnings(catalog.warnings()).mappedDimensions(settings.dimensions().keySet()).cursor(window.format()).build());

        String position = window.position();
        int step = step(position);
        ReadState state = new ReadState(window, catalog, properties.flowCallsPerRead());
        if (step <= 0) {
            state.dealIds = position == null && fullWindow ? new HashSet<>() : null;
            readDeals(state, step == 0 ? after(position, DEALS_STEP) : null, fullWindow ? ACTIVITIES_STEP : DELETED_STEP, pages);
        }
        if (step <= 1 && !fullWindow) {
            readDeleted(state, step == 1 ? after(position, DELETED_STEP) : null, pages);
        }
        if (step <= 2) {
            state.activityIds = step < 2 && fullWindow && state.dealIds != null ? new HashSet<>() : null;
            readActivities(state, step == 2 ? after(position, ACTIVITIES_STEP) : null, pages);
        }
        SyncPage.Builder last = SyncPage.builder();
        if (state.dealIds != null) {
            last.listing(new Listing(RecordKind.DEAL, state.dealIds));
        }
        if (state.activityIds != null) {
            last.listing(new Listing(RecordKind.ACTIVITY, state.activityIds));
        }
        if (state.flowsSkipped > 0) {
            last.warnings(List.of(new SyncWarning(PipedriveClient.DEAL_FLOW, null, null, state.flowsSkipped
                    + " deals changed stage in this read beyond flow-calls-per-read (" + properties.flowCallsPerRead()
                    + "): for them only the stage they are in now is known, not the stages before")));
        }
        pages.accept(last.cursor(window.finished().format()).build());
    }

    /** What one read carries from step to step. */
    private static final class ReadState {
        final WindowCursor window;
        final Catalog catalog;
        int flowCallsLeft;
        int flowsSkipped;
        Set<String> dealIds;
        Set<String> activityIds;

        ReadState(WindowCursor window, Catalog catalog, int flowCalls) {
            this.window = window;
            this.catalog = catalog;
            this.flowCallsLeft = flowCalls;
        }
    }

    /** 0 deals, 1 deleted deals, 2 activities, 3 the end; a position this connector did not write starts over. */
    private static int step(String position) {
        if (position == null || position.startsWith(DEALS_STEP)) {
            return 0;
        }
        if (position.startsWith(DELETED_STEP)) {
            return 1;
        }
        if (position.startsWith(ACTIVITIES_STEP)) {
            return 2;
        }
        return position.equals(END_STEP) ? 3 : 0;
    }

    /** Pipedrive's cursor stored after {@code step}, or null to start the step from its first page. */
    private static String after(String position, String step) {
        if (position == null || !position.startsWith(step) || position.length() == step.length()) {
            return null;
        }
        return position.substring(step.length());
    }

    private Map<String, Object> windowQuery(WindowCursor window) {
        Map<String, Object> query = new LinkedHashMap<>();
        if (!window.since().equals(Instant.EPOCH)) {
            query.put("updated_since", rfc3339(window.since()));
        }
        // the end's whole second: Pipedrive keeps seconds and the bound is exclusive, so a record of the
        // read's last second is read now and (the next window starting at that second) again next time
        query.put("updated_until", rfc3339(window.until().truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)));
        query.put("sort_by", "update_time");
        query.put("sort_direction", "asc");
        return query;
    }

    private void readDeals(ReadState state, String startCursor, String nextStep, PageConsumer pages) {
        Map<String, Object> query = windowQuery(state.window);
        customFieldsQuery(state.catalog).ifPresent(keys -> query.put("custom_fields", keys));
        walk(PipedriveClient.DEALS, client::deals, query, startCursor, (rows, next) -> {
            DealPage page = dealPage(rows, state);
            if (state.dealIds != null) {
                page.deals().stream().filter(deal -> !deal.deleted()).forEach(deal -> state.dealIds.add(deal.id()));
            }
            pages.accept(SyncPage.builder().deals(page.deals()).transitions(page.transitions()).warnings(page.warnings())
                    .deletions(page.deletions())
                    .cursor(state.window.atPosition(next == null ? nextStep : DEALS_STEP + next).format()).build());
        });
    }

    private void readDeleted(ReadState state, String startCursor, PageConsumer pages) {
        Map<String, Object> query = windowQuery(state.window);
        query.put("status", "deleted");
        walk(PipedriveClient.DEALS, client::deals, query, startCursor, (rows, next) -> {
            List<Deal> deleted = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                deleted.add(mapper.deletedDeal(rows.get(i), state.catalog.dimensionFields(), settings.baseCurrency(),
                        PipedriveClient.DEALS, "data[" + i + "]"));
            }
            pages.accept(SyncPage.builder().deals(deleted)
                    .deletions(deleted.stream().map(deal -> new RecordRef(RecordKind.DEAL, deal.id())).toList())
                    .cursor(state.window.atPosition(next == null ? ACTIVITIES_STEP : DELETED_STEP + next).format()).build());
        });
    }

    private void readActivities(ReadState state, String startCursor, PageConsumer pages) {
        walk(PipedriveClient.ACTIVITIES, client::activities, windowQuery(state.window), startCursor, (rows, next) -> {
            List<Activity> activities = new ArrayList<>();
            List<RecordRef> deletions = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Activity activity = mapper.activity(rows.get(i), PipedriveClient.ACTIVITIES, "data[" + i + "]");
                if (activity.deleted()) {
                    deletions.add(new RecordRef(RecordKind.ACTIVITY, activity.id()));
                    continue;
                }
                activities.add(activity);
                if (state.activityIds != null) {
                    state.activityIds.add(activity.id());
                }
            }
            pages.accept(SyncPage.builder().activities(activities).deletions(deletions)
                    .cursor(state.window.atPosition(next == null ? END_STEP : ACTIVITIES_STEP + next).format()).build());
        });
    }

    /** Walks an API v2 list from {@code startCursor} (null: its first page) to its end, page by page. */
    private <T> void walk(String endpoint, Function<Map<String, Object>, TypedResponse<PipedriveDtos.Page<T>>> call,
                          Map<String, Object> query, String startCursor, BiConsumer<List<T>, String> consumer) {
        String cursor = startCursor;
        do {
            Map<String, Object> params = new LinkedHashMap<>(query);
            params.put("limit", PAGE_SIZE);
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            PipedriveDtos.Page<T> page = calls.call(endpoint, () -> call.apply(params));
            List<T> rows = page == null || page.data() == null ? List.of() : page.data();
            String next = page == null ? null : page.nextCursor();
            consumer.accept(rows, next);
            cursor = next;
        } while (cursor != null);
    }

    /** Asks only for the custom fields the dimensions read (smaller answers); empty when none is mapped. */
    private static Optional<String> customFieldsQuery(Catalog catalog) {
        List<String> keys = catalog.dimensionFields().values().stream().filter(PipedriveFields.Field::custom)
                .map(PipedriveFields.Field::key).distinct().toList();
        return keys.isEmpty() ? Optional.empty() : Optional.of(String.join(",", keys));
    }

    private record DealPage(List<Deal> deals, List<StageTransition> transitions, List<RecordRef> deletions,
                            List<SyncWarning> warnings) {
    }

    private DealPage dealPage(List<PipedriveDtos.Deal> rows, ReadState state) {
        List<Deal> deals = new ArrayList<>();
        List<StageTransition> transitions = new ArrayList<>();
        List<RecordRef> deletions = new ArrayList<>();
        List<SyncWarning> warnings = new ArrayList<>();
        Instant since = state.window.since().truncatedTo(ChronoUnit.SECONDS);
        for (int i = 0; i < rows.size(); i++) {
            PipedriveDtos.Deal row = rows.get(i);
            String path = "data[" + i + "]";
            if (PipedriveMapper.deleted(row)) {
                Deal gone = mapper.deletedDeal(row, state.catalog.dimensionFields(), settings.baseCurrency(),
                        PipedriveClient.DEALS, path);
                deals.add(gone);
                deletions.add(new RecordRef(RecordKind.DEAL, gone.id()));
                continue;
            }
            Deal deal = mapper.deal(row, state.catalog.dimensionFields(), settings.baseCurrency(), PipedriveClient.DEALS, path);
            deals.add(deal);
            if (PipedriveMapper.closedWithoutTime(row)) {
                warnings.add(new SyncWarning(PipedriveClient.DEALS, null, "won_time", "deal " + deal.id() + " is "
                        + row.status() + " but Pipedrive gives no won_time, lost_time or close_time; closedAt is its update_time"));
            }
            boolean stageChanged = row.stageChangeTime() != null && !row.stageChangeTime().toInstant().isBefore(since);
            if (stageChanged && state.flowCallsLeft > 0) {
                state.flowCallsLeft--;
                transitions.addAll(mapper.path(row, flow(deal.id()), PipedriveClient.DEAL_FLOW));
            } else {
                if (stageChanged) {
                    state.flowsSkipped++;
                }
                transitions.add(mapper.currentStage(row));
            }
        }
        return new DealPage(deals, transitions, deletions, warnings);
    }

    /** The deal's field changes from its flow ({@code items=dealChange}), every page of them. */
    List<PipedriveDtos.FlowChange> flow(String dealId) {
        List<PipedriveDtos.FlowChange> changes = new ArrayList<>();
        Integer start = 0;
        while (start != null) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("items", "dealChange");
            query.put("start", start);
            query.put("limit", PAGE_SIZE);
            Map<String, Object> params = query;
            PipedriveDtos.V1Page<PipedriveDtos.FlowEntry> page = calls.call(PipedriveClient.DEAL_FLOW,
                    () -> client.dealFlow(dealId, params));
            List<PipedriveDtos.FlowEntry> entries = page == null || page.data() == null ? List.of() : page.data();
            for (int i = 0; i < entries.size(); i++) {
                PipedriveDtos.FlowEntry entry = entries.get(i);
                if (!"dealChange".equals(entry.object()) || entry.data() == null || !entry.data().isObject()) {
                    continue;
                }
                try {
                    changes.add(json.treeToValue(entry.data(), PipedriveDtos.FlowChange.class));
                } catch (JacksonException e) {
                    throw new CrmResponseException(PipedriveConnectorFactory.TYPE, PipedriveClient.DEAL_FLOW,
                            "data[" + i + "].data", e.getOriginalMessage(), e);
                }
            }
            start = page == null ? null : page.nextStart(start, entries.size());
        }
        return changes;
    }

    static String rfc3339(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    // ------------------------------------------------------------------ the catalog

    /** Pipelines, stages, users and the fields the dimensions read, as one read sees them. */
    record Catalog(List<Pipeline> pipelines, List<Stage> stages, List<Rep> reps,
                   Map<String, PipedriveFields.Field> dimensionFields, PipedriveFields fields, List<SyncWarning> warnings) {
    }

    private record Cached(Catalog catalog, Instant at) {
    }

    Catalog catalog() {
        return catalog(!settings.dimensions().isEmpty());
    }

    private Catalog catalog(boolean withFields) {
        PipedriveDtos.V1Page<PipedriveDtos.User> users = calls.call(PipedriveClient.USERS, client::users);
        List<PipedriveDtos.Pipeline> pipelines = new ArrayList<>();
        walk(PipedriveClient.PIPELINES, client::pipelines, Map.of(), null, (rows, next) -> pipelines.addAll(rows));
        List<PipedriveDtos.Stage> stages = new ArrayList<>();
        walk(PipedriveClient.STAGES, client::stages, Map.of(), null, (rows, next) -> stages.addAll(rows));
        PipedriveFields fields = withFields ? new PipedriveFields(dealFields()) : PipedriveFields.NONE;
        List<SyncWarning> warnings = new ArrayList<>();
        Map<String, PipedriveFields.Field> dimensionFields = fields.resolve(settings.dimensions(), warnings);
        Catalog catalog = new Catalog(mapper.pipelines(pipelines), mapper.stages(stages, PipedriveClient.STAGES),
                mapper.reps(users == null || users.data() == null ? List.of() : users.data()), dimensionFields, fields, warnings);
        catalogCache = new Cached(catalog, clock.instant());
        return catalog;
    }

    private List<PipedriveDtos.DealField> dealFields() {
        List<PipedriveDtos.DealField> fields = new ArrayList<>();
        Integer start = 0;
        while (start != null) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("start", start);
            query.put("limit", PAGE_SIZE);
            PipedriveDtos.V1Page<PipedriveDtos.DealField> page = calls.call(PipedriveClient.DEAL_FIELDS,
                    () -> client.dealFields(query));
            List<PipedriveDtos.DealField> rows = page == null || page.data() == null ? List.of() : page.data();
            fields.addAll(rows);
            start = page == null ? null : page.nextStart(start, rows.size());
        }
        return fields;
    }

    private Catalog cachedCatalog() {
        Cached cached = catalogCache;
        if (cached != null && Duration.between(cached.at(), clock.instant()).compareTo(CATALOG_MAX_AGE) < 0) {
            return cached.catalog();
        }
        return catalog();
    }

    // ------------------------------------------------------------------ discover, check, status

    @Override
    public Discovery discover() {
        Catalog catalog = catalog(true);
        List<Discovery.Field> fields = catalog.fields().all().stream()
                .map(field -> new Discovery.Field(field.key(), field.name() == null ? field.key() : field.name())).toList();
        return new Discovery(catalog.pipelines(), catalog.stages(), catalog.reps(), null, fields);
    }

    @Override
    public ConnectionCheck check() {
        List<ConnectionCheck.Problem> problems = new ArrayList<>();
        boolean reached = false;
        try {
            PipedriveDtos.Single<PipedriveDtos.Me> me = calls.call(PipedriveClient.USERS_ME, client::me);
            if (me == null || me.data() == null || me.data().id() == null) {
                problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, "pipedrive "
                        + PipedriveClient.USERS_ME + ": base-url answers, but not as Pipedrive's API (no user in the answer); "
                        + "use " + PipedriveConnectorProperties.DEFAULT_BASE_URL));
            } else {
                reached = true;
            }
        } catch (CrmRejectedException e) {
            ConnectionCheck.Kind kind = switch (e.status()) {
                case 401 -> ConnectionCheck.Kind.BAD_CREDENTIALS;
                case 403 -> ConnectionCheck.Kind.MISSING_SCOPE;
                default -> ConnectionCheck.Kind.MISCONFIGURED;
            };
            problems.add(new ConnectionCheck.Problem(kind, e.getMessage()));
        } catch (CrmUnavailableException | CrmRateLimitedException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.UNREACHABLE, e.getMessage()
                    + " (" + properties.baseUrl() + " did not answer the token)"));
        } catch (CrmResponseException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()
                    + " (base-url answers, but not as Pipedrive's API; use " + PipedriveConnectorProperties.DEFAULT_BASE_URL + ")"));
        } catch (CrmCallException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()));
        }
        if (reached && !settings.dimensions().isEmpty()) {
            try {
                List<SyncWarning> warnings = new ArrayList<>();
                new PipedriveFields(dealFields()).resolve(settings.dimensions(), warnings);
                warnings.forEach(w -> problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, w.reason())));
            } catch (CrmCallException e) {
                problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()));
            }
        }
        if (!properties.webhooksConfigured()) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, "webhook-username and "
                    + "webhook-password are not set: Pipedrive's webhook calls will be refused (401) and changes arrive only "
                    + "with the next sync; enter the same HTTP Basic credentials on the webhooks and in the connection"));
        }
        return new ConnectionCheck(problems);
    }

    @Override
    public ConnectorStatus status() {
        return calls.status();
    }

    // ------------------------------------------------------------------ webhooks and re-reads

    @Override
    public List<WebhookEvent> receive(WebhookRequest request) {
        return webhooks.receive(request);
    }

    @Override
    public SyncPage reread(List<RecordRef> records) {
        List<String> dealIds = RecordRef.ids(records, RecordKind.DEAL);
        List<String> activityIds = RecordRef.ids(records, RecordKind.ACTIVITY);
        SyncPage.Builder page = SyncPage.builder();
        if (!dealIds.isEmpty()) {
            Catalog catalog = cachedCatalog();
            Set<String> found = new HashSet<>();
            for (List<String> chunk : chunks(dealIds)) {
                Map<String, Object> query = new LinkedHashMap<>();
                query.put("ids", String.join(",", chunk));
                query.put("limit", PAGE_SIZE);
                customFieldsQuery(catalog).ifPresent(keys -> query.put("custom_fields", keys));
                PipedriveDtos.Page<PipedriveDtos.Deal> answer = calls.call(PipedriveClient.DEALS, () -> client.deals(query));
                List<PipedriveDtos.Deal> rows = answer == null || answer.data() == null ? List.of() : answer.data();
                for (int i = 0; i < rows.size(); i++) {
                    PipedriveDtos.Deal row = rows.get(i);
                    if (row.id() == null || PipedriveMapper.deleted(row)) {
                        continue;
                    }
                    Deal deal = mapper.deal(row, catalog.dimensionFields(), settings.baseCurrency(), PipedriveClient.DEALS,
                            "data[" + i + "]");
                    found.add(deal.id());
                    page.deals(List.of(deal)).transitions(List.of(mapper.currentStage(row)));
                }
            }
            page.deletions(dealIds.stream().filter(id -> !found.contains(id)).map(id -> new RecordRef(RecordKind.DEAL, id)).toList());
        }
        if (!activityIds.isEmpty()) {
            Set<String> found = new HashSet<>();
            for (List<String> chunk : chunks(activityIds)) {
                Map<String, Object> query = new LinkedHashMap<>();
                query.put("ids", String.join(",", chunk));
                query.put("limit", PAGE_SIZE);
                PipedriveDtos.Page<PipedriveDtos.Activity> answer = calls.call(PipedriveClient.ACTIVITIES,
                        () -> client.activities(query));
                List<PipedriveDtos.Activity> rows = answer == null || answer.data() == null ? List.of() : answer.data();
                for (int i = 0; i < rows.size(); i++) {
                    Activity activity = mapper.activity(rows.get(i), PipedriveClient.ACTIVITIES, "data[" + i + "]");
                    if (!activity.deleted()) {
                        found.add(activity.id());
                        page.activities(List.of(activity));
                    }
                }
            }
            page.deletions(activityIds.stream().filter(id -> !found.contains(id))
                    .map(id -> new RecordRef(RecordKind.ACTIVITY, id)).toList());
        }
        return page.build();
    }

    private static List<List<String>> chunks(List<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += IDS_PER_REQUEST) {
            chunks.add(ids.subList(from, Math.min(ids.size(), from + IDS_PER_REQUEST)));
        }
        return chunks;
    }

    // ------------------------------------------------------------------ writes

    @Override
    public String write(CrmWrite write) {
        WriteMarker.requireKey(PipedriveConnectorFactory.TYPE, write);
        CrmWrite fitted = WriteRouting.fit(write, capabilities(), clock.instant()).orElseThrow();
        if (fitted instanceof CrmWrite.Comment comment) {
            return writeComment(comment);
        }
        return writeTask((CrmWrite.Task) fitted);
    }

    /**
     * {@code POST /api/v2/activities} with {@code subject}, {@code type: "task"}, {@code owner_id},
     * {@code deal_id}, {@code due_date} and {@code due_time} (UTC) and a {@code note} ending in the
     * marker. Before creating, and again before a retried attempt (the answer may have been lost after
     * Pipedrive made it), the user's newest activities (of the deal, when there is one) are looked
     * through for the marker; when found, its id is returned and nothing is created.
     */
    private String writeTask(CrmWrite.Task task) {
        Long owner = number(task.assignee(), "owner_id", "a task needs its user (owner_id): the write has no assignee");
        if (task.title() == null || task.title().isBlank()) {
            throw new CrmRejectedException(PipedriveConnectorFactory.TYPE, PipedriveClient.ADD_ACTIVITY, 0, null,
                    "a task needs a subject; the write has no title");
        }
        Long deal = task.dealId() == null || task.dealId().isBlank() ? null
                : number(task.dealId(), "deal_id", "the task's deal id is not a Pipedrive deal id");
        Optional<String> existing = findTask(owner, deal, task.idempotencyKey());
        if (existing.isPresent()) {
            return existing.get();
        }
        Instant due = task.deadline();
        PipedriveDtos.ActivityAdd body = new PipedriveDtos.ActivityAdd(task.title(), "task", owner, deal,
                due == null ? null : DATE.format(due.atOffset(ZoneOffset.UTC)),
                due == null ? null : TIME.format(due.atOffset(ZoneOffset.UTC)), WriteMarker.mark(task.description(), task.idempotencyKey()));
        AtomicInteger attempts = new AtomicInteger();
        return calls.attempt(PipedriveClient.ADD_ACTIVITY, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findTask(owner, deal, task.idempotencyKey());
                if (made.isPresent()) {
                    return made.get();
                }
            }
            PipedriveDtos.Single<PipedriveDtos.Activity> answer = calls.body(client.addActivity(body));
            if (answer == null || answer.data() == null || answer.data().id() == null) {
                throw new CrmResponseException(PipedriveConnectorFactory.TYPE, PipedriveClient.ADD_ACTIVITY, "data.id",
                        "missing", null);
            }
            return answer.data().id().trim();
        });
    }

    private Optional<String> findTask(Long owner, Long deal, String key) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("owner_id", owner);
        if (deal != null) {
            query.put("deal_id", deal);
        }
        query.put("sort_by", "add_time");
        query.put("sort_direction", "desc");
        query.put("limit", PAGE_SIZE);
        String cursor = null;
        for (int page = 0; page < LOOKUP_PAGES; page++) {
            Map<String, Object> params = new LinkedHashMap<>(query);
            if (cursor != null) {
                params.put("cursor", cursor);
            }
            PipedriveDtos.Page<PipedriveDtos.Activity> answer = calls.call(PipedriveClient.ACTIVITIES,
                    () -> client.activities(params));
            if (answer == null || answer.data() == null) {
                return Optional.empty();
            }
            Optional<String> found = answer.data().stream().filter(a -> WriteMarker.carries(a.note(), key))
                    .map(a -> a.id().trim()).findFirst();
            cursor = answer.nextCursor();
            if (found.isPresent() || cursor == null) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * {@code POST /v1/notes} with {@code content} ending in the marker and {@code deal_id}; the deal's
     * newest notes are looked through for the marker first, and again before a retried attempt.
     */
    private String writeComment(CrmWrite.Comment comment) {
        Long deal = number(comment.dealId(), "deal_id", "a comment needs the deal it belongs to (deal_id)");
        Optional<String> existing = findNote(deal, comment.idempotencyKey());
        if (existing.isPresent()) {
            return existing.get();
        }
        PipedriveDtos.NoteAdd body = new PipedriveDtos.NoteAdd(WriteMarker.mark(comment.text(), comment.idempotencyKey()), deal);
        AtomicInteger attempts = new AtomicInteger();
        return calls.attempt(PipedriveClient.ADD_NOTE, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findNote(deal, comment.idempotencyKey());
                if (made.isPresent()) {
                    return made.get();
                }
            }
            PipedriveDtos.Single<PipedriveDtos.Note> answer = calls.body(client.addNote(body));
            if (answer == null || answer.data() == null || answer.data().id() == null) {
                throw new CrmResponseException(PipedriveConnectorFactory.TYPE, PipedriveClient.ADD_NOTE, "data.id", "missing", null);
            }
            return answer.data().id().trim();
        });
    }

    private Optional<String> findNote(Long deal, String key) {
        Integer start = 0;
        for (int page = 0; page < LOOKUP_PAGES && start != null; page++) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("deal_id", deal);
            query.put("start", start);
            query.put("limit", PAGE_SIZE);
            query.put("sort", "add_time DESC");
            PipedriveDtos.V1Page<PipedriveDtos.Note> answer = calls.call(PipedriveClient.NOTES, () -> client.notes(query));
            List<PipedriveDtos.Note> notes = answer == null || answer.data() == null ? List.of() : answer.data();
            Optional<String> found = notes.stream().filter(n -> WriteMarker.carries(n.content(), key)).map(n -> n.id().trim()).findFirst();
            if (found.isPresent()) {
                return found;
            }
            start = answer == null ? null : answer.nextStart(start, notes.size());
        }
        return Optional.empty();
    }

    private static Long number(String id, String field, String missing) {
        if (id == null || id.isBlank()) {
            throw new CrmRejectedException(PipedriveConnectorFactory.TYPE, field, 0, null, missing);
        }
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException e) {
            throw new CrmRejectedException(PipedriveConnectorFactory.TYPE, field, 0, null, field + " must be a Pipedrive id "
                    + "(a whole number), got '" + id + "'");
        }
    }

    @Override
    public String toString() {
        return PipedriveConnectorFactory.TYPE + " connection " + settings.id() + " to " + properties.baseUrl();
    }
}
