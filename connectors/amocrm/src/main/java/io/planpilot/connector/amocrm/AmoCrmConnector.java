package io.planpilot.connector.amocrm;

import io.planpilot.connector.support.WriteMarker;
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
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amoCRM / Kommo account through API v4 ({@code base-url}, long-lived {@code access-token}), kept
 * current by its webhooks. Every call goes through the connection's {@link CrmResilience}; amoCRM allows
 * about 7 requests a second, so the default limiter allows 6, evenly spaced.
 *
 * <h2>Reads</h2>
 * A read is a {@link WindowCursor} window {@code [since, until]}; amoCRM keeps unix seconds, so both
 * bounds are cut to the second and inclusive (a record stamped in a bound's second comes again and is
 * de-duplicated by id). Its steps, each resumable from the position it stores:
 * <ol>
 *   <li>the catalog, one page: the account ({@code GET /api/v4/account}: its currency, id, subdomain),
 *       pipelines with their statuses ({@code GET /api/v4/leads/pipelines}) and users ({@code GET /api/v4/users},
 *       250 a page);</li>
 *   <li>{@code history:<page>}: {@code lead_status_changed} events created in the window
 *       ({@code GET /api/v4/events}, 100 a page) as stage transitions; the window's upper bound keeps
 *       the pages still while events are added;</li>
 *   <li>{@code leads:<from>:<page>}: leads updated in the window, walked by {@code updated_at}: each request
 *       asks for {@code filter[updated_at][from]} the last page's latest {@code updated_at},
 *       {@code order[updated_at]=asc}, 250 a page, and skips the leads of that second it already has
 *       (only when a whole page shares one second does it take the next page number). Unlike page
 *       numbers over a changing list, a lead deleted or changed during the walk moves no other lead
 *       past the walk; the walk ends when the answer has no {@code _links.next} (or is a 204);</li>
 *   <li>{@code notes:<page>}: call notes ({@code call_in}, {@code call_out}) updated since the window's
 *       start ({@code GET /api/v4/leads/notes}, by id), and {@code tasks:<page>}: tasks likewise
 *       ({@code GET /api/v4/tasks}); without an upper bound, a record changed during the walk stays in
 *       the list, so the pages do not move under the walk;</li>
 *   <li>{@code reconcile}: when due, a {@link Listing} of every lead id (deletions whose webhook was
 *       missed). Due on a full read (it lists what it read) and when the window crosses a multiple of
 *       {@code reconcile-every}; other reads walk every lead by {@code created_at}, which never changes.</li>
 * </ol>
 *
 * <h2>Webhooks, re-reads and writes</h2>
 * {@link #receive} takes the account's webhooks ({@link AmoCrmWebhooks}); {@link #reread} reads the
 * announced leads by id ({@code filter[id][]}), a lead that is gone coming back as a deletion; their
 * status events come with the next sync. Writes carry the adapter's idempotency key as a last line
 * {@code planpilot:<key>} (the {@link WriteMarker}) of the task's or note's text and look for it before
 * creating anything, and again before a retried attempt. amoCRM has no notification call: the app
 * sends a task for the user instead ({@link io.planpilot.core.connector.WriteRouting}).
 */
final class AmoCrmConnector implements Connector {

    /** amoCRM's largest page of leads, notes, tasks and users. */
    static final int PAGE_SIZE = 250;
    /** The events list's largest page. */
    static final int EVENTS_PAGE_SIZE = 100;
    static final int REREAD_CHUNK = 50;
    static final String HISTORY_STEP = "history:";
    static final String LEADS_STEP = "leads:";
    static final String NOTES_STEP = "notes:";
    static final String TASKS_STEP = "tasks:";
    static final String RECONCILE_STEP = "reconcile";

    /** What starts the last line of every text the adapter writes: {@code planpilot:<idempotency key>}. */
    private static final Pattern LEADS_POSITION = Pattern.compile("^" + LEADS_STEP + "(\\d+):(\\d+)$");
    private static final Duration CATALOG_MAX_AGE = Duration.ofMinutes(10);
    private static final int FIND_PAGES = 4;

    private final ConnectionSettings settings;
    private final AmoCrmConnectorProperties properties;
    private final Clock clock;
    private final CrmResilience calls;
    private final AmoCrmClient client;
    private final AmoCrmMapper mapper;
    private final AmoCrmWebhooks webhooks;
    private volatile AmoCrmDtos.Account account;
    private volatile Cached catalogCache;

    /** The lead's card in the account: {@code <base-url>/leads/detail/<id>} (amoCRM calls deals leads). */
    @Override
    public java.util.Optional<String> dealUrl(String dealId) {
        if (dealId == null || !dealId.matches("\\d+")) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(properties.baseUrl() + "/leads/detail/" + dealId);
    }

    AmoCrmConnector(ConnectionSettings settings, AmoCrmConnectorProperties properties) {
        this(settings, properties, Clock.systemUTC());
    }

    AmoCrmConnector(ConnectionSettings settings, AmoCrmConnectorProperties properties, Clock clock) {
        this.settings = settings;
        this.properties = properties;
        this.clock = clock;
        this.client = CrmClients.feign(AmoCrmClient.class, properties.baseUrl().toString(), AmoCrmConnectorFactory.TYPE,
                properties.policy(), new AmoCrmErrors(clock), new JacksonCodec(AmoCrmConnectorFactory.TYPE),
                CrmClients.bearer(properties.accessToken()));
        this.mapper = new AmoCrmMapper(settings.id(), settings.dimensions());
        this.webhooks = new AmoCrmWebhooks(properties.webhookSecret(), this::accountIdentity);
        // last: the limiter's permit periods start now, and the first call should find a fresh period
        this.calls = new CrmResilience(AmoCrmConnectorFactory.TYPE, settings.id(), properties.policy(), clock);
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, false, true, true, true, false, true);
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
                .mappedDimensions(settings.dimensions().keySet()).cursor(window.format()).build());

        String position = window.position();
        int step = step(position);
        Set<String> leadIds = step <= 1 && position == null && fullWindow ? new HashSet<>() : null;
        if (step <= 0) {
            readHistory(window, position == null ? 1 : number(position, HISTORY_STEP), pages);
        }
        if (step <= 1) {
            readLeads(window, catalog, step == 1 ? position : null, leadIds, pages);
        }
        if (step <= 2) {
            readActivities(window, NOTES_STEP, step == 2 ? number(position, NOTES_STEP) : 1, pages);
        }
        if (step <= 3) {
            readActivities(window, TASKS_STEP, step == 3 ? number(position, TASKS_STEP) : 1, pages);
        }
        SyncPage.Builder last = SyncPage.builder();
        if (window.reconcileDue(properties.reconcileEvery())) {
            pages.accept(SyncPage.builder().cursor(window.atPosition(RECONCILE_STEP).format()).build());
            last.listing(new Listing(RecordKind.DEAL, leadIds != null ? leadIds : allLeadIds()));
        }
        pages.accept(last.cursor(window.finished().format()).build());
    }

    /** 0 history, 1 leads, 2 notes, 3 tasks, 4 reconcile; a position this connector did not write starts over. */
    private static int step(String position) {
        if (position == null || position.startsWith(HISTORY_STEP)) {
            return 0;
        }
        if (LEADS_POSITION.matcher(position).matches()) {
            return 1;
        }
        if (position.startsWith(NOTES_STEP)) {
            return 2;
        }
        if (position.startsWith(TASKS_STEP)) {
            return 3;
        }
        return position.equals(RECONCILE_STEP) ? 4 : 0;
    }

    private static int number(String position, String step) {
        if (position == null || !position.startsWith(step)) {
            return 1;
        }
        String page = position.substring(step.length());
        return page.matches("\\d{1,6}") ? Math.max(1, Integer.parseInt(page)) : 1;
    }

    /** {@code lead_status_changed} events created in the window, 100 a page, from page {@code page}. */
    private void readHistory(WindowCursor window, int page, PageConsumer pages) {
        for (int current = page; ; current++) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("filter[type]", "lead_status_changed");
            query.put("filter[created_at][from]", seconds(window.since()));
            query.put("filter[created_at][to]", seconds(window.until()));
            query.put("page", current);
            query.put("limit", EVENTS_PAGE_SIZE);
            AmoCrmDtos.Events answer = calls.call(AmoCrmClient.EVENTS, () -> client.events(query));
            List<AmoCrmDtos.Event> events = answer == null || answer.embedded() == null || answer.embedded().events() == null
                    ? List.of() : answer.embedded().events();
            List<StageTransition> transitions = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                StageTransition transition = mapper.transition(events.get(i), AmoCrmClient.EVENTS, "_embedded.events[" + i + "]");
                if (transition != null) {
                    transitions.add(transition);
                }
            }
            boolean more = !events.isEmpty() && hasNext(answer == null ? null : answer.links());
            String next = more ? HISTORY_STEP + (current + 1) : LEADS_STEP + seconds(window.since()) + ":1";
            if (!events.isEmpty()) {
                pages.accept(SyncPage.builder().transitions(transitions).cursor(window.atPosition(next).format()).build());
            }
            if (!more) {
                return;
            }
        }
    }

    /**
     * Leads updated in the window, walked by {@code updated_at} from {@code position} ({@code leads:<from>:<page>},
     * null: the window's start); each page of new leads goes to {@code pages} with the position after it.
     */
    private void readLeads(WindowCursor window, Catalog catalog, String position, Set<String> ids, PageConsumer pages) {
        long to = seconds(window.until());
        long from = seconds(window.since());
        int page = 1;
        Matcher at = position == null ? null : LEADS_POSITION.matcher(position);
        if (at != null && at.matches()) {
            from = Long.parseLong(at.group(1));
            page = Integer.parseInt(at.group(2));
        }
        Set<Long> seen = new HashSet<>();
        while (true) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("filter[updated_at][from]", from);
            query.put("filter[updated_at][to]", to);
            query.put("order[updated_at]", "asc");
            query.put("page", page);
            query.put("limit", PAGE_SIZE);
            AmoCrmDtos.Leads answer = calls.call(AmoCrmClient.LEADS, () -> client.leads(query));
            List<AmoCrmDtos.Lead> leads = leads(answer);
            if (leads.isEmpty()) {
                return;
            }
            List<Deal> deals = new ArrayList<>();
            List<SyncWarning> warnings = new ArrayList<>();
            long latest = from;
            for (int i = 0; i < leads.size(); i++) {
                AmoCrmDtos.Lead lead = leads.get(i);
                String path = "_embedded.leads[" + i + "]";
                if (lead.updatedAt() == null) {
                    throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, AmoCrmClient.LEADS, path + ".updated_at", "missing", null);
                }
                latest = Math.max(latest, lead.updatedAt());
                if (lead.id() != null && !seen.add(lead.id())) {
                    continue;
                }
                deals.add(deal(lead, catalog, path, warnings));
            }
            boolean more = leads.size() >= PAGE_SIZE && hasNext(answer.links());
            if (more && latest > from) {
                long boundary = latest;
                Set<Long> atBoundary = new HashSet<>();
                leads.stream().filter(l -> l.updatedAt() == boundary && l.id() != null).forEach(l -> atBoundary.add(l.id()));
                seen.clear();
                seen.addAll(atBoundary);
                from = latest;
                page = 1;
            } else if (more) {
                page++;
            }
            if (ids != null) {
                deals.forEach(deal -> ids.add(deal.id()));
            }
            String next = more ? LEADS_STEP + from + ":" + page : NOTES_STEP + "1";
            pages.accept(SyncPage.builder().deals(deals).warnings(warnings).cursor(window.atPosition(next).format()).build());
            if (!more) {
                return;
            }
        }
    }

    private Deal deal(AmoCrmDtos.Lead lead, Catalog catalog, String path, List<SyncWarning> warnings) {
        Deal deal = mapper.deal(lead, catalog.currency(), AmoCrmClient.LEADS, path);
        if (AmoCrmMapper.closedWithoutTime(lead)) {
            warnings.add(new SyncWarning(AmoCrmClient.LEADS, null, "closed_at", "lead " + deal.id()
                    + " is won or lost but has no closed_at; closedAt is its updated_at"));
        }
        return deal;
    }

    private static List<AmoCrmDtos.Lead> leads(AmoCrmDtos.Leads answer) {
        return answer == null || answer.embedded() == null || answer.embedded().leads() == null ? List.of()
                : answer.embedded().leads();
    }

    /** Call notes ({@link #NOTES_STEP}) or tasks ({@link #TASKS_STEP}) updated since the window's start, by id, from {@code page}. */
    private void readActivities(WindowCursor window, String step, int page, PageConsumer pages) {
        for (int current = page; ; current++) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("filter[updated_at][from]", seconds(window.since()));
            query.put("order[id]", "asc");
            query.put("page", current);
            query.put("limit", PAGE_SIZE);
            List<Activity> activities = new ArrayList<>();
            boolean more;
            if (step.equals(NOTES_STEP)) {
                query.put("filter[note_type][]", List.of("call_in", "call_out"));
                AmoCrmDtos.Notes answer = calls.call(AmoCrmClient.NOTES, () -> client.notes(query));
                List<AmoCrmDtos.Note> notes = answer == null || answer.embedded() == null || answer.embedded().notes() == null
                        ? List.of() : answer.embedded().notes();
                for (int i = 0; i < notes.size(); i++) {
                    if (AmoCrmMapper.isCall(notes.get(i).noteType())) {
                        activities.add(mapper.callNote(notes.get(i), AmoCrmClient.NOTES, "_embedded.notes[" + i + "]"));
                    }
                }
                more = notes.size() >= PAGE_SIZE && hasNext(answer.links());
                if (notes.isEmpty()) {
                    return;
                }
            } else {
                AmoCrmDtos.Tasks answer = calls.call(AmoCrmClient.TASKS, () -> client.tasks(query));
                List<AmoCrmDtos.Task> tasks = answer == null || answer.embedded() == null || answer.embedded().tasks() == null
                        ? List.of() : answer.embedded().tasks();
                for (int i = 0; i < tasks.size(); i++) {
                    activities.add(mapper.task(tasks.get(i), AmoCrmClient.TASKS, "_embedded.tasks[" + i + "]"));
                }
                more = tasks.size() >= PAGE_SIZE && hasNext(answer.links());
                if (tasks.isEmpty()) {
                    return;
                }
            }
            String next = more ? step + (current + 1) : step.equals(NOTES_STEP) ? TASKS_STEP + "1" : RECONCILE_STEP;
            pages.accept(SyncPage.builder().activities(activities).cursor(window.atPosition(next).format()).build());
            if (!more) {
                return;
            }
        }
    }

    /** Every lead id, walked by {@code created_at} (which never changes, so no lead moves past the walk). */
    private Set<String> allLeadIds() {
        Set<String> ids = new HashSet<>();
        long from = 0;
        int page = 1;
        while (true) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("filter[created_at][from]", from);
            query.put("order[created_at]", "asc");
            query.put("page", page);
            query.put("limit", PAGE_SIZE);
            AmoCrmDtos.Leads answer = calls.call(AmoCrmClient.LEADS, () -> client.leads(query));
            List<AmoCrmDtos.Lead> leads = leads(answer);
            long latest = from;
            for (int i = 0; i < leads.size(); i++) {
                AmoCrmDtos.Lead lead = leads.get(i);
                if (lead.id() == null || lead.createdAt() == null) {
                    throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, AmoCrmClient.LEADS, "_embedded.leads[" + i + "]."
                            + (lead.id() == null ? "id" : "created_at"), "missing", null);
                }
                ids.add(String.valueOf(lead.id()));
                latest = Math.max(latest, lead.createdAt());
            }
            if (leads.size() < PAGE_SIZE || !hasNext(answer.links())) {
                return ids;
            }
            if (latest > from) {
                // the leads of the boundary second come again and are de-duplicated by the set
                from = latest;
                page = 1;
            } else {
                page++;
            }
        }
    }

    private static boolean hasNext(AmoCrmDtos.Links links) {
        return links != null && links.next() != null && links.next().href() != null && !links.next().href().isBlank();
    }

    /** An instant as amoCRM's unix seconds, cut to the second (so an inclusive bound stays inclusive). */
    static long seconds(Instant instant) {
        return instant.getEpochSecond();
    }

    // ------------------------------------------------------------------ the catalog

    /** Pipelines, statuses, users and the account's currency, as one read sees them. */
    record Catalog(List<Pipeline> pipelines, List<Stage> stages, List<Rep> reps, String currency) {
    }

    private record Cached(Catalog catalog, Instant at) {
    }

    Catalog catalog() {
        AmoCrmDtos.Account current = calls.call(AmoCrmClient.ACCOUNT, client::account);
        if (current == null) {
            throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, AmoCrmClient.ACCOUNT, null, "no account in the answer", null);
        }
        account = current;
        AmoCrmDtos.Pipelines answer = calls.call(AmoCrmClient.PIPELINES, client::pipelines);
        List<AmoCrmDtos.Pipeline> pipelines = answer == null || answer.embedded() == null || answer.embedded().pipelines() == null
                ? List.of() : answer.embedded().pipelines();
        List<AmoCrmDtos.User> users = new ArrayList<>();
        for (int page = 1; ; page++) {
            Map<String, Object> query = Map.of("page", page, "limit", PAGE_SIZE);
            AmoCrmDtos.Users list = calls.call(AmoCrmClient.USERS, () -> client.users(query));
            List<AmoCrmDtos.User> chunk = list == null || list.embedded() == null || list.embedded().users() == null
                    ? List.of() : list.embedded().users();
            users.addAll(chunk);
            if (chunk.size() < PAGE_SIZE || !hasNext(list.links())) {
                break;
            }
        }
        String currency = current.currency() == null || current.currency().isBlank() ? settings.baseCurrency() : current.currency();
        Catalog catalog = new Catalog(mapper.pipelines(pipelines), mapper.stages(pipelines, AmoCrmClient.PIPELINES),
                mapper.reps(users), currency);
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

    /**
     * Who the account is, for webhooks: the configured id, else the one {@code GET /api/v4/account} gives
     * (asked once; when amoCRM cannot answer, what base-url says is checked alone).
     */
    private AmoCrmWebhooks.AccountIdentity accountIdentity() {
        String subdomain = properties.subdomain().orElse(null);
        Long id = properties.accountId();
        if (id == null || subdomain == null) {
            AmoCrmDtos.Account known = account;
            if (known == null) {
                try {
                    known = calls.call(AmoCrmClient.ACCOUNT, client::account);
                    account = known;
                } catch (CrmCallException e) {
                    // amoCRM unreachable now: the secret path and the subdomain of base-url still decide
                    known = null;
                }
            }
            if (known != null) {
                id = id == null ? known.id() : id;
                subdomain = subdomain == null ? known.subdomain() : subdomain;
            }
        }
        return new AmoCrmWebhooks.AccountIdentity(subdomain, id);
    }

    // ------------------------------------------------------------------ discover, check, status

    @Override
    public Discovery discover() {
        Catalog catalog = catalog();
        List<Discovery.Field> fields = new ArrayList<>();
        for (int page = 1; ; page++) {
            Map<String, Object> query = Map.of("page", page, "limit", PAGE_SIZE);
            AmoCrmDtos.CustomFields answer = calls.call(AmoCrmClient.CUSTOM_FIELDS, () -> client.customFields(query));
            List<AmoCrmDtos.CustomField> chunk = answer == null || answer.embedded() == null
                    || answer.embedded().customFields() == null ? List.of() : answer.embedded().customFields();
            chunk.stream().filter(f -> f.id() != null)
                    .forEach(f -> fields.add(new Discovery.Field(String.valueOf(f.id()), f.name() == null ? String.valueOf(f.id()) : f.name())));
            if (chunk.size() < PAGE_SIZE || !hasNext(answer.links())) {
                break;
            }
        }
        return new Discovery(catalog.pipelines(), catalog.stages(), catalog.reps(), null, fields);
    }

    @Override
    public ConnectionCheck check() {
        List<ConnectionCheck.Problem> problems = new ArrayList<>();
        try {
            AmoCrmDtos.Account answer = calls.call(AmoCrmClient.ACCOUNT, client::account);
            account = answer;
            String expected = properties.subdomain().orElse(null);
            if (answer == null || answer.id() == null) {
                problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, "base-url answers "
                        + AmoCrmClient.ACCOUNT + " without an account; check that it is the account's address"));
            } else {
                if (expected != null && answer.subdomain() != null && !expected.equalsIgnoreCase(answer.subdomain())) {
                    problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.WRONG_ACCOUNT, "the token belongs to account '"
                            + answer.subdomain() + "', but base-url names '" + expected + "'"));
                }
                if (properties.accountId() != null && !properties.accountId().equals(answer.id())) {
                    problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.WRONG_ACCOUNT, "account-id is "
                            + properties.accountId() + ", but the token's account has id " + answer.id()));
                }
            }
        } catch (CrmRejectedException e) {
            ConnectionCheck.Kind kind = switch (e.status()) {
                case 401 -> ConnectionCheck.Kind.BAD_CREDENTIALS;
                case 403 -> ConnectionCheck.Kind.MISSING_SCOPE;
                case 404 -> ConnectionCheck.Kind.WRONG_ACCOUNT;
                default -> ConnectionCheck.Kind.MISCONFIGURED;
            };
            problems.add(new ConnectionCheck.Problem(kind, e.getMessage()));
        } catch (CrmUnavailableException | CrmRateLimitedException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.UNREACHABLE, e.getMessage()
                    + " (the account " + properties.baseUrl() + " did not answer)"));
        } catch (CrmResponseException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()
                    + " (base-url answers, but not as amoCRM's API v4; it must be https://{subdomain}.amocrm.ru or .kommo.com)"));
        } catch (CrmCallException e) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage()));
        }
        if (properties.webhookSecret() == null) {
            problems.add(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, "webhook-secret is not set: amoCRM's "
                    + "webhooks will be refused (401) and changes arrive only with the next sync; set it and point the "
                    + "account's webhook at /webhooks/" + settings.id() + "/{webhook-secret}"));
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
        List<String> leadIds = ids(records, RecordKind.DEAL, "");
        List<String> taskIds = ids(records, RecordKind.ACTIVITY, AmoCrmMapper.TASK_PREFIX);
        List<String> noteIds = ids(records, RecordKind.ACTIVITY, AmoCrmMapper.NOTE_PREFIX);
        SyncPage.Builder page = SyncPage.builder();
        if (!leadIds.isEmpty()) {
            Catalog catalog = cachedCatalog();
            List<SyncWarning> warnings = new ArrayList<>();
            List<Deal> deals = new ArrayList<>();
            byId(leadIds, AmoCrmClient.LEADS, query -> leads(client.leads(query)), (lead, path) -> {
                deals.add(deal(lead, catalog, path, warnings));
                return String.valueOf(lead.id());
            }, RecordKind.DEAL, "", page);
            page.deals(deals).warnings(warnings);
        }
        List<Activity> activities = new ArrayList<>();
        if (!taskIds.isEmpty()) {
            byId(taskIds, AmoCrmClient.TASKS, query -> {
                AmoCrmDtos.Tasks answer = client.tasks(query);
                return answer == null || answer.embedded() == null || answer.embedded().tasks() == null ? List.of() : answer.embedded().tasks();
            }, (task, path) -> {
                Activity activity = mapper.task(task, AmoCrmClient.TASKS, path);
                activities.add(activity);
                return String.valueOf(task.id());
            }, RecordKind.ACTIVITY, AmoCrmMapper.TASK_PREFIX, page);
        }
        if (!noteIds.isEmpty()) {
            byId(noteIds, AmoCrmClient.NOTES, query -> {
                AmoCrmDtos.Notes answer = client.notes(query);
                return answer == null || answer.embedded() == null || answer.embedded().notes() == null ? List.of() : answer.embedded().notes();
            }, (note, path) -> {
                activities.add(mapper.callNote(note, AmoCrmClient.NOTES, path));
                return String.valueOf(note.id());
            }, RecordKind.ACTIVITY, AmoCrmMapper.NOTE_PREFIX, page);
        }
        return page.activities(activities).build();
    }

    private static List<String> ids(List<RecordRef> records, RecordKind kind, String prefix) {
        return records.stream().filter(r -> r.kind() == kind && r.id() != null && r.id().startsWith(prefix))
                .map(r -> r.id().substring(prefix.length()).trim()).filter(id -> id.matches("\\d{1,18}")).distinct().toList();
    }

    /** Reads {@code ids} with {@code filter[id][]}, 50 a request; those not found become deletions of {@code kind}. */
    private <T> void byId(List<String> ids, String endpoint, Function<Map<String, Object>, List<T>> list,
                          java.util.function.BiFunction<T, String, String> take, RecordKind kind, String prefix,
                          SyncPage.Builder page) {
        Set<String> found = new HashSet<>();
        for (int from = 0; from < ids.size(); from += REREAD_CHUNK) {
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + REREAD_CHUNK));
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("filter[id][]", List.copyOf(chunk));
            query.put("limit", PAGE_SIZE);
            List<T> rows = calls.call(endpoint, () -> list.apply(query));
            String name = endpoint.substring(endpoint.lastIndexOf('/') + 1);
            for (int i = 0; i < rows.size(); i++) {
                found.add(take.apply(rows.get(i), "_embedded." + name + "[" + i + "]"));
            }
        }
        page.deletions(ids.stream().filter(id -> !found.contains(id)).map(id -> new RecordRef(kind, prefix + id)).toList());
    }

    // ------------------------------------------------------------------ writes

    @Override
    public String write(CrmWrite write) {
        WriteMarker.requireKey(AmoCrmConnectorFactory.TYPE, write);
        if (write instanceof CrmWrite.Task task) {
            return writeTask(task);
        }
        if (write instanceof CrmWrite.Comment comment) {
            return writeComment(comment);
        }
        throw new io.planpilot.core.connector.UnsupportedCapabilityException(getClass().getSimpleName(),
                "send notifications (amoCRM has no notification call; the app sends a task for the user instead)");
    }

    /**
     * {@code POST /api/v4/tasks} with one task: {@code text} (the title, the description and the marker),
     * {@code complete_till} (the deadline; without one, the end of today in the connection's zone, since
     * amoCRM requires it), {@code responsible_user_id}, and {@code entity_id} with {@code entity_type: leads}
     * for a deal. The user's tasks (of that lead) are looked through for the marker first.
     */
    private String writeTask(CrmWrite.Task task) {
        if (task.assignee() == null || !task.assignee().trim().matches("\\d{1,18}")) {
            throw new CrmRejectedException(AmoCrmConnectorFactory.TYPE, AmoCrmClient.ADD_TASKS, 0, null,
                    "an amoCRM task needs its responsible user's id (responsible_user_id); got '" + task.assignee() + "'");
        }
        Long lead = leadId(task.dealId(), AmoCrmClient.ADD_TASKS);
        String text = WriteMarker.mark(joined(task.title(), task.description()), task.idempotencyKey());
        Instant deadline = task.deadline() != null ? task.deadline()
                : clock.instant().atZone(settings.zone()).toLocalDate().atTime(LocalTime.of(23, 59)).atZone(settings.zone()).toInstant();
        AmoCrmDtos.TaskAdd body = new AmoCrmDtos.TaskAdd(text, deadline.getEpochSecond(), Long.parseLong(task.assignee().trim()),
                lead, lead == null ? null : "leads");
        Optional<String> existing = findTask(task, lead);
        if (existing.isPresent()) {
            return existing.get();
        }
        AtomicInteger attempts = new AtomicInteger();
        return calls.call(AmoCrmClient.ADD_TASKS, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findTask(task, lead);
                if (made.isPresent()) {
                    return made.get();
                }
            }
            AmoCrmDtos.Created answer = client.addTasks(List.of(body));
            return createdId(answer == null || answer.embedded() == null ? null : answer.embedded().tasks(),
                    AmoCrmClient.ADD_TASKS, "_embedded.tasks[0].id");
        });
    }

    private Optional<String> findTask(CrmWrite.Task task, Long lead) {
        for (int page = 1; page <= FIND_PAGES; page++) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("filter[responsible_user_id]", task.assignee().trim());
            if (lead != null) {
                query.put("filter[entity_type]", "leads");
                query.put("filter[entity_id][]", List.of(lead));
            }
            query.put("order[id]", "desc");
            query.put("page", page);
            query.put("limit", PAGE_SIZE);
            AmoCrmDtos.Tasks answer = calls.call(AmoCrmClient.TASKS, () -> client.tasks(query));
            List<AmoCrmDtos.Task> tasks = answer == null || answer.embedded() == null || answer.embedded().tasks() == null
                    ? List.of() : answer.embedded().tasks();
            Optional<String> found = tasks.stream().filter(t -> WriteMarker.carries(t.text(), task.idempotencyKey()) && t.id() != null)
                    .map(t -> String.valueOf(t.id())).findFirst();
            if (found.isPresent() || tasks.size() < PAGE_SIZE || !hasNext(answer.links())) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * {@code POST /api/v4/leads/notes} with one {@code common} note on the lead, its {@code params.text}
     * ending in the marker; the lead's common notes ({@code GET /api/v4/leads/{id}/notes}, newest first)
     * are looked through for the marker first.
     */
    private String writeComment(CrmWrite.Comment comment) {
        Long lead = leadId(comment.dealId(), AmoCrmClient.ADD_NOTES);
        if (lead == null) {
            throw new CrmRejectedException(AmoCrmConnectorFactory.TYPE, AmoCrmClient.ADD_NOTES, 0, null,
                    "a note needs the lead it belongs to");
        }
        AmoCrmDtos.NoteAdd body = new AmoCrmDtos.NoteAdd(lead, "common",
                new AmoCrmDtos.NoteText(WriteMarker.mark(comment.text(), comment.idempotencyKey())));
        Optional<String> existing = findNote(lead, comment.idempotencyKey());
        if (existing.isPresent()) {
            return existing.get();
        }
        AtomicInteger attempts = new AtomicInteger();
        return calls.call(AmoCrmClient.ADD_NOTES, () -> {
            if (attempts.incrementAndGet() > 1) {
                Optional<String> made = findNote(lead, comment.idempotencyKey());
                if (made.isPresent()) {
                    return made.get();
                }
            }
            AmoCrmDtos.Created answer = client.addNotes(List.of(body));
            return createdId(answer == null || answer.embedded() == null ? null : answer.embedded().notes(),
                    AmoCrmClient.ADD_NOTES, "_embedded.notes[0].id");
        });
    }

    private Optional<String> findNote(long lead, String key) {
        for (int page = 1; page <= FIND_PAGES; page++) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("filter[note_type]", "common");
            query.put("order[id]", "desc");
            query.put("page", page);
            query.put("limit", PAGE_SIZE);
            AmoCrmDtos.Notes answer = calls.call(AmoCrmClient.LEAD_NOTES, () -> client.leadNotes(lead, query));
            List<AmoCrmDtos.Note> notes = answer == null || answer.embedded() == null || answer.embedded().notes() == null
                    ? List.of() : answer.embedded().notes();
            Optional<String> found = notes.stream().filter(n -> n.id() != null && n.params() != null
                            && WriteMarker.carries(n.params().path("text").asString(""), key))
                    .map(n -> String.valueOf(n.id())).findFirst();
            if (found.isPresent() || notes.size() < PAGE_SIZE || !hasNext(answer.links())) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static String createdId(List<AmoCrmDtos.CreatedItem> items, String endpoint, String path) {
        if (items == null || items.isEmpty() || items.get(0).id() == null) {
            throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, endpoint, path, "missing", null);
        }
        return String.valueOf(items.get(0).id());
    }

    private static Long leadId(String dealId, String endpoint) {
        if (dealId == null || dealId.isBlank()) {
            return null;
        }
        if (!dealId.trim().matches("\\d{1,18}")) {
            throw new CrmRejectedException(AmoCrmConnectorFactory.TYPE, endpoint, 0, null,
                    "an amoCRM lead id is a number; got '" + dealId + "'");
        }
        return Long.parseLong(dealId.trim());
    }

    private static String joined(String title, String description) {
        String head = title == null ? "" : title.strip();
        String body = description == null ? "" : description.strip();
        return head.isEmpty() ? body : body.isEmpty() ? head : head + "\n" + body;
    }

    @Override
    public String toString() {
        return AmoCrmConnectorFactory.TYPE + " connection " + settings.id() + " to " + properties.baseUrl();
    }
}
