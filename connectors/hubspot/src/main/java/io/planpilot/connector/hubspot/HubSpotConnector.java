package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.WriteMarker;
import io.planpilot.connector.hubspot.HubSpotDtos.CrmObject;
import io.planpilot.connector.hubspot.HubSpotMapper.ActivityKind;
import io.planpilot.connector.support.CrmCallException;
import io.planpilot.connector.support.CrmClients;
import io.planpilot.connector.support.CrmHttpPolicy;
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
import io.planpilot.core.kpi.CrmCurrencies;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A HubSpot account through an app's access token, kept current by the app's signed webhooks. Every
 * call goes through the connection's {@link CrmResilience} (HubSpot's 100 requests per 10 s by
 * default); the search endpoints also through a second limiter of their own (5 a second), and every
 * call first looks at the quota HubSpot announced with the last answer ({@link HubSpotRateLimitHeaders}).
 *
 * <h2>Reads</h2>
 * A read is a {@link WindowCursor} window {@code [since, until]}, {@code until} staying the safety
 * delay behind the read's start. Its steps, each resumable from the position its last stored page
 * carries ({@code <step>|<token>}):
 * <ol>
 *   <li>the catalog, one page: pipelines and stages ({@code GET pipelines/deals}), owners, active and
 *       archived ({@code GET owners}), the account's company currency ({@code GET account-info});</li>
 *   <li>{@code deals}: a full window lists every deal ({@code GET objects/deals}, 100 a page, cursor
 *       {@code paging.next.after}); a later window searches the deals modified in it
 *       ({@code POST objects/deals/search}, {@code hs_lastmodifieddate} between {@code since} and
 *       {@code until}, ascending, 200 a page). Search stops at 10,000 results a query and its offsets
 *       shift when records change during the read, so every page is a new query from the last
 *       modification time read (keyset paging: the records at that millisecond come again and are
 *       de-duplicated by id); a page whose 200 records share one millisecond continues by
 *       {@code hs_object_id} within it. No query ever pages past its first 200, so no window is ever cut
 *       at 10,000;</li>
 *   <li>{@code deals-archived} (not on a full window): archived deals ({@code archived=true}) archived
 *       in the window, as deleted deals;</li>
 *   <li>{@code calls}, {@code meetings}, {@code emails}, {@code tasks}: listed with their deal
 *       associations on a full window, else searched like deals, their deals read in one
 *       {@code POST associations/{type}/deals/batch/read} per page; then their archived ones;</li>
 *   <li>on a full window read from its start, a {@link Listing} of every deal and activity id, so the
 *       store marks what is gone as deleted.</li>
 * </ol>
 * Each deal asks for {@code hs_date_entered_<stageId>} of every stage: its stage history, and when it
 * entered the closed stage it is in ({@code closedAt}).
 *
 * <h2>Webhooks, re-reads and writes</h2>
 * {@link #receive} takes HubSpot's signed webhooks ({@link HubSpotWebhooks}); {@link #reread} reads the
 * announced deals by id ({@code POST objects/deals/batch/read}, 100 a request, with
 * {@code propertiesWithHistory=dealstage}); a deal not returned comes back as a deletion. Tasks
 * ({@code POST objects/tasks}, associated with the deal by type 216) and notes ({@code POST objects/notes},
 * type 214) end in a line {@code planpilot:<idempotency key>} (the {@link WriteMarker}); before creating, and
 * again before a retried attempt, a search looks for it. A notification becomes a task for the user
 * ({@link WriteRouting}): HubSpot has no public call to notify a user.
 */
final class HubSpotConnector implements Connector {

    static final int LIST_LIMIT = 100;
    static final int SEARCH_LIMIT = 200;
    static final int BATCH_LIMIT = 100;
    static final int TASK_TO_DEAL = 216;
    static final int NOTE_TO_DEAL = 214;
    static final String MODIFIED = "hs_lastmodifieddate";
    static final String DEALS_STEP = "deals";
    static final String ARCHIVED_SUFFIX = "-archived";
    static final String END = "end";

    /** What starts the last line of every text the adapter writes: {@code planpilot:<idempotency key>}. */
    // HubSpot may keep a body as HTML (<p>…</p>), so the key ends at a tag or quote as well as at white space
    private static final Duration CATALOG_MAX_AGE = Duration.ofMinutes(10);
    /** The scopes the adapter needs, and what each gives it. */
    static final Map<String, String> SCOPES = scopes();

    private final ConnectionSettings settings;
    private final HubSpotConnectorProperties properties;
    private final HubSpotApiPaths paths;
    private final Clock clock;
    private final CrmResilience calls;
    private final CrmResilience searches;
    private final HubSpotRateLimitHeaders quota;
    private final HubSpotClient client;
    private final HubSpotMapper mapper;
    private final HubSpotWebhooks webhooks;
    private volatile Cached catalogCache;

    HubSpotConnector(ConnectionSettings settings, HubSpotConnectorProperties properties) {
        this(settings, properties, Clock.systemUTC(), duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000));
    }

    HubSpotConnector(ConnectionSettings settings, HubSpotConnectorProperties properties, Clock clock,
                     HubSpotRateLimitHeaders.Sleeper sleeper) {
        this.settings = settings;
        this.properties = properties;
        this.paths = properties.paths();
        this.clock = clock;
        CrmHttpPolicy policy = properties.policy();
        this.calls = new CrmResilience(HubSpotConnectorFactory.TYPE, settings.id(), policy, clock);
        // the search limit on top of the general one: one attempt, the outer CrmResilience retries
        this.searches = new CrmResilience(HubSpotConnectorFactory.TYPE, settings.id() + ":search",
                policy.withRateLimit(properties.searchLimit()).withRetries(new CrmHttpPolicy.Retries(1, Duration.ZERO, 1.0,
                        Duration.ZERO, policy.retries().longestWait())), clock);
        this.quota = new HubSpotRateLimitHeaders(clock, settings.zone(), sleeper);
        this.client = CrmClients.feign(HubSpotClient.class, properties.baseUrl().toString(), HubSpotConnectorFactory.TYPE,
                policy, new HubSpotErrors(clock, settings.zone()), new JacksonCodec(HubSpotConnectorFactory.TYPE),
                quota::answered, CrmClients.bearer(properties.accessToken()));
        this.mapper = new HubSpotMapper(settings.id(), settings.dimensions(), settings.zone());
        this.webhooks = new HubSpotWebhooks(properties.clientSecret(), clock);
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, true, true, true, true, false, true);
    }

    private <T> T call(String endpoint, Supplier<T> call) {
        return calls.call(endpoint, () -> {
            quota.beforeCall(endpoint);
            return call.get();
        });
    }

    private <T> T search(String endpoint, Supplier<T> call) {
        return calls.call(endpoint, () -> searches.call(endpoint, () -> {
            quota.beforeCall(endpoint);
            return call.get();
        }));
    }

    // ------------------------------------------------------------------ reads

    /** One step of a read: deals or an activity kind, live or archived. */
    private record Step(String name, ActivityKind kind, boolean archived) {
        boolean deals() {
            return kind == null;
        }
    }

    private static List<Step> steps(boolean fullWindow) {
        List<Step> steps = new ArrayList<>();
        steps.add(new Step(DEALS_STEP, null, false));
        if (!fullWindow) {
            steps.add(new Step(DEALS_STEP + ARCHIVED_SUFFIX, null, true));
        }
        for (ActivityKind kind : ActivityKind.values()) {
            steps.add(new Step(kind.path, kind, false));
            if (!fullWindow) {
                steps.add(new Step(kind.path + ARCHIVED_SUFFIX, kind, true));
            }
        }
        return steps;
    }

    /** What one read carries from step to step. */
    private static final class ReadState {
        final WindowCursor window;
        final Catalog catalog;
        final List<String> dealProperties;
        final Set<String> dealIds;
        final Set<String> activityIds;

        ReadState(WindowCursor window, Catalog catalog, List<String> dealProperties, boolean listIds) {
            this.window = window;
            this.catalog = catalog;
            this.dealProperties = dealProperties;
            this.dealIds = listIds ? new HashSet<>() : null;
            this.activityIds = listIds ? new HashSet<>() : null;
        }
    }

    @Override
    public void read(SyncMode mode, String cursor, PageConsumer pages) {
        Instant now = clock.instant();
        Duration delay = properties.policy().safetyDelay();
        WindowCursor window = mode == SyncMode.FULL ? WindowCursor.full(now, delay) : WindowCursor.resume(cursor, now, delay);
        boolean fullWindow = window.since().equals(Instant.EPOCH);
        Catalog catalog = catalog();
        pages.accept(SyncPage.builder().pipelines(catalog.pipelines()).stages(catalog.stages()).reps(catalog.reps())
                .mappedDimensions(settings.dimensions().keySet()).cursor(window.format()).build());

        List<Step> steps = steps(fullWindow);
        String position = window.position();
        int first = 0;
        String token = null;
        if (position != null) {
            int bar = position.indexOf('|');
            String name = bar < 0 ? position : position.substring(0, bar);
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).name().equals(name)) {
                    first = i;
                    token = bar < 0 ? null : position.substring(bar + 1);
                }
            }
        }
        ReadState state = new ReadState(window, catalog, dealProperties(catalog), fullWindow && position == null);
        for (int i = first; i < steps.size(); i++) {
            String from = i == first ? token : null;
            if (END.equals(from)) {
                continue;
            }
            Step step = steps.get(i);
            if (step.archived()) {
                readArchived(state, step, from, pages);
            } else if (fullWindow) {
                readList(state, step, from, pages);
            } else {
                readSearch(state, step, from, pages);
            }
        }
        SyncPage.Builder last = SyncPage.builder();
        if (state.dealIds != null) {
            last.listing(new Listing(RecordKind.DEAL, state.dealIds));
            last.listing(new Listing(RecordKind.ACTIVITY, state.activityIds));
        }
        pages.accept(last.cursor(window.finished().format()).build());
    }

    private List<String> dealProperties(Catalog catalog) {
        Set<String> names = new LinkedHashSet<>(HubSpotMapper.DEAL_PROPERTIES);
        catalog.stages().forEach(stage -> names.add(HubSpotMapper.ENTERED_PREFIX + stage.id()));
        names.addAll(settings.dimensions().values());
        return List.copyOf(names);
    }

    private String endpoint(Step step, boolean search) {
        if (step.deals()) {
            return search ? HubSpotClient.DEALS_SEARCH : HubSpotClient.DEALS_LIST;
        }
        return search ? HubSpotClient.ACTIVITIES_SEARCH.replace("{calls|meetings|emails|tasks}", step.kind().path)
                : HubSpotClient.ACTIVITIES_LIST.replace("{calls|meetings|emails|tasks}", step.kind().path);
    }

    private Map<String, Object> listQuery(Step step, List<String> props, String after, boolean archived) {
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("limit", LIST_LIMIT);
        if (after != null) {
            query.put("after", after);
        }
        query.put("properties", String.join(",", props));
        if (!step.deals() && !archived) {
            query.put("associations", "deals");
        }
        query.put("archived", archived);
        return query;
    }

    /** A full window: every record, page by page along {@code paging.next.after}. */
    private void readList(ReadState state, Step step, String token, PageConsumer pages) {
        String after = token != null && token.startsWith("l:") && token.length() > 2 ? token.substring(2) : null;
        String endpoint = endpoint(step, false);
        while (true) {
            Map<String, Object> query = listQuery(step, step.deals() ? state.dealProperties : step.kind().properties, after, false);
            HubSpotDtos.ObjectPage page = call(endpoint, () -> step.deals() ? client.deals(paths.objects(), query)
                    : client.activities(paths.objects(), step.kind().path, query));
            List<CrmObject> rows = page == null || page.results() == null ? List.of() : page.results();
            String next = page == null || page.paging() == null || page.paging().next() == null ? null : page.paging().next().after();
            SyncPage.Builder out = SyncPage.builder();
            if (step.deals()) {
                addDeals(out, rows, state, endpoint, "results", state.dealIds);
            } else {
                List<Activity> activities = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    CrmObject row = rows.get(i);
                    activities.add(mapper.activity(step.kind(), row, associatedDeal(row), endpoint, "results[" + i + "]"));
                }
                if (state.activityIds != null) {
                    activities.forEach(a -> state.activityIds.add(a.id()));
                }
                out.activities(activities);
            }
            pages.accept(out.cursor(state.window.atPosition(step.name() + "|" + (next == null ? END : "l:" + next)).format()).build());
            if (next == null || next.isBlank() || rows.isEmpty()) {
                return;
            }
            after = next;
        }
    }

    private static String associatedDeal(CrmObject row) {
        if (row.associations() == null) {
            return null;
        }
        HubSpotDtos.AssociationPage deals = row.associations().get("deals");
        if (deals == null || deals.results() == null || deals.results().isEmpty()) {
            return null;
        }
        return deals.results().get(0).id();
    }

    private void addDeals(SyncPage.Builder out, List<CrmObject> rows, ReadState state, String endpoint, String prefix,
                          Set<String> ids) {
        List<Deal> deals = new ArrayList<>();
        List<StageTransition> transitions = new ArrayList<>();
        List<SyncWarning> warnings = new ArrayList<>();
        HubSpotMapper.DealContext context = new HubSpotMapper.DealContext(state.catalog.stageById(), state.catalog.companyCurrency());
        for (int i = 0; i < rows.size(); i++) {
            HubSpotMapper.MappedDeal mapped = mapper.deal(rows.get(i), context, endpoint, prefix + "[" + i + "]");
            deals.add(mapped.deal());
            transitions.addAll(mapped.transitions());
            if (mapped.warning() != null) {
                warnings.add(new SyncWarning(endpoint, null, "dealstage", mapped.warning()));
            }
            if (ids != null) {
                ids.add(mapped.deal().id());
            }
        }
        out.deals(deals).transitions(transitions).warnings(warnings);
    }

    /**
     * A later window: keyset pages over {@code hs_lastmodifieddate}. Token {@code s:<millis>}: the next
     * query starts at that millisecond; {@code i:<millis>:<id>}: within that millisecond, after that
     * {@code hs_object_id}.
     */
    private void readSearch(ReadState state, Step step, String token, PageConsumer pages) {
        long since = state.window.since().toEpochMilli();
        long until = state.window.until().toEpochMilli();
        String at = token == null || !(token.startsWith("s:") || token.startsWith("i:")) ? "s:" + since : token;
        String endpoint = endpoint(step, true);
        List<String> props = step.deals() ? state.dealProperties : step.kind().properties;
        while (true) {
            boolean byId = at.startsWith("i:");
            String[] parts = at.split(":");
            long millis = Long.parseLong(parts[1]);
            List<HubSpotDtos.Filter> filters = new ArrayList<>();
            List<HubSpotDtos.Sort> sorts;
            if (byId) {
                filters.add(new HubSpotDtos.Filter(MODIFIED, "EQ", String.valueOf(millis)));
                filters.add(new HubSpotDtos.Filter("hs_object_id", "GT", parts[2]));
                sorts = List.of(new HubSpotDtos.Sort("hs_object_id", "ASCENDING"));
            } else {
                filters.add(new HubSpotDtos.Filter(MODIFIED, "GTE", String.valueOf(millis)));
                filters.add(new HubSpotDtos.Filter(MODIFIED, "LTE", String.valueOf(until)));
                sorts = List.of(new HubSpotDtos.Sort(MODIFIED, "ASCENDING"));
            }
            HubSpotDtos.SearchRequest request = new HubSpotDtos.SearchRequest(
                    List.of(new HubSpotDtos.FilterGroup(filters)), sorts, props, SEARCH_LIMIT, null);
            HubSpotDtos.SearchPage page = search(endpoint, () -> step.deals() ? client.searchDeals(paths.objects(), request)
                    : client.searchActivities(paths.objects(), step.kind().path, request));
            List<CrmObject> rows = page == null || page.results() == null ? List.of() : page.results();
            SyncPage.Builder out = SyncPage.builder();
            if (step.deals()) {
                addDeals(out, rows, state, endpoint, "results", null);
            } else {
                out.activities(activities(step.kind(), rows, endpoint));
            }
            String next;
            if (rows.size() < SEARCH_LIMIT) {
                next = byId ? (millis + 1 <= until ? "s:" + (millis + 1) : END) : END;
            } else if (byId) {
                next = "i:" + millis + ":" + rows.get(rows.size() - 1).id();
            } else {
                long lastMillis = modified(rows.get(rows.size() - 1), endpoint, "results[" + (rows.size() - 1) + "]");
                next = lastMillis > millis ? "s:" + lastMillis : "i:" + millis + ":0";
            }
            pages.accept(out.cursor(state.window.atPosition(step.name() + "|" + next).format()).build());
            if (next.equals(END)) {
                return;
            }
            at = next;
        }
    }

    private long modified(CrmObject row, String endpoint, String path) {
        String value = row.properties() == null ? null : row.properties().get(MODIFIED);
        Instant at = mapper.time(value, endpoint, path + ".properties." + MODIFIED);
        if (at == null) {
            at = mapper.time(row.updatedAt(), endpoint, path + ".updatedAt");
        }
        if (at == null) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, path + ".properties." + MODIFIED, "missing", null);
        }
        return at.toEpochMilli();
    }

    /** Searched activities with their deals, read in one association batch (search answers carry none). */
    private List<Activity> activities(ActivityKind kind, List<CrmObject> rows, String endpoint) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Map<String, String> dealOf = new HashMap<>();
        String associations = HubSpotClient.ASSOCIATIONS_BATCH_READ.replace("{activity}", kind.path);
        HubSpotDtos.AssociationBatchRequest request = new HubSpotDtos.AssociationBatchRequest(
                rows.stream().map(r -> new HubSpotDtos.IdInput(r.id())).toList());
        HubSpotDtos.AssociationBatchResult answer = call(associations,
                () -> client.activityDeals(paths.associations(), kind.path, request));
        if (answer != null && answer.results() != null) {
            for (HubSpotDtos.AssociationResult result : answer.results()) {
                if (result.from() != null && result.to() != null && !result.to().isEmpty()) {
                    dealOf.put(result.from().id(), result.to().get(0).toObjectId());
                }
            }
        }
        List<Activity> activities = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            activities.add(mapper.activity(kind, rows.get(i), dealOf.get(rows.get(i).id()), endpoint, "results[" + i + "]"));
        }
        return activities;
    }

    /** Archived records (HubSpot's recycle bin) archived within the window, as deleted ones. */
    private void readArchived(ReadState state, Step step, String token, PageConsumer pages) {
        String after = token != null && token.startsWith("a:") && token.length() > 2 ? token.substring(2) : null;
        String endpoint = endpoint(step, false);
        Instant since = state.window.since();
        while (true) {
            Map<String, Object> query = listQuery(step, step.deals() ? state.dealProperties : step.kind().properties, after, true);
            HubSpotDtos.ObjectPage page = call(endpoint, () -> step.deals() ? client.deals(paths.objects(), query)
                    : client.activities(paths.objects(), step.kind().path, query));
            List<CrmObject> rows = page == null || page.results() == null ? List.of() : page.results();
            String next = page == null || page.paging() == null || page.paging().next() == null ? null : page.paging().next().after();
            SyncPage.Builder out = SyncPage.builder();
            List<Deal> deals = new ArrayList<>();
            List<Activity> activities = new ArrayList<>();
            List<RecordRef> gone = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                CrmObject row = rows.get(i);
                String path = "results[" + i + "]";
                Instant archivedAt = mapper.time(row.archivedAt(), endpoint, path + ".archivedAt");
                if (archivedAt != null && archivedAt.isBefore(since)) {
                    continue;
                }
                try {
                    if (step.deals()) {
                        deals.add(mapper.deal(row, new HubSpotMapper.DealContext(state.catalog.stageById(),
                                state.catalog.companyCurrency()), endpoint, path).deal().markedDeleted());
                    } else {
                        activities.add(mapper.activity(step.kind(), row, null, endpoint, path));
                    }
                } catch (CrmResponseException e) {
                    // an archived record whose fields no longer read is gone all the same
                    gone.add(new RecordRef(step.deals() ? RecordKind.DEAL : RecordKind.ACTIVITY, row.id()));
                }
            }
            activities = activities.stream().map(a -> a.deleted() ? a : new Activity(a.connection(), a.id(), a.type(), a.owner(),
                    a.deal(), a.createdAt(), a.dueAt(), a.completedAt(), true)).toList();
            out.deals(deals).activities(activities).deletions(gone);
            pages.accept(out.cursor(state.window.atPosition(step.name() + "|" + (next == null ? END : "a:" + next)).format()).build());
            if (next == null || next.isBlank() || rows.isEmpty()) {
                return;
            }
            after = next;
        }
    }

    // ------------------------------------------------------------------ the catalog

    /** Pipelines, stages, owners and the account's currency, as one read sees them. */
    record Catalog(List<Pipeline> pipelines, List<Stage> stages, Map<String, Stage> stageById, List<Rep> reps,
                   String companyCurrency, List<String> additionalCurrencies) {
    }

    private record Cached(Catalog catalog, Instant at) {
    }

    Catalog catalog() {
        HubSpotDtos.PipelineList list = call(HubSpotClient.PIPELINES, () -> client.pipelines(paths.pipelines()));
        List<HubSpotDtos.PipelineDto> pipelines = list == null || list.results() == null ? List.of() : list.results();
        List<Stage> stages = mapper.stages(pipelines, HubSpotClient.PIPELINES);
        Map<String, Stage> byId = new HashMap<>();
        stages.forEach(stage -> byId.put(stage.id(), stage));
        List<HubSpotDtos.Owner> owners = new ArrayList<>();
        for (boolean archived : new boolean[]{false, true}) {
            String after = null;
            do {
                Map<String, Object> query = new LinkedHashMap<>();
                query.put("limit", LIST_LIMIT);
                if (after != null) {
                    query.put("after", after);
                }
                query.put("archived", archived);
                HubSpotDtos.OwnerPage page = call(HubSpotClient.OWNERS, () -> client.owners(paths.owners(), query));
                if (page != null && page.results() != null) {
                    page.results().forEach(owner -> owners.add(archived && owner.archived() == null
                            ? new HubSpotDtos.Owner(owner.id(), owner.email(), owner.firstName(), owner.lastName(), owner.userId(),
                            true, owner.teams()) : owner));
                }
                after = page == null || page.paging() == null || page.paging().next() == null ? null : page.paging().next().after();
            } while (after != null && !after.isBlank());
        }
        HubSpotDtos.AccountDetails account = call(HubSpotClient.ACCOUNT_DETAILS, () -> client.accountDetails(paths.accountInfo()));
        String currency = account == null || account.companyCurrency() == null || account.companyCurrency().isBlank()
                ? settings.baseCurrency() : account.companyCurrency().trim();
        Catalog catalog = new Catalog(mapper.pipelines(pipelines), stages, byId, mapper.reps(owners), currency,
                account == null || account.additionalCurrencies() == null ? List.of() : account.additionalCurrencies());
        catalogCache = new Cached(catalog, clock.instant());
        return catalog;
    }

    private Catalog cachedCatalog() {
        Cached cached = catalogCache;
        if (cached != null && Duration.between(cached.at(), clock.instant()).compareTo(CATALOG_MAX_AGE) < 0) {
            return cached.catalog();
        }
        return catalog();
    }

    // ------------------------------------------------------------------ discover, check, status

    /**
     * The catalog and the deal properties. Whether deals carry their own currency is the portal's
     * {@code deal_currency_code} property (multi-currency portals); without it every deal is in the
     * company currency, which {@link Discovery#currencies()} names.
     */
    @Override
    public Discovery discover() {
        Catalog catalog = catalog();
        HubSpotDtos.PropertyList described = call(HubSpotClient.DEAL_PROPERTIES, () -> client.dealProperties(paths.properties()));
        List<Discovery.Field> fields = new ArrayList<>();
        boolean dealCurrency = false;
        if (described != null && described.results() != null) {
            for (HubSpotDtos.PropertyDefinition property : described.results()) {
                if (property.name() == null) {
                    continue;
                }
                dealCurrency |= property.name().equals("deal_currency_code");
                fields.add(new Discovery.Field(property.name(), property.label() == null ? property.name() : property.label()));
            }
        }
        Map<String, BigDecimal> rates = new LinkedHashMap<>();
        rates.put(catalog.companyCurrency(), BigDecimal.ONE);
        CrmCurrencies currencies = new CrmCurrencies(catalog.companyCurrency(), rates);
        if (!dealCurrency && !catalog.additionalCurrencies().isEmpty()) {
            fields.add(new Discovery.Field("(company currency)", "Every deal is in " + catalog.companyCurrency()
                    + ": the account has no deal_currency_code property"));
        }
        return new Discovery(catalog.pipelines(), catalog.stages(), catalog.reps(), currencies, fields);
    }

    /**
     * Tells what is wrong: the token ({@code GET account-info}), and the scopes, each by a call that needs
     * it ({@code GET objects/deals}, {@code GET owners}, {@code GET objects/tasks}); a missing client
     * secret (webhooks would be refused).
     */
    @Override
    public ConnectionCheck check() {
        List<ConnectionCheck.Problem> problems = new ArrayList<>();
        try {
            call(HubSpotClient.ACCOUNT_DETAILS, () -> client.accountDetails(paths.accountInfo()));
        } catch (CrmCallException e) {
            problems.add(problem(e, null));
            if (e instanceof CrmRejectedException rejected && rejected.status() == 401 || !(e instanceof CrmRejectedException)) {
                addSecretProblem(problems);
                return new ConnectionCheck(problems);
            }
        }
        Map<String, Supplier<Object>> probes = new LinkedHashMap<>();
        probes.put("crm.objects.deals.read", () -> call(HubSpotClient.DEALS_LIST,
                () -> client.deals(paths.objects(), Map.of("limit", 1, "archived", false))));
        probes.put("crm.objects.owners.read", () -> call(HubSpotClient.OWNERS,
                () -> client.owners(paths.owners(), Map.of("limit", 1))));
        probes.put("crm.objects.contacts.read", () -> call(HubSpotClient.ACTIVITIES_LIST,
                () -> client.activities(paths.objects(), "tasks", Map.of("limit", 1))));
        probes.forEach((scope, probe) -> {
            try {
                probe.get();
            } catch (CrmCallException e) {
                problems.add(problem(e, scope));
            }
        });
        addSecretProblem(problems);
        return new ConnectionCheck(problems);
    }

    private void addSecretProblem(List<ConnectionCheck.Problem> problems) {
        if (properties.clientSecret() == null) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, "client-secret is not set: HubSpot's "
                    + "webhook calls will be refused (401) and changes arrive only with the next sync; copy the app's client "
                    + "secret (the app's Auth tab) into client-secret"));
        }
    }

    private static ConnectionCheck.Problem problem(CrmCallException e, String scope) {
        if (e instanceof CrmRejectedException rejected) {
            return switch (rejected.status()) {
                case 401 -> new ConnectionCheck.Problem(ConnectionCheck.Kind.BAD_CREDENTIALS, e.getMessage());
                case 403 -> new ConnectionCheck.Problem(ConnectionCheck.Kind.MISSING_SCOPE, (scope == null ? "" : "the app lacks the "
                        + scope + " scope: " + SCOPES.getOrDefault(scope, "") + ". ") + e.getMessage());
                default -> new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage());
            };
        }
        if (e instanceof CrmUnavailableException || e instanceof CrmRateLimitedException) {
            return new ConnectionCheck.Problem(ConnectionCheck.Kind.UNREACHABLE, e.getMessage());
        }
        return new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()
                + " (base-url answers, but not as HubSpot's API)");
    }

    private static Map<String, String> scopes() {
        Map<String, String> scopes = new LinkedHashMap<>();
        scopes.put("crm.objects.deals.read", "PlanPilot cannot read deals and pipelines");
        scopes.put("crm.objects.owners.read", "PlanPilot cannot read the owners (reps)");
        scopes.put("crm.objects.contacts.read", "PlanPilot cannot read calls, meetings, e-mails and tasks");
        scopes.put("crm.objects.contacts.write", "PlanPilot cannot create tasks and notes");
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

    /** The announced deals by id, 100 a request; a deal HubSpot does not return is gone (archived or merged away). */
    @Override
    public SyncPage reread(List<RecordRef> records) {
        List<String> ids = RecordRef.ids(records, RecordKind.DEAL);
        SyncPage.Builder page = SyncPage.builder();
        if (ids.isEmpty()) {
            return page.build();
        }
        Catalog catalog = cachedCatalog();
        ReadState state = new ReadState(WindowCursor.full(clock.instant(), Duration.ZERO), catalog, dealProperties(catalog), false);
        Set<String> found = new HashSet<>();
        for (int from = 0; from < ids.size(); from += BATCH_LIMIT) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + BATCH_LIMIT));
            HubSpotDtos.BatchReadRequest request = new HubSpotDtos.BatchReadRequest(state.dealProperties, List.of("dealstage"),
                    chunk.stream().map(HubSpotDtos.IdInput::new).toList());
            HubSpotDtos.BatchResult answer = call(HubSpotClient.DEALS_BATCH_READ, () -> client.readDeals(paths.objects(), request));
            List<CrmObject> rows = answer == null || answer.results() == null ? List.of() : answer.results();
            addDeals(page, rows, state, HubSpotClient.DEALS_BATCH_READ, "results", found);
        }
        page.deletions(ids.stream().filter(id -> !found.contains(id)).map(id -> new RecordRef(RecordKind.DEAL, id)).toList());
        return page.build();
    }

    // ------------------------------------------------------------------ writes

    @Override
    public String write(CrmWrite write) {
        WriteMarker.requireKey(HubSpotConnectorFactory.TYPE, write);
        CrmWrite fitted = WriteRouting.fit(write, capabilities(), clock.instant()).orElseThrow();
        if (fitted instanceof CrmWrite.Comment comment) {
            return writeNote(comment);
        }
        return writeTask((CrmWrite.Task) fitted);
    }

    /**
     * {@code POST objects/tasks} with {@code hs_timestamp} (the due time; now when none), {@code hs_task_subject},
     * {@code hs_task_body} (ending in the marker), {@code hubspot_owner_id}, {@code hs_task_status}
     * {@code NOT_STARTED}, {@code hs_task_priority} {@code MEDIUM}, associated with the deal (type 216).
     * First, and again before a retried attempt, {@code POST objects/tasks/search} (owner and subject)
     * looks for a task whose body carries the marker.
     */
    private String writeTask(CrmWrite.Task task) {
        if (task.title() == null || task.title().isBlank()) {
            throw new CrmRejectedException(HubSpotConnectorFactory.TYPE, HubSpotClient.TASKS_CREATE, 0, null,
                    "a HubSpot task needs a subject (hs_task_subject)");
        }
        Optional<String> existing = findTask(task);
        if (existing.isPresent()) {
            return existing.get();
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("hs_timestamp", (task.deadline() == null ? clock.instant() : task.deadline()).toString());
        props.put("hs_task_subject", task.title());
        props.put("hs_task_body", WriteMarker.mark(task.description(), task.idempotencyKey()));
        if (task.assignee() != null && !task.assignee().isBlank()) {
            props.put("hubspot_owner_id", task.assignee().trim());
        }
        props.put("hs_task_status", "NOT_STARTED");
        props.put("hs_task_priority", "MEDIUM");
        HubSpotDtos.CreateRequest request = new HubSpotDtos.CreateRequest(props, toDeal(task.dealId(), TASK_TO_DEAL));
        AtomicInteger attempts = new AtomicInteger();
        return call(HubSpotClient.TASKS_CREATE, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findTask(task);
                if (made.isPresent()) {
                    return made.get();
                }
            }
            return created(client.createTask(paths.objects(), request), HubSpotClient.TASKS_CREATE);
        });
    }

    private Optional<String> findTask(CrmWrite.Task task) {
        List<HubSpotDtos.Filter> filters = new ArrayList<>();
        filters.add(new HubSpotDtos.Filter("hs_task_subject", "EQ", task.title()));
        if (task.assignee() != null && !task.assignee().isBlank()) {
            filters.add(new HubSpotDtos.Filter("hubspot_owner_id", "EQ", task.assignee().trim()));
        }
        return findMarked(HubSpotClient.TASKS_SEARCH, filters, "hs_task_body", task.idempotencyKey(),
                request -> client.searchTasks(paths.objects(), request));
    }

    /**
     * {@code POST objects/notes} with {@code hs_timestamp} (now) and {@code hs_note_body} (ending in the
     * marker), associated with the deal (type 214); the deal's notes ({@code associations.deal}) are
     * searched for the marker first.
     */
    private String writeNote(CrmWrite.Comment comment) {
        if (comment.dealId() == null || comment.dealId().isBlank()) {
            throw new CrmRejectedException(HubSpotConnectorFactory.TYPE, HubSpotClient.NOTES_CREATE, 0, null,
                    "a note needs the deal it belongs to");
        }
        List<HubSpotDtos.Filter> filters = List.of(new HubSpotDtos.Filter("associations.deal", "EQ", comment.dealId().trim()));
        Optional<String> existing = findMarked(HubSpotClient.NOTES_SEARCH, filters, "hs_note_body", comment.idempotencyKey(),
                request -> client.searchNotes(paths.objects(), request));
        if (existing.isPresent()) {
            return existing.get();
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("hs_timestamp", clock.instant().toString());
        props.put("hs_note_body", WriteMarker.mark(comment.text(), comment.idempotencyKey()));
        HubSpotDtos.CreateRequest request = new HubSpotDtos.CreateRequest(props, toDeal(comment.dealId(), NOTE_TO_DEAL));
        AtomicInteger attempts = new AtomicInteger();
        return call(HubSpotClient.NOTES_CREATE, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findMarked(HubSpotClient.NOTES_SEARCH, filters, "hs_note_body", comment.idempotencyKey(),
                        r -> client.searchNotes(paths.objects(), r));
                if (made.isPresent()) {
                    return made.get();
                }
            }
            return created(client.createNote(paths.objects(), request), HubSpotClient.NOTES_CREATE);
        });
    }

    private Optional<String> findMarked(String endpoint, List<HubSpotDtos.Filter> filters, String bodyProperty, String key,
                                        java.util.function.Function<HubSpotDtos.SearchRequest, HubSpotDtos.SearchPage> searchCall) {
        HubSpotDtos.SearchRequest request = new HubSpotDtos.SearchRequest(List.of(new HubSpotDtos.FilterGroup(filters)),
                List.of(new HubSpotDtos.Sort("hs_createdate", "DESCENDING")), List.of(bodyProperty), SEARCH_LIMIT, null);
        HubSpotDtos.SearchPage page = search(endpoint, () -> searchCall.apply(request));
        if (page == null || page.results() == null) {
            return Optional.empty();
        }
        return page.results().stream().filter(r -> r.properties() != null && WriteMarker.carries(r.properties().get(bodyProperty), key))
                .map(CrmObject::id).findFirst();
    }

    private static List<HubSpotDtos.AssociationSpec> toDeal(String dealId, int type) {
        if (dealId == null || dealId.isBlank()) {
            return List.of();
        }
        return List.of(new HubSpotDtos.AssociationSpec(new HubSpotDtos.IdInput(dealId.trim()),
                List.of(new HubSpotDtos.AssociationType("HUBSPOT_DEFINED", type))));
    }

    private static String created(CrmObject answer, String endpoint) {
        if (answer == null || answer.id() == null || answer.id().isBlank()) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, "id", "missing", null);
        }
        return answer.id();
    }

    @Override
    public String toString() {
        return HubSpotConnectorFactory.TYPE + " connection " + settings.id() + " to " + properties.baseUrl()
                + " (API " + paths.version() + ")";
    }
}
