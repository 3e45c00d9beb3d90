package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.WriteMarker;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.ListParams;
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
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import io.planpilot.core.kpi.CrmCurrencies;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Bitrix24 portal through an incoming webhook ({@code base-url}), kept current by its outgoing
 * webhooks. Every call goes through the connection's {@link CrmResilience}: Bitrix24's limit is a leaky
 * bucket per portal (2 requests a second drained, blocking above 50; Enterprise 5 and 250), so the
 * default limiter allows 2 a second.
 *
 * <h2>Reads</h2>
 * A read is a {@link WindowCursor} window {@code [since, until]}, {@code until} staying the safety
 * delay behind the read's start. Its steps, each resumable from the page position it stores:
 * <ol>
 *   <li>the catalog, one page: pipelines ({@code crm.category.list}, entityTypeId 2, plus the general
 *       pipeline 0), stages ({@code crm.status.list} of {@code DEAL_STAGE} / {@code DEAL_STAGE_{id}}),
 *       users ({@code user.get}), currencies and the labels of the dimension fields, in one or two
 *       {@code batch} requests;</li>
 *   <li>{@code history:<id>}: stage history ({@code crm.stagehistory.list}, entityTypeId 2) created in
 *       the window ({@code >=CREATED_TIME}), as stage transitions;</li>
 *   <li>{@code deals:<id>}: deals modified in the window ({@code >=DATE_MODIFY}), with their product
 *       rows and, for a closed deal, the moment it entered its closed stage (from the history read
 *       just before, else looked up for the page's closed deals);</li>
 *   <li>{@code activities:<id>}: activities updated in the window ({@code >=LAST_UPDATED});</li>
 *   <li>{@code reconcile}: when due, a {@link Listing} of every deal id and every activity id, so that
 *       deletions whose event was missed (Bitrix24 does not resend events) reach the store. Due on a
 *       full window, and when the window crosses a multiple of {@code reconcile-every} (default one
 *       hour). A full read lists the ids it has just read; other reads walk the ids with
 *       {@code select: ["ID"]}.</li>
 * </ol>
 * Every list is walked along the vendor's fast path: {@code order {ID: ASC}}, {@code filter {">ID": last}},
 * {@code start: -1} (no count). One request reads 50 rows; when a page comes back full the next
 * request is a {@code batch} of chained commands (each asking for the rows after
 * {@code $result[previous][49][ID]}), doubling up to 50 commands, 2,500 rows a request. Pages of 50
 * records reach the store, each with the position after it. Time bounds are inclusive and cut to
 * the second (Bitrix24 keeps seconds), so a record stamped in the bound's second comes again and is
 * de-duplicated by id.
 *
 * <h2>Webhooks, re-reads and writes</h2>
 * {@link #receive} takes the outgoing webhooks ({@link Bitrix24Webhooks}); {@link #reread} reads
 * announced deals and activities by id ({@code filter {"@ID": [...]}}), a deal or activity that is
 * gone coming back as a deletion. Writes carry the adapter's idempotency key as a last line
 * {@code planpilot:<key>} (the {@link WriteMarker}) of the task's description or the comment's text, and
 * look for it before creating anything; the adapter's own writes are recognised by that marker
 * ({@link WriteMarker#keyIn}). The adapter never updates a deal, so its writes cannot start the loop
 * of {@code ONCRMDEALUPDATE} events an update-on-update handler would.
 */
final class Bitrix24Connector implements Connector {

    /** Bitrix24's fixed page size. */
    static final int PAGE_SIZE = 50;
    static final String HISTORY_STEP = "history:";
    static final String DEALS_STEP = "deals:";
    static final String ACTIVITIES_STEP = "activities:";
    static final String RECONCILE_STEP = "reconcile";

    /** What starts the last line of every text the adapter writes: {@code planpilot:<idempotency key>}. */

    static final List<String> DEAL_FIELDS = List.of("ID", "TITLE", "CATEGORY_ID", "STAGE_ID", "STAGE_SEMANTIC_ID",
            "OPPORTUNITY", "CURRENCY_ID", "PROBABILITY", "ASSIGNED_BY_ID", "DATE_CREATE", "DATE_MODIFY", "CLOSEDATE",
            "MOVED_TIME", "CLOSED");
    static final List<String> ACTIVITY_FIELDS = List.of("ID", "OWNER_ID", "OWNER_TYPE_ID", "TYPE_ID", "PROVIDER_ID",
            "SUBJECT", "RESPONSIBLE_ID", "CREATED", "LAST_UPDATED", "DEADLINE", "END_TIME", "COMPLETED");
    static final List<String> HISTORY_FIELDS = List.of("ID", "TYPE_ID", "OWNER_ID", "CREATED_TIME", "CATEGORY_ID",
            "STAGE_SEMANTIC_ID", "STAGE_ID");
    /** The scopes the adapter needs, and what each gives it. */
    static final Map<String, String> SCOPES = scopes();
    private static final DateTimeFormatter FILTER_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
    private static final Duration CATALOG_MAX_AGE = Duration.ofMinutes(10);
    private static final int REMEMBERED_NOTIFICATIONS = 10_000;

    private final ConnectionSettings settings;
    private final Bitrix24ConnectorProperties properties;
    private final Clock clock;
    private final CrmResilience calls;
    private final Bitrix24Client client;
    private final JsonMapper json;
    private final Bitrix24Mapper mapper;
    private final Bitrix24Webhooks webhooks;
    private final Map<String, String> notified = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > REMEMBERED_NOTIFICATIONS;
                }
            });
    private volatile Cached catalogCache;

    /** The deal's card on the portal: {@code https://<portal>/crm/deal/details/<id>/}, the portal taken from the webhook URL. */
    @Override
    public java.util.Optional<String> dealUrl(String dealId) {
        if (dealId == null || !dealId.matches("\\d+")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(properties.baseUrl().resolve("/crm/deal/details/" + dealId + "/").toString());
    }

    Bitrix24Connector(ConnectionSettings settings, Bitrix24ConnectorProperties properties) {
        this(settings, properties, Clock.systemUTC());
    }

    Bitrix24Connector(ConnectionSettings settings, Bitrix24ConnectorProperties properties, Clock clock) {
        this.settings = settings;
        this.properties = properties;
        this.clock = clock;
        this.json = JacksonCodec.emptyStringsAsNullMapper();
        this.calls = new CrmResilience(Bitrix24ConnectorFactory.TYPE, settings.id(), properties.policy(), clock);
        this.client = CrmClients.feign(Bitrix24Client.class, properties.baseUrl().toString(), Bitrix24ConnectorFactory.TYPE,
                properties.policy(), new Bitrix24Errors(clock), new JacksonCodec(Bitrix24ConnectorFactory.TYPE, json));
        this.mapper = new Bitrix24Mapper(settings.id(), settings.dimensions());
        this.webhooks = new Bitrix24Webhooks(properties.applicationToken());
    }

    /** Lenient about unknown fields (Bitrix24 adds them), strict about types; an empty string reads as null. */
    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, false, true, true, true, true, true);
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
                .currencies(catalog.currencies())
                .warnings(catalog.warnings()).mappedDimensions(settings.dimensions().keySet()).cursor(window.format()).build());

        String position = window.position();
        int step = step(position);
        ReadState state = new ReadState(window, catalog);
        if (step <= 0) {
            boolean fromStart = position == null;
            readHistory(state, fromStart ? "0" : after(position, HISTORY_STEP), pages);
            state.historyCoversAll = fromStart && fullWindow;
        }
        if (step <= 1) {
            state.dealIds = step < 1 && fullWindow ? new HashSet<>() : null;
            readDeals(state, step == 1 ? after(position, DEALS_STEP) : "0", pages);
        }
        if (step <= 2) {
            state.activityIds = step < 2 && fullWindow ? new HashSet<>() : null;
            readActivities(state, step == 2 ? after(position, ACTIVITIES_STEP) : "0", pages);
        }
        SyncPage.Builder last = SyncPage.builder();
        if (window.reconcileDue(properties.reconcileEvery())) {
            pages.accept(SyncPage.builder().cursor(window.atPosition(RECONCILE_STEP).format()).build());
            last.listing(new Listing(RecordKind.DEAL, state.dealIds != null ? state.dealIds : ids(dealIdSpec())));
            last.listing(new Listing(RecordKind.ACTIVITY, state.activityIds != null ? state.activityIds : ids(activityIdSpec())));
        }
        pages.accept(last.cursor(window.finished().format()).build());
    }

    /** What one read carries from step to step. */
    private static final class ReadState {
        final WindowCursor window;
        final Catalog catalog;
        /** Per deal, the latest stage-history entry this read saw. */
        final Map<String, Bitrix24Dtos.HistoryItem> latestEntry = new HashMap<>();
        boolean historyCoversAll;
        Set<String> dealIds;
        Set<String> activityIds;

        ReadState(WindowCursor window, Catalog catalog) {
            this.window = window;
            this.catalog = catalog;
        }
    }

    /** 0 history, 1 deals, 2 activities, 3 reconcile; a position this connector did not write starts over. */
    private static int step(String position) {
        if (position == null || position.startsWith(HISTORY_STEP)) {
            return 0;
        }
        if (position.startsWith(DEALS_STEP)) {
            return 1;
        }
        if (position.startsWith(ACTIVITIES_STEP)) {
            return 2;
        }
        return position.equals(RECONCILE_STEP) ? 3 : 0;
    }

    private static String after(String position, String step) {
        if (position == null || !position.startsWith(step)) {
            return "0";
        }
        String id = position.substring(step.length());
        return id.matches("\\d+") ? id : "0";
    }

    private void readHistory(ReadState state, String afterId, PageConsumer pages) {
        Map<String, Object> filter = new LinkedHashMap<>();
        if (!state.window.since().equals(Instant.EPOCH)) {
            filter.put(">=CREATED_TIME", filterTime(state.window.since()));
        }
        walk(historySpec(filter), afterId, 1, rows -> {
            List<StageTransition> transitions = new ArrayList<>();
            for (Row<Bitrix24Dtos.HistoryItem> row : rows) {
                StageTransition transition = mapper.transition(row.value(), row.endpoint(), row.path());
                transitions.add(transition);
                state.latestEntry.merge(transition.deal(), row.value(), Bitrix24Connector::later);
            }
            String lastId = rows.get(rows.size() - 1).id();
            pages.accept(SyncPage.builder().transitions(transitions)
                    .cursor(state.window.atPosition(HISTORY_STEP + lastId).format()).build());
        });
    }

    private void readDeals(ReadState state, String afterId, PageConsumer pages) {
        Map<String, Object> filter = new LinkedHashMap<>();
        if (!state.window.since().equals(Instant.EPOCH)) {
            filter.put(">=DATE_MODIFY", filterTime(state.window.since()));
        }
        walk(dealSpec(filter), afterId, 1, rows -> {
            DealPage page = dealPage(rows, state.catalog, state.latestEntry, state.historyCoversAll);
            if (state.dealIds != null) {
                page.deals().forEach(deal -> state.dealIds.add(deal.id()));
            }
            String lastId = rows.get(rows.size() - 1).id();
            pages.accept(SyncPage.builder().deals(page.deals()).transitions(page.transitions()).warnings(page.warnings())
                    .cursor(state.window.atPosition(DEALS_STEP + lastId).format()).build());
        });
    }

    private void readActivities(ReadState state, String afterId, PageConsumer pages) {
        Map<String, Object> filter = new LinkedHashMap<>();
        if (!state.window.since().equals(Instant.EPOCH)) {
            filter.put(">=LAST_UPDATED", filterTime(state.window.since()));
        }
        walk(activitySpec(filter, ACTIVITY_FIELDS), afterId, 1, rows -> {
            List<Activity> activities = new ArrayList<>();
            for (Row<Bitrix24Dtos.Activity> row : rows) {
                Activity activity = mapper.activity(row.value(), row.endpoint(), row.path());
                activities.add(activity);
                if (state.activityIds != null) {
                    state.activityIds.add(activity.id());
                }
            }
            String lastId = rows.get(rows.size() - 1).id();
            pages.accept(SyncPage.builder().activities(activities)
                    .cursor(state.window.atPosition(ACTIVITIES_STEP + lastId).format()).build());
        });
    }

    /** Every id of a list (reconciliation), walked with {@code select: ["ID"]}. */
    private Set<String> ids(ListSpec<Bitrix24Dtos.IdRow> spec) {
        Set<String> ids = new HashSet<>();
        walk(spec, "0", 1, rows -> rows.forEach(row -> ids.add(row.id())));
        return ids;
    }

    private static Bitrix24Dtos.HistoryItem later(Bitrix24Dtos.HistoryItem a, Bitrix24Dtos.HistoryItem b) {
        return idNumber(b.id()) > idNumber(a.id()) ? b : a;
    }

    private static long idNumber(String id) {
        try {
            return Long.parseLong(id.trim());
        } catch (NumberFormatException | NullPointerException e) {
            return -1;
        }
    }

    /** A page of deals made whole: product rows, and when each closed deal entered its closed stage. */
    private record DealPage(List<Deal> deals, List<StageTransition> transitions, List<SyncWarning> warnings) {
    }

    private DealPage dealPage(List<Row<Bitrix24Dtos.Deal>> rows, Catalog catalog,
                              Map<String, Bitrix24Dtos.HistoryItem> latestEntry, boolean historyCoversAll) {
        Map<String, List<Bitrix24Dtos.ProductRow>> productRows = properties.productRows()
                ? productRows(rows.stream().map(Row::id).toList()) : Map.of();
        Map<String, Instant> entered = new HashMap<>();
        List<String> lookUp = new ArrayList<>();
        for (Row<Bitrix24Dtos.Deal> row : rows) {
            Bitrix24Dtos.Deal deal = row.value();
            if (!closed(deal, catalog)) {
                continue;
            }
            Bitrix24Dtos.HistoryItem latest = latestEntry.get(row.id());
            if (latest != null && deal.stageId() != null && deal.stageId().equals(latest.stageId())
                    && latest.createdTime() != null) {
                entered.put(row.id(), latest.createdTime().toInstant());
            } else if (!historyCoversAll || latest != null) {
                lookUp.add(row.id());
            }
        }
        List<StageTransition> transitions = new ArrayList<>();
        if (!lookUp.isEmpty()) {
            Map<String, List<Row<Bitrix24Dtos.HistoryItem>>> history = historyOf(lookUp);
            for (Row<Bitrix24Dtos.Deal> row : rows) {
                List<Row<Bitrix24Dtos.HistoryItem>> items = history.get(row.id());
                if (items == null) {
                    continue;
                }
                for (Row<Bitrix24Dtos.HistoryItem> item : items) {
                    transitions.add(mapper.transition(item.value(), item.endpoint(), item.path()));
                    if (item.value().stageId() != null && item.value().stageId().equals(row.value().stageId())
                            && item.value().createdTime() != null) {
                        entered.put(row.id(), item.value().createdTime().toInstant());
                    }
                }
            }
        }
        List<Deal> deals = new ArrayList<>();
        List<SyncWarning> warnings = new ArrayList<>();
        for (Row<Bitrix24Dtos.Deal> row : rows) {
            Bitrix24Dtos.Deal dto = row.value();
            Bitrix24Mapper.DealContext context = new Bitrix24Mapper.DealContext(catalog.stageStatus(), entered.get(row.id()),
                    productRows.get(row.id()), catalog.labels(), catalog.defaultCurrency());
            Deal deal = mapper.deal(dto, context, row.endpoint(), row.path());
            if (deal.status().isClosed() && entered.get(row.id()) == null && dto.movedTime() == null) {
                warnings.add(new SyncWarning(row.endpoint(), null, "MOVED_TIME", "deal " + deal.id()
                        + " is closed but neither its stage history nor MOVED_TIME says when; closedAt is its DATE_MODIFY"));
            }
            deals.add(deal);
        }
        return new DealPage(deals, transitions, warnings);
    }

    private static boolean closed(Bitrix24Dtos.Deal deal, Catalog catalog) {
        DealStatus status = deal.stageId() == null ? null : catalog.stageStatus().get(deal.stageId());
        if (status != null) {
            return status.isClosed();
        }
        String semantic = deal.stageSemanticId();
        return semantic != null && (semantic.trim().equalsIgnoreCase("S") || semantic.trim().equalsIgnoreCase("F"));
    }

    /** The stage history of the given deals, by deal, oldest first. */
    private Map<String, List<Row<Bitrix24Dtos.HistoryItem>>> historyOf(List<String> dealIds) {
        Map<String, List<Row<Bitrix24Dtos.HistoryItem>>> history = new HashMap<>();
        for (int from = 0; from < dealIds.size(); from += PAGE_SIZE) {
            List<String> chunk = dealIds.subList(from, Math.min(dealIds.size(), from + PAGE_SIZE));
            Map<String, Object> filter = new LinkedHashMap<>();
            filter.put("@OWNER_ID", List.copyOf(chunk));
            int commands = Math.min(Bitrix24Batch.MAX_COMMANDS, Math.max(1, (chunk.size() * 3 + PAGE_SIZE - 1) / PAGE_SIZE));
            walk(historySpec(filter), "0", commands, rows -> rows.forEach(row ->
                    history.computeIfAbsent(row.value().ownerId(), id -> new ArrayList<>()).add(row)));
        }
        return history;
    }

    /** Each deal's product rows ({@code crm.deal.productrows.get}, 50 deals a {@code batch}); a deal gone meanwhile has none. */
    private Map<String, List<Bitrix24Dtos.ProductRow>> productRows(List<String> dealIds) {
        Map<String, List<Bitrix24Dtos.ProductRow>> rows = new HashMap<>();
        JavaType type = json.getTypeFactory().constructCollectionType(List.class, Bitrix24Dtos.ProductRow.class);
        for (int from = 0; from < dealIds.size(); from += Bitrix24Batch.MAX_COMMANDS) {
            List<String> chunk = dealIds.subList(from, Math.min(dealIds.size(), from + Bitrix24Batch.MAX_COMMANDS));
            Map<String, String> commands = new LinkedHashMap<>();
            for (int i = 0; i < chunk.size(); i++) {
                commands.put("r" + i, Bitrix24Batch.command(Bitrix24Client.DEAL_PRODUCTROWS_GET, Map.of("id", chunk.get(i))));
            }
            rows.putAll(calls.call(Bitrix24Client.BATCH_DEAL_PRODUCTROWS_GET, () -> {
                Bitrix24Batch batch = batch(Bitrix24Client.BATCH_DEAL_PRODUCTROWS_GET,
                        client.batchProductRows(Bitrix24Batch.request(commands)));
                Map<String, List<Bitrix24Dtos.ProductRow>> read = new HashMap<>();
                for (int i = 0; i < chunk.size(); i++) {
                    String command = "r" + i;
                    Optional<Bitrix24Batch.CommandError> error = batch.error(command);
                    if (error.isPresent()) {
                        if (notFound(error.get())) {
                            continue;
                        }
                        throw batch.failure(error.get(), Bitrix24Client.DEAL_PRODUCTROWS_GET);
                    }
                    List<Bitrix24Dtos.ProductRow> dealRows = batch.read(command, "", type);
                    read.put(chunk.get(i), dealRows == null ? List.of() : dealRows);
                }
                return read;
            }));
        }
        return rows;
    }

    private static boolean notFound(Bitrix24Batch.CommandError error) {
        return error.code().equalsIgnoreCase("NOT_FOUND") || error.description().toLowerCase(Locale.ROOT).startsWith("not found");
    }

    // ------------------------------------------------------------------ the fast path

    /** A row as read, with where it came from (for errors naming the field). */
    record Row<T>(T value, String id, String endpoint, String path) {
    }

    /**
     * How to walk one list method along the fast path.
     *
     * @param rowsPath where the rows are in a command's result: empty (the result is the list) or {@code items}
     */
    private record ListSpec<T>(String method, String plainEndpoint, String batchEndpoint, Integer entityTypeId,
                               Map<String, Object> filter, List<String> select, String rowsPath, JavaType rowType,
                               Function<ListParams, List<T>> plainCall,
                               Function<Bitrix24Dtos.BatchRequest, Bitrix24Dtos.Batch> batchCall,
                               Function<T, String> id) {
    }

    /** A walk's chunk: the rows read, and whether the list ended. */
    private record Chunk<T>(List<Row<T>> rows, boolean exhausted) {
    }

    /**
     * Walks {@code spec} from after {@code afterId} to the end, handing pages of at most 50 rows to
     * {@code consumer}. The first request reads {@code commands} pages (1: a plain call); after each
     * full chunk the next chains twice as many, up to 50.
     */
    private <T> void walk(ListSpec<T> spec, String afterId, int commands, java.util.function.Consumer<List<Row<T>>> consumer) {
        String after = afterId;
        int size = Math.max(1, Math.min(Bitrix24Batch.MAX_COMMANDS, commands));
        while (true) {
            Chunk<T> chunk = fetch(spec, after, size);
            List<Row<T>> rows = chunk.rows();
            for (int from = 0; from < rows.size(); from += PAGE_SIZE) {
                consumer.accept(rows.subList(from, Math.min(rows.size(), from + PAGE_SIZE)));
            }
            if (chunk.exhausted() || rows.isEmpty()) {
                return;
            }
            after = rows.get(rows.size() - 1).id();
            size = Math.min(Bitrix24Batch.MAX_COMMANDS, size * 2);
        }
    }

    private <T> Chunk<T> fetch(ListSpec<T> spec, String afterId, int commands) {
        if (commands == 1) {
            ListParams params = params(spec, afterId);
            List<T> rows = calls.call(spec.plainEndpoint(), () -> spec.plainCall().apply(params));
            List<Row<T>> read = new ArrayList<>();
            String prefix = spec.rowsPath().isEmpty() ? "result" : "result." + spec.rowsPath();
            for (int i = 0; rows != null && i < rows.size(); i++) {
                read.add(row(spec, rows.get(i), spec.plainEndpoint(), prefix + "[" + i + "]"));
            }
            return new Chunk<>(read, read.size() < PAGE_SIZE);
        }
        Map<String, String> batch = new LinkedHashMap<>();
        for (int i = 0; i < commands; i++) {
            Object after = i == 0 ? afterId : spec.rowsPath().isEmpty()
                    ? Bitrix24Batch.reference("c" + (i - 1), String.valueOf(PAGE_SIZE - 1), "ID")
                    : Bitrix24Batch.reference("c" + (i - 1), spec.rowsPath(), String.valueOf(PAGE_SIZE - 1), "ID");
            batch.put("c" + i, Bitrix24Batch.command(spec.method(), params(spec, after).asMap()));
        }
        JavaType listType = json.getTypeFactory().constructCollectionType(List.class, spec.rowType());
        return calls.call(spec.batchEndpoint(), () -> {
            Bitrix24Batch answer = batch(spec.batchEndpoint(), spec.batchCall().apply(Bitrix24Batch.request(batch)));
            List<Row<T>> read = new ArrayList<>();
            for (int i = 0; i < commands; i++) {
                String command = "c" + i;
                Optional<Bitrix24Batch.CommandError> error = answer.error(command);
                if (error.isPresent()) {
                    throw answer.failure(error.get(), spec.method());
                }
                if (!answer.has(command)) {
                    throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, spec.batchEndpoint(),
                            "result.result." + command, "missing (the command neither answered nor failed)", null);
                }
                List<T> rows = answer.read(command, spec.rowsPath(), listType);
                int count = rows == null ? 0 : rows.size();
                String prefix = "result.result." + command + (spec.rowsPath().isEmpty() ? "" : "." + spec.rowsPath());
                for (int j = 0; j < count; j++) {
                    read.add(row(spec, rows.get(j), spec.batchEndpoint(), prefix + "[" + j + "]"));
                }
                if (count < PAGE_SIZE) {
                    // the list ended here; the commands after it referred to a row that does not exist
                    return new Chunk<>(read, true);
                }
            }
            return new Chunk<>(read, false);
        });
    }

    private <T> Row<T> row(ListSpec<T> spec, T value, String endpoint, String path) {
        String id = spec.id().apply(value);
        if (id == null || id.isBlank()) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path + ".ID", "missing", null);
        }
        return new Row<>(value, id.trim(), endpoint, path);
    }

    private static ListParams params(ListSpec<?> spec, Object afterId) {
        Map<String, Object> filter = new LinkedHashMap<>(spec.filter());
        filter.put(">ID", afterId);
        return new ListParams(spec.entityTypeId(), Map.of("ID", "ASC"), filter, spec.select(), -1);
    }

    private ListSpec<Bitrix24Dtos.Deal> dealSpec(Map<String, Object> filter) {
        List<String> select = new ArrayList<>(DEAL_FIELDS);
        settings.dimensions().values().stream().filter(field -> !select.contains(field)).forEach(select::add);
        return new ListSpec<>(Bitrix24Client.DEAL_LIST, Bitrix24Client.DEAL_LIST, Bitrix24Client.BATCH_DEAL_LIST, null,
                filter, select, "", json.constructType(Bitrix24Dtos.Deal.class),
                params -> client.dealList(params).result(), client::batchDealList, Bitrix24Dtos.Deal::id);
    }

    private ListSpec<Bitrix24Dtos.IdRow> dealIdSpec() {
        return new ListSpec<>(Bitrix24Client.DEAL_LIST, Bitrix24Client.DEAL_LIST, Bitrix24Client.BATCH_DEAL_LIST, null,
                Map.of(), List.of("ID"), "", json.constructType(Bitrix24Dtos.IdRow.class),
                params -> client.dealList(params).result().stream().map(d -> new Bitrix24Dtos.IdRow(d.id())).toList(),
                client::batchDealList, Bitrix24Dtos.IdRow::id);
    }

    private ListSpec<Bitrix24Dtos.Activity> activitySpec(Map<String, Object> filter, List<String> select) {
        return new ListSpec<>(Bitrix24Client.ACTIVITY_LIST, Bitrix24Client.ACTIVITY_LIST, Bitrix24Client.BATCH_ACTIVITY_LIST,
                null, filter, select, "", json.constructType(Bitrix24Dtos.Activity.class),
                params -> client.activityList(params).result(), client::batchActivityList, Bitrix24Dtos.Activity::id);
    }

    private ListSpec<Bitrix24Dtos.IdRow> activityIdSpec() {
        return new ListSpec<>(Bitrix24Client.ACTIVITY_LIST, Bitrix24Client.ACTIVITY_LIST, Bitrix24Client.BATCH_ACTIVITY_LIST,
                null, Map.of(), List.of("ID"), "", json.constructType(Bitrix24Dtos.IdRow.class),
                params -> client.activityList(params).result().stream().map(a -> new Bitrix24Dtos.IdRow(a.id())).toList(),
                client::batchActivityList, Bitrix24Dtos.IdRow::id);
    }

    private ListSpec<Bitrix24Dtos.HistoryItem> historySpec(Map<String, Object> filter) {
        return new ListSpec<>(Bitrix24Client.STAGEHISTORY_LIST, Bitrix24Client.STAGEHISTORY_LIST,
                Bitrix24Client.BATCH_STAGEHISTORY_LIST, 2, filter, HISTORY_FIELDS, "items",
                json.constructType(Bitrix24Dtos.HistoryItem.class),
                params -> {
                    Bitrix24Dtos.Result<Bitrix24Dtos.HistoryItems> answer = client.stageHistoryList(params);
                    return answer == null || answer.result() == null || answer.result().items() == null ? List.of()
                            : answer.result().items();
                },
                client::batchStageHistoryList, Bitrix24Dtos.HistoryItem::id);
    }

    private Bitrix24Batch batch(String endpoint, Bitrix24Dtos.Batch answer) {
        return new Bitrix24Batch(endpoint, answer, json, clock);
    }

    /** A time bound for a filter: cut to the second (Bitrix24 keeps seconds), so the bound stays inclusive. */
    static String filterTime(Instant instant) {
        return FILTER_TIME.format(instant.truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC));
    }

    // ------------------------------------------------------------------ the catalog

    /** Pipelines, stages, users, currencies and dimension labels, as one read sees them. */
    record Catalog(List<Pipeline> pipelines, List<Stage> stages, List<Rep> reps, Map<String, DealStatus> stageStatus,
                   CrmCurrencies currencies, String defaultCurrency, Bitrix24Mapper.Labels labels,
                   List<SyncWarning> warnings) {
    }

    private record Cached(Catalog catalog, Instant at) {
    }

    /** The catalog, read now: one {@code batch}, and a second for other pipelines' stages, more users and directories. */
    Catalog catalog() {
        Map<String, String> first = new LinkedHashMap<>();
        first.put("categories", Bitrix24Batch.command(Bitrix24Client.CATEGORY_LIST, Map.of("entityTypeId", 2)));
        first.put("stages_0", statusCommand(Bitrix24Mapper.stageEntity(Bitrix24Mapper.DEFAULT_PIPELINE)));
        first.put("users_0", usersCommand(0));
        first.put("currencies", Bitrix24Batch.command(Bitrix24Client.CURRENCY_LIST, Map.of()));
        boolean customFields = settings.dimensions().values().stream().anyMatch(field -> field.startsWith("UF_"));
        if (customFields) {
            first.put("userfields", Bitrix24Batch.command(Bitrix24Client.DEAL_USERFIELD_LIST, Map.of()));
        }
        Map<String, String> directories = new LinkedHashMap<>();
        settings.dimensions().values().forEach(field -> {
            if (field.equals("TYPE_ID")) {
                directories.put(field, "DEAL_TYPE");
            } else if (field.equals("SOURCE_ID")) {
                directories.put(field, "SOURCE");
            }
        });
        new TreeSet<>(directories.values()).forEach(entity -> first.put("dir_" + entity, statusCommand(entity)));

        List<SyncWarning> warnings = new ArrayList<>();
        JavaType statuses = listOf(Bitrix24Dtos.Status.class);
        JavaType users = listOf(Bitrix24Dtos.User.class);
        FirstCatalog one = calls.call(Bitrix24Client.BATCH_CATALOG, () -> {
            Bitrix24Batch batch = batch(Bitrix24Client.BATCH_CATALOG, client.batchCatalog(Bitrix24Batch.request(first)));
            require(batch, "categories", Bitrix24Client.CATEGORY_LIST);
            require(batch, "stages_0", Bitrix24Client.STATUS_LIST);
            require(batch, "users_0", Bitrix24Client.USER_GET);
            Bitrix24Dtos.Categories categories = batch.read("categories", "", json.constructType(Bitrix24Dtos.Categories.class));
            List<Bitrix24Dtos.Status> defaultStages = batch.read("stages_0", "", statuses);
            List<Bitrix24Dtos.User> firstUsers = batch.read("users_0", "", users);
            JsonNode total = batch.total("users_0");
            List<Bitrix24Dtos.Currency> currencies = null;
            List<SyncWarning> found = new ArrayList<>();
            if (batch.error("currencies").isPresent()) {
                found.add(warning(batch.error("currencies").get(), Bitrix24Client.CURRENCY_LIST,
                        "the portal's currency rates are not read; adapter.currency-rates apply"));
            } else {
                currencies = batch.read("currencies", "", listOf(Bitrix24Dtos.Currency.class));
            }
            List<Bitrix24Dtos.UserField> fields = null;
            if (first.containsKey("userfields")) {
                if (batch.error("userfields").isPresent()) {
                    found.add(warning(batch.error("userfields").get(), Bitrix24Client.DEAL_USERFIELD_LIST,
                            "custom dimension fields keep their raw values (crm.deal.userfield.list needs a CRM administrator's webhook)"));
                } else {
                    fields = batch.read("userfields", "", listOf(Bitrix24Dtos.UserField.class));
                }
            }
            Map<String, List<Bitrix24Dtos.Status>> dirs = new HashMap<>();
            for (String entity : new TreeSet<>(directories.values())) {
                if (batch.error("dir_" + entity).isPresent()) {
                    found.add(warning(batch.error("dir_" + entity).get(), Bitrix24Client.STATUS_LIST,
                            entity + " values keep their codes"));
                } else {
                    dirs.put(entity, batch.read("dir_" + entity, "", statuses));
                }
            }
            return new FirstCatalog(categories == null || categories.categories() == null ? List.of() : categories.categories(),
                    defaultStages == null ? List.of() : defaultStages, firstUsers == null ? List.of() : firstUsers,
                    total == null ? 0 : total.asInt(0), currencies, fields, dirs, found);
        });
        warnings.addAll(one.warnings());

        List<Pipeline> pipelines = mapper.pipelines(one.categories());
        Map<String, String> second = new LinkedHashMap<>();
        for (Pipeline pipeline : pipelines) {
            if (!pipeline.id().equals(Bitrix24Mapper.DEFAULT_PIPELINE)) {
                second.put("stages_" + pipeline.id(), statusCommand(Bitrix24Mapper.stageEntity(pipeline.id())));
            }
        }
        for (int start = PAGE_SIZE; start < one.userTotal() && second.size() < Bitrix24Batch.MAX_COMMANDS; start += PAGE_SIZE) {
            second.put("users_" + start, usersCommand(start));
        }
        Map<String, String> customDirectories = new LinkedHashMap<>();
        if (one.fields() != null) {
            for (Bitrix24Dtos.UserField field : one.fields()) {
                if (settings.dimensions().containsValue(field.fieldName()) && "crm_status".equals(field.userTypeId())
                        && field.settings() != null && field.settings().isObject() && field.settings().has("ENTITY_TYPE")) {
                    String entity = field.settings().get("ENTITY_TYPE").asString("");
                    if (!entity.isEmpty()) {
                        customDirectories.put(field.fieldName(), entity);
                        if (!one.directories().containsKey(entity) && second.size() < Bitrix24Batch.MAX_COMMANDS) {
                            second.put("dir_" + entity, statusCommand(entity));
                        }
                    }
                }
            }
        }
        Map<String, List<Bitrix24Dtos.Status>> stagesByPipeline = new LinkedHashMap<>();
        stagesByPipeline.put(Bitrix24Mapper.DEFAULT_PIPELINE, one.defaultStages());
        List<Bitrix24Dtos.User> allUsers = new ArrayList<>(one.users());
        Map<String, List<Bitrix24Dtos.Status>> dirs = new HashMap<>(one.directories());
        if (!second.isEmpty()) {
            calls.run(Bitrix24Client.BATCH_STATUS_LIST, () -> {
                Bitrix24Batch batch = batch(Bitrix24Client.BATCH_STATUS_LIST, client.batchStatusList(Bitrix24Batch.request(second)));
                for (String command : second.keySet()) {
                    Optional<Bitrix24Batch.CommandError> error = batch.error(command);
                    if (command.startsWith("dir_")) {
                        if (error.isPresent()) {
                            warnings.add(warning(error.get(), Bitrix24Client.STATUS_LIST, command.substring(4) + " values keep their codes"));
                        } else {
                            dirs.put(command.substring(4), batch.read(command, "", statuses));
                        }
                        continue;
                    }
                    if (error.isPresent()) {
                        throw batch.failure(error.get(), command.startsWith("users_") ? Bitrix24Client.USER_GET : Bitrix24Client.STATUS_LIST);
                    }
                    if (command.startsWith("stages_")) {
                        List<Bitrix24Dtos.Status> list = batch.read(command, "", statuses);
                        stagesByPipeline.put(command.substring("stages_".length()), list == null ? List.of() : list);
                    } else {
                        List<Bitrix24Dtos.User> list = batch.read(command, "", users);
                        if (list != null) {
                            allUsers.addAll(list);
                        }
                    }
                }
            });
        }
        List<Stage> stages = new ArrayList<>();
        Map<String, DealStatus> stageStatus = new HashMap<>();
        stagesByPipeline.forEach((pipeline, list) -> {
            for (Stage stage : mapper.stages(pipeline, list, Bitrix24Client.STATUS_LIST, "result")) {
                stages.add(stage);
                stageStatus.put(stage.id(), stage.semantic());
            }
        });
        CrmCurrencies currencies = one.currencies() == null ? null : Bitrix24Mapper.currencies(one.currencies());
        String defaultCurrency = currencies != null ? currencies.baseCurrency() : settings.baseCurrency();
        Map<String, Map<String, String>> labels = new HashMap<>();
        if (one.fields() != null) {
            for (Bitrix24Dtos.UserField field : one.fields()) {
                if (field.list() != null && !field.list().isEmpty()) {
                    Map<String, String> items = new HashMap<>();
                    field.list().forEach(item -> {
                        if (item.id() != null && item.value() != null) {
                            items.put(item.id(), item.value());
                        }
                    });
                    labels.put(field.fieldName(), items);
                }
            }
        }
        Map<String, String> byEntity = new HashMap<>(directories);
        byEntity.putAll(customDirectories);
        byEntity.forEach((field, entity) -> {
            List<Bitrix24Dtos.Status> items = dirs.get(entity);
            if (items != null) {
                Map<String, String> names = new HashMap<>();
                items.forEach(item -> {
                    if (item.statusId() != null && item.name() != null) {
                        names.put(item.statusId(), item.name());
                    }
                });
                labels.put(field, names);
            }
        });
        Catalog catalog = new Catalog(pipelines, stages, mapper.reps(allUsers), stageStatus, currencies, defaultCurrency,
                new Bitrix24Mapper.Labels(labels), warnings);
        catalogCache = new Cached(catalog, clock.instant());
        return catalog;
    }

    private record FirstCatalog(List<Bitrix24Dtos.Category> categories, List<Bitrix24Dtos.Status> defaultStages,
                                List<Bitrix24Dtos.User> users, int userTotal, List<Bitrix24Dtos.Currency> currencies,
                                List<Bitrix24Dtos.UserField> fields, Map<String, List<Bitrix24Dtos.Status>> directories,
                                List<SyncWarning> warnings) {
    }

    private Catalog cachedCatalog() {
        Cached cached = catalogCache;
        if (cached != null && Duration.between(cached.at(), clock.instant()).compareTo(CATALOG_MAX_AGE) < 0) {
            return cached.catalog();
        }
        return catalog();
    }

    private static void require(Bitrix24Batch batch, String command, String method) {
        Optional<Bitrix24Batch.CommandError> error = batch.error(command);
        if (error.isPresent()) {
            throw batch.failure(error.get(), method);
        }
    }

    private static SyncWarning warning(Bitrix24Batch.CommandError error, String method, String consequence) {
        String code = error.code().isEmpty() ? "" : error.code() + " ";
        return new SyncWarning(method, null, null, method + " failed (" + code + error.description().trim() + "): " + consequence);
    }

    private static String statusCommand(String entity) {
        return Bitrix24Batch.command(Bitrix24Client.STATUS_LIST, Map.of("filter", Map.of("ENTITY_ID", entity),
                "order", Map.of("SORT", "ASC")));
    }

    private static String usersCommand(int start) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("SORT", "ID");
        params.put("ORDER", "ASC");
        params.put("start", start);
        return Bitrix24Batch.command(Bitrix24Client.USER_GET, params);
    }

    private JavaType listOf(Class<?> type) {
        return json.getTypeFactory().constructCollectionType(List.class, type);
    }

    // ------------------------------------------------------------------ discover, check, status

    @Override
    public Discovery discover() {
        Catalog catalog = catalog();
        Map<String, Bitrix24Dtos.FieldDescription> described = calls.call(Bitrix24Client.DEAL_FIELDS,
                () -> client.dealFields(Map.of())).result();
        List<Discovery.Field> fields = new ArrayList<>();
        if (described != null) {
            described.forEach((name, field) -> {
                String label = field.listLabel() != null ? field.listLabel() : field.formLabel() != null ? field.formLabel()
                        : field.title();
                fields.add(new Discovery.Field(name, label == null ? name : label));
            });
        }
        return new Discovery(catalog.pipelines(), catalog.stages(), catalog.reps(), catalog.currencies(), fields);
    }

    @Override
    public ConnectionCheck check() {
        List<ConnectionCheck.Problem> problems = new ArrayList<>();
        try {
            Bitrix24Dtos.Result<List<String>> answer = calls.call(Bitrix24Client.SCOPE, () -> client.scope(Map.of()));
            Set<String> granted = new HashSet<>();
            if (answer != null && answer.result() != null) {
                answer.result().forEach(scope -> granted.add(scope.trim().toLowerCase(Locale.ROOT)));
            }
            SCOPES.forEach((scope, use) -> {
                boolean has = granted.contains(scope) || (scope.equals("user")
                        && (granted.contains("user_basic") || granted.contains("user_brief")));
                if (!has) {
                    problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISSING_SCOPE, "the incoming webhook lacks the "
                            + scope + " scope: " + use + ". Edit the webhook (Applications > Developer resources > Integrations), "
                            + "add the permission " + scope + " and save (an administrator editing someone else's webhook gives it a new "
                            + "secret: then copy its new URL into base-url)"));
                }
            });
        } catch (CrmRejectedException e) {
            problems.add(new ConnectionCheck.Problem(checkKind(e), e.getMessage()));
        } catch (CrmUnavailableException | CrmRateLimitedException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.UNREACHABLE, e.getMessage()
                    + " (the portal " + properties.portal() + " did not answer the webhook)"));
        } catch (CrmResponseException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()
                    + " (base-url answers, but not as a Bitrix24 incoming webhook; copy the webhook's URL from "
                    + "Applications > Developer resources > Integrations)"));
        } catch (CrmCallException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()));
        }
        if (properties.applicationToken() == null) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, "application-token is not set: "
                    + "the portal's outgoing webhook calls will be refused (401) and changes arrive only with the next sync; "
                    + "copy the token the outgoing webhook's form shows into application-token"));
        }
        return new ConnectionCheck(problems);
    }

    private static ConnectionCheck.Kind checkKind(CrmRejectedException e) {
        String code = e.crmCode() == null ? "" : e.crmCode().toUpperCase(Locale.ROOT);
        return switch (code) {
            case "NO_AUTH_FOUND", "INVALID_CREDENTIALS", "EXPIRED_TOKEN", "USER_ACCESS_ERROR" -> ConnectionCheck.Kind.BAD_CREDENTIALS;
            case "INSUFFICIENT_SCOPE" -> ConnectionCheck.Kind.MISSING_SCOPE;
            case "PORTAL_DELETED" -> ConnectionCheck.Kind.WRONG_ACCOUNT;
            case "ERROR_METHOD_NOT_FOUND", "INVALID_REQUEST", "ACCESS_DENIED", "OVERLOAD_LIMIT" -> ConnectionCheck.Kind.MISCONFIGURED;
            default -> switch (e.status()) {
                case 401 -> ConnectionCheck.Kind.BAD_CREDENTIALS;
                case 403 -> ConnectionCheck.Kind.MISSING_SCOPE;
                default -> ConnectionCheck.Kind.MISCONFIGURED;
            };
        };
    }

    private static Map<String, String> scopes() {
        Map<String, String> scopes = new LinkedHashMap<>();
        scopes.put("crm", "PlanPilot cannot read deals, stages, history or activities, nor comment on deals");
        scopes.put("task", "PlanPilot cannot create tasks for reps");
        scopes.put("im", "PlanPilot cannot send notifications");
        scopes.put("user", "PlanPilot cannot read the reps (user.get)");
        return java.util.Collections.unmodifiableMap(scopes);
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
            List<Row<Bitrix24Dtos.Deal>> rows = byId(dealSpec(Map.of()), dealIds);
            Set<String> found = new HashSet<>();
            rows.forEach(row -> found.add(row.id()));
            page.deletions(dealIds.stream().filter(id -> !found.contains(id)).map(id -> new RecordRef(RecordKind.DEAL, id)).toList());
            for (int from = 0; from < rows.size(); from += PAGE_SIZE) {
                List<Row<Bitrix24Dtos.Deal>> chunk = rows.subList(from, Math.min(rows.size(), from + PAGE_SIZE));
                Map<String, Bitrix24Dtos.HistoryItem> latest = new HashMap<>();
                List<String> ids = chunk.stream().map(Row::id).toList();
                List<StageTransition> transitions = new ArrayList<>();
                historyOf(ids).forEach((deal, items) -> items.forEach(item -> {
                    transitions.add(mapper.transition(item.value(), item.endpoint(), item.path()));
                    latest.merge(deal, item.value(), Bitrix24Connector::later);
                }));
                DealPage deals = dealPage(chunk, catalog, latest, true);
                page.deals(deals.deals()).transitions(transitions).transitions(deals.transitions()).warnings(deals.warnings());
            }
        }
        if (!activityIds.isEmpty()) {
            List<Row<Bitrix24Dtos.Activity>> rows = byId(activitySpec(Map.of(), ACTIVITY_FIELDS), activityIds);
            Set<String> found = new HashSet<>();
            List<Activity> activities = new ArrayList<>();
            for (Row<Bitrix24Dtos.Activity> row : rows) {
                found.add(row.id());
                activities.add(mapper.activity(row.value(), row.endpoint(), row.path()));
            }
            page.activities(activities);
            page.deletions(activityIds.stream().filter(id -> !found.contains(id))
                    .map(id -> new RecordRef(RecordKind.ACTIVITY, id)).toList());
        }
        return page.build();
    }

    /** The rows of the given ids that exist ({@code filter {"@ID": [...]}}, 50 ids a command, one {@code batch}). */
    private <T> List<Row<T>> byId(ListSpec<T> spec, List<String> ids) {
        List<Row<T>> rows = new ArrayList<>();
        JavaType listType = json.getTypeFactory().constructCollectionType(List.class, spec.rowType());
        for (int from = 0; from < ids.size(); from += PAGE_SIZE * Bitrix24Batch.MAX_COMMANDS) {
            List<String> slice = ids.subList(from, Math.min(ids.size(), from + PAGE_SIZE * Bitrix24Batch.MAX_COMMANDS));
            Map<String, String> commands = new LinkedHashMap<>();
            for (int i = 0; i * PAGE_SIZE < slice.size(); i++) {
                Map<String, Object> filter = new LinkedHashMap<>(spec.filter());
                filter.put("@ID", List.copyOf(slice.subList(i * PAGE_SIZE, Math.min(slice.size(), (i + 1) * PAGE_SIZE))));
                commands.put("c" + i, Bitrix24Batch.command(spec.method(),
                        new ListParams(spec.entityTypeId(), Map.of("ID", "ASC"), filter, spec.select(), -1).asMap()));
            }
            rows.addAll(calls.call(spec.batchEndpoint(), () -> {
                Bitrix24Batch answer = batch(spec.batchEndpoint(), spec.batchCall().apply(Bitrix24Batch.request(commands)));
                List<Row<T>> read = new ArrayList<>();
                for (String command : commands.keySet()) {
                    Optional<Bitrix24Batch.CommandError> error = answer.error(command);
                    if (error.isPresent()) {
                        throw answer.failure(error.get(), spec.method());
                    }
                    List<T> list = answer.read(command, spec.rowsPath(), listType);
                    for (int j = 0; list != null && j < list.size(); j++) {
                        read.add(row(spec, list.get(j), spec.batchEndpoint(), "result.result." + command + "[" + j + "]"));
                    }
                }
                return read;
            }));
        }
        return rows;
    }

    // ------------------------------------------------------------------ writes

    @Override
    public String write(CrmWrite write) {
        WriteMarker.requireKey(Bitrix24ConnectorFactory.TYPE, write);
        if (write instanceof CrmWrite.Task task) {
            return writeTask(task);
        }
        if (write instanceof CrmWrite.Comment comment) {
            return writeComment(comment);
        }
        return writeNotification((CrmWrite.Notification) write);
    }

    /**
     * {@code tasks.task.add} with {@code TITLE}, {@code DESCRIPTION} (ending in the marker),
     * {@code RESPONSIBLE_ID}, {@code DEADLINE} and {@code UF_CRM_TASK: ["D_<dealId>"]}. Before creating, and
     * again before a retried attempt, {@code tasks.task.list} looks for the task (filtered by
     * responsible, title and deal binding, the filters the method documents) whose description
     * carries the marker; when found, its id is returned and nothing is created.
     */
    private String writeTask(CrmWrite.Task task) {
        if (task.assignee() == null || task.assignee().isBlank()) {
            throw new CrmRejectedException(Bitrix24ConnectorFactory.TYPE, Bitrix24Client.TASKS_TASK_ADD, 0, null,
                    "a Bitrix24 task needs a responsible user (RESPONSIBLE_ID); the task has no assignee");
        }
        if (task.title() == null || task.title().isBlank()) {
            throw new CrmRejectedException(Bitrix24ConnectorFactory.TYPE, Bitrix24Client.TASKS_TASK_ADD, 0, null,
                    "a Bitrix24 task needs a title (TITLE)");
        }
        Optional<String> existing = findTask(task);
        if (existing.isPresent()) {
            return existing.get();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("TITLE", task.title());
        fields.put("DESCRIPTION", WriteMarker.mark(task.description(), task.idempotencyKey()));
        fields.put("RESPONSIBLE_ID", number(task.assignee()));
        if (task.deadline() != null) {
            fields.put("DEADLINE", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(
                    task.deadline().truncatedTo(ChronoUnit.SECONDS).atZone(settings.zone()).toOffsetDateTime()));
        }
        if (task.dealId() != null && !task.dealId().isBlank()) {
            fields.put("UF_CRM_TASK", List.of("D_" + task.dealId().trim()));
        }
        AtomicInteger attempts = new AtomicInteger();
        return calls.call(Bitrix24Client.TASKS_TASK_ADD, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findTask(task);
                if (made.isPresent()) {
                    return made.get();
                }
            }
            Bitrix24Dtos.Result<Bitrix24Dtos.TaskEnvelope> answer = client.taskAdd(new Bitrix24Dtos.TaskAdd(fields));
            if (answer == null || answer.result() == null || answer.result().task() == null || answer.result().task().id() == null) {
                throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, Bitrix24Client.TASKS_TASK_ADD, "result.task.id",
                        "missing", null);
            }
            return answer.result().task().id();
        });
    }

    private Optional<String> findTask(CrmWrite.Task task) {
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("RESPONSIBLE_ID", number(task.assignee()));
        filter.put("TITLE", task.title());
        if (task.dealId() != null && !task.dealId().isBlank()) {
            filter.put("UF_CRM_TASK", "D_" + task.dealId().trim());
        }
        Bitrix24Dtos.TaskListParams params = new Bitrix24Dtos.TaskListParams(Map.of("ID", "desc"), filter,
                List.of("ID", "TITLE", "DESCRIPTION", "RESPONSIBLE_ID"), 0);
        Bitrix24Dtos.Result<Bitrix24Dtos.Tasks> answer = calls.call(Bitrix24Client.TASKS_TASK_LIST, () -> client.taskList(params));
        if (answer == null || answer.result() == null || answer.result().tasks() == null) {
            return Optional.empty();
        }
        return answer.result().tasks().stream().filter(t -> WriteMarker.carries(t.description(), task.idempotencyKey()))
                .map(Bitrix24Dtos.TaskItem::id).findFirst();
    }

    /**
     * {@code crm.timeline.comment.add} with {@code ENTITY_ID}, {@code ENTITY_TYPE: "deal"} and
     * {@code COMMENT} ending in the marker; the deal's comments ({@code crm.timeline.comment.list}, newest
     * first, up to 200) are looked through for the marker first.
     */
    private String writeComment(CrmWrite.Comment comment) {
        if (comment.dealId() == null || comment.dealId().isBlank()) {
            throw new CrmRejectedException(Bitrix24ConnectorFactory.TYPE, Bitrix24Client.TIMELINE_COMMENT_ADD, 0, null,
                    "a comment needs the deal it belongs to");
        }
        Optional<String> existing = findComment(comment);
        if (existing.isPresent()) {
            return existing.get();
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("ENTITY_ID", number(comment.dealId()));
        fields.put("ENTITY_TYPE", "deal");
        fields.put("COMMENT", WriteMarker.mark(comment.text(), comment.idempotencyKey()));
        AtomicInteger attempts = new AtomicInteger();
        return calls.call(Bitrix24Client.TIMELINE_COMMENT_ADD, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findComment(comment);
                if (made.isPresent()) {
                    return made.get();
                }
            }
            Bitrix24Dtos.Result<String> answer = client.commentAdd(new Bitrix24Dtos.CommentAdd(fields));
            if (answer == null || answer.result() == null || answer.result().isBlank()) {
                throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, Bitrix24Client.TIMELINE_COMMENT_ADD, "result",
                        "missing", null);
            }
            return answer.result();
        });
    }

    private Optional<String> findComment(CrmWrite.Comment comment) {
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("ENTITY_ID", number(comment.dealId()));
        filter.put("ENTITY_TYPE", "deal");
        for (int start = 0; start < 4 * PAGE_SIZE; start += PAGE_SIZE) {
            ListParams params = new ListParams(null, Map.of("ID", "DESC"), filter, List.of("ID", "COMMENT"), start);
            Bitrix24Dtos.ListResult<Bitrix24Dtos.Comment> answer = calls.call(Bitrix24Client.TIMELINE_COMMENT_LIST,
                    () -> client.commentList(params));
            if (answer == null || answer.result() == null) {
                return Optional.empty();
            }
            Optional<String> found = answer.result().stream().filter(c -> WriteMarker.carries(c.comment(), comment.idempotencyKey()))
                    .map(Bitrix24Dtos.Comment::id).findFirst();
            if (found.isPresent() || answer.next() == null) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * {@code im.notify.system.add} with {@code USER_ID} and {@code MESSAGE}. Notifications cannot be looked
     * up, so doubles are avoided three ways: the app's outbox sends each key once; this connection
     * remembers the keys it sent (the id comes back without a second call); and with
     * {@code app-client-id} set the call carries {@code TAG} {@code PLANPILOT|<digest of the key>} (with
     * {@code CLIENT_ID}, as Bitrix24 requires from a webhook), so a repeat after a crash replaces the
     * first notification instead of showing twice.
     */
    private String writeNotification(CrmWrite.Notification notification) {
        if (notification.userId() == null || notification.userId().isBlank()) {
            throw new CrmRejectedException(Bitrix24ConnectorFactory.TYPE, Bitrix24Client.IM_NOTIFY_SYSTEM_ADD, 0, null,
                    "a notification needs its user (USER_ID)");
        }
        String known = notified.get(notification.idempotencyKey());
        if (known != null) {
            return known;
        }
        String clientId = properties.appClientId();
        String tag = clientId == null ? null : "PLANPILOT|" + Bitrix24Webhooks.eventId("NOTIFY", notification.idempotencyKey(), "")
                .substring(4);
        Bitrix24Dtos.NotifyAdd body = new Bitrix24Dtos.NotifyAdd(number(notification.userId()), notification.text(), tag,
                clientId == null ? null : "PLANPILOT|" + notification.idempotencyKey(), clientId);
        String id = calls.call(Bitrix24Client.IM_NOTIFY_SYSTEM_ADD, () -> {
            Bitrix24Dtos.Result<JsonNode> answer = client.notifySystemAdd(body);
            JsonNode result = answer == null ? null : answer.result();
            if (result == null || result.isNull() || result.isBoolean()) {
                throw new CrmRejectedException(Bitrix24ConnectorFactory.TYPE, Bitrix24Client.IM_NOTIFY_SYSTEM_ADD, 0, null,
                        "Bitrix24 created no notification (result " + result + "); check that user " + notification.userId()
                                + " exists and the webhook has the im scope");
            }
            return result.isString() ? result.asString() : result.toString();
        });
        notified.put(notification.idempotencyKey(), id);
        return id;
    }

    /** An id as Bitrix24's examples send it: a number when it is one. */
    private static Object number(String id) {
        String text = id.trim();
        if (text.matches("\\d{1,18}")) {
            return Long.parseLong(text);
        }
        return text;
    }

    @Override
    public String toString() {
        return Bitrix24ConnectorFactory.TYPE + " connection " + settings.id() + " to " + properties.portal();
    }
}
