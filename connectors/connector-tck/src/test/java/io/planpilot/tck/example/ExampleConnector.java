package io.planpilot.tck.example;

import io.planpilot.connector.support.CrmCallException;
import io.planpilot.connector.support.CrmClients;
import io.planpilot.connector.support.CrmErrorClassifier;
import io.planpilot.connector.support.CrmRejectedException;
import io.planpilot.connector.support.CrmResilience;
import io.planpilot.connector.support.CrmUnavailableException;
import io.planpilot.connector.support.WindowCursor;
import io.planpilot.core.connector.Capabilities;
import io.planpilot.core.connector.ConnectionCheck;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorStatus;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.Discovery;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.connector.UnsupportedCapabilityException;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRequest;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * A connector to "example", a small made-up CRM that shows how a real one is built on
 * connector-support and held to the HTTP contract kit.
 *
 * <p>The example CRM's API (JSON; {@code Authorization: Bearer <token>}; 20 requests per second per
 * account, beyond which it answers 429 with {@code Retry-After} in seconds, or a bare 429):
 * <ul>
 *   <li>{@code GET /api/deals?modifiedSince=<iso>&cursor=<token>&limit=50}: deals modified at or
 *       after {@code modifiedSince}, oldest change first, at most 50 a page:
 *       {@code {"items":[{"id":"17","title":"..","pipelineId":"p1","stageId":"s1","status":"open|won|lost",
 *       "value":"1200.50","currency":"USD","ownerId":"u1","createdAt":"2026-11-01T10:00:00+03:00",
 *       "closedAt":null,"modifiedAt":"..","fields":{"region":"North"}}],"next":"<token or null>"}};</li>
 *   <li>{@code GET /api/deals/deleted?since=<iso>}: the deals deleted at or after {@code since}, as they
 *       were, with {@code deletedAt}: {@code {"items":[...]}};</li>
 *   <li>{@code GET /api/pipelines}: {@code {"items":[{"id":"p1","name":"Sales","stages":[{"id":"s1",
 *       "name":"New","sort":10,"status":"open","probability":0.1}]}]}};</li>
 *   <li>{@code GET /api/users}: {@code {"items":[{"id":"u1","name":"Anna","email":"..","active":true}]}};</li>
 *   <li>{@code POST /api/tasks} with header {@code Idempotency-Key}: body {@code {"title","description",
 *       "assigneeId","dealId","dueAt"}} (absent fields left out); answers {@code {"id":"t-1"}}, and for a
 *       key it has seen, the task made for it;</li>
 *   <li>callbacks: {@code POST} to the adapter with {@code {"events":[{"eventId","event":"deal.updated",
 *       "dealId","occurredAt"}]}}, signed (see {@link ExampleWebhooks}).</li>
 * </ul>
 *
 * <p>A read is a {@link WindowCursor} window: one page with the users and pipelines, one page per
 * page of deals (position {@code deals:<token>} after it), then one page with the deals deleted in
 * the window, which finishes it.
 */
final class ExampleConnector implements Connector {

    static final int PAGE_SIZE = 50;
    static final String DEALS_STEP = "deals:";
    static final String DELETED_STEP = "deleted";

    private final ConnectionSettings settings;
    private final ExampleConnectorProperties properties;
    private final ExampleClient client;
    private final CrmResilience calls;
    private final ExampleMapper mapper;
    private final ExampleWebhooks webhooks;
    private final Clock clock;

    ExampleConnector(ConnectionSettings settings, ExampleConnectorProperties properties) {
        this.settings = settings;
        this.properties = properties;
        this.clock = Clock.systemUTC();
        this.calls = new CrmResilience(ExampleConnectorFactory.TYPE, settings.id(), properties.policy(), clock);
        this.client = CrmClients.feign(ExampleClient.class, properties.baseUrl().toString(), ExampleConnectorFactory.TYPE,
                properties.policy(), CrmErrorClassifier.standard(ExampleConnectorFactory.TYPE),
                CrmClients.bearer(properties.token()));
        this.mapper = new ExampleMapper(settings.id(), settings.dimensions());
        this.webhooks = new ExampleWebhooks(properties.webhookSecret());
    }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(false, false, true, false, true, true, false, false);
    }

    @Override
    public void read(SyncMode mode, String cursor, PageConsumer pages) {
        Instant now = clock.instant();
        WindowCursor window = mode == SyncMode.FULL
                ? WindowCursor.full(now, properties.policy().safetyDelay())
                : WindowCursor.resume(cursor, now, properties.policy().safetyDelay());
        String since = window.since().toString();

        ExampleDtos.Pipelines pipelines = calls.call(ExampleClient.PIPELINES, client::pipelines);
        ExampleDtos.Users users = calls.call(ExampleClient.USERS, client::users);
        pages.accept(SyncPage.builder().pipelines(mapper.pipelines(pipelines)).stages(mapper.stages(pipelines))
                .reps(mapper.reps(users)).cursor(window.format()).build());

        String position = window.position();
        if (position == null || position.startsWith(DEALS_STEP)) {
            String token = position == null ? null : position.substring(DEALS_STEP.length());
            do {
                String pageToken = token;
                ExampleDtos.DealPage page = calls.call(ExampleClient.DEALS, () -> client.deals(since, pageToken, PAGE_SIZE));
                token = page.next();
                WindowCursor after = window.atPosition(token == null ? DELETED_STEP : DEALS_STEP + token);
                pages.accept(SyncPage.builder().deals(mapper.deals(ExampleClient.DEALS, page.items()))
                        .cursor(after.format()).build());
            } while (token != null);
        }

        ExampleDtos.DeletedDeals deleted = calls.call(ExampleClient.DELETED_DEALS, () -> client.deletedDeals(since));
        pages.accept(SyncPage.builder().deals(mapper.deals(ExampleClient.DELETED_DEALS, deleted.items()))
                .cursor(window.finished().format()).build());
    }

    @Override
    public ConnectionCheck check() {
        try {
            calls.call(ExampleClient.USERS, client::users);
            return ConnectionCheck.ok();
        } catch (CrmRejectedException e) {
            ConnectionCheck.Kind kind = switch (e.status()) {
                case 401 -> ConnectionCheck.Kind.BAD_CREDENTIALS;
                case 403 -> ConnectionCheck.Kind.MISSING_SCOPE;
                case 404 -> ConnectionCheck.Kind.WRONG_ACCOUNT;
                default -> ConnectionCheck.Kind.MISCONFIGURED;
            };
            return new ConnectionCheck(List.of(new ConnectionCheck.Problem(kind, e.getMessage())));
        } catch (CrmUnavailableException e) {
            return new ConnectionCheck(List.of(new ConnectionCheck.Problem(ConnectionCheck.Kind.UNREACHABLE, e.getMessage())));
        } catch (CrmCallException e) {
            return new ConnectionCheck(List.of(new ConnectionCheck.Problem(ConnectionCheck.Kind.MISCONFIGURED, e.getMessage())));
        }
    }

    @Override
    public Discovery discover() {
        ExampleDtos.Pipelines pipelines = calls.call(ExampleClient.PIPELINES, client::pipelines);
        ExampleDtos.Users users = calls.call(ExampleClient.USERS, client::users);
        return new Discovery(mapper.pipelines(pipelines), mapper.stages(pipelines), mapper.reps(users), null, List.of());
    }

    @Override
    public List<WebhookEvent> receive(WebhookRequest request) {
        return webhooks.receive(request);
    }

    @Override
    public String write(CrmWrite write) {
        if (!(write instanceof CrmWrite.Task task)) {
            throw new UnsupportedCapabilityException(ExampleConnectorFactory.TYPE, "write " + write.getClass().getSimpleName());
        }
        ExampleDtos.NewTask body = new ExampleDtos.NewTask(task.title(), task.description(), task.assignee(), task.dealId(),
                task.deadline() == null ? null : task.deadline().toString());
        return calls.call(ExampleClient.TASKS, () -> client.createTask(task.idempotencyKey(), body)).id();
    }

    @Override
    public ConnectorStatus status() {
        return calls.status();
    }

    @Override
    public String toString() {
        return ExampleConnectorFactory.TYPE + " connection " + settings.id();
    }
}
