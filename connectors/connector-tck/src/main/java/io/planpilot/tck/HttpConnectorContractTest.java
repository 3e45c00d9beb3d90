package io.planpilot.tck;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.planpilot.connector.support.CrmHttpPolicy;
import io.planpilot.connector.support.WindowCursor;
import io.planpilot.core.connector.Capabilities;
import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.ConnectorStatus;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.PageConsumer;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The contract of a connector to a CRM's HTTP API, as tests against a fake CRM on WireMock. A
 * connector module's test extends this class and supplies its factory, the settings of a
 * connection to a base URL, and a {@link FakeCrm} that serves the CRM's real shapes. WireMock runs
 * on a dynamic port, one server per test class; before each test the kit resets it and the fake.
 *
 * <p>The kit sets, through the connection's options, what {@link CrmHttpPolicy} reads: fast
 * retries ({@code retry.initial-backoff} 10 ms, {@code retry.max-backoff} 50 ms) and a safety delay
 * of 0 (so changes made during a test are due in the next read); the tests of timeouts, the safety
 * delay and the limiter set theirs. A connector therefore accepts {@link CrmHttpPolicy#OPTION_KEYS}.
 * Tests of what a connector's {@link Capabilities} do not declare, or of what its fake returns null
 * for, are skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
public abstract class HttpConnectorContractTest {

    /** The options every test's connection gets; a test may add or override some. */
    protected static final Map<String, String> KIT_OPTIONS = Map.of(
            CrmHttpPolicy.RETRY_INITIAL_BACKOFF, "PT0.01S",
            CrmHttpPolicy.RETRY_MAX_BACKOFF, "PT0.05S",
            CrmHttpPolicy.SYNC_SAFETY_DELAY, "0");

    /** The factory under test. */
    protected abstract ConnectorFactory factory();

    /** A valid connection to the CRM at {@code baseUrl} (the fake's WireMock server). */
    protected abstract ConnectionSettings settings(String baseUrl);

    /** The fake CRM on {@code server}, started and reachable. */
    protected abstract FakeCrm fakeCrm(WireMockServer server);

    /** WireMock's options: add the fake's extensions here (the port is dynamic already). */
    protected WireMockConfiguration wireMock(WireMockConfiguration options) {
        return options;
    }

    private WireMockServer server;
    private FakeCrm crm;

    @BeforeAll
    void startTheFakeCrm() {
        server = new WireMockServer(wireMock(options().dynamicPort()));
        server.start();
        crm = fakeCrm(server);
    }

    @AfterAll
    void stopTheFakeCrm() {
        if (server != null) {
            server.stop();
        }
    }

    @BeforeEach
    void resetTheFakeCrm() {
        server.resetAll();
        crm.reset();
    }

    protected FakeCrm crm() {
        return crm;
    }

    protected WireMockServer server() {
        return server;
    }

    /** {@link #settings(String)} at the fake, with {@link #KIT_OPTIONS} and then {@code extra}. */
    protected ConnectionSettings kitSettings(Map<String, String> extra) {
        ConnectionSettings base = settings(server.baseUrl());
        Map<String, String> options = new HashMap<>(base.options());
        options.putAll(KIT_OPTIONS);
        options.putAll(extra);
        return new ConnectionSettings(base.id(), base.type(), base.zone(), base.baseCurrency(), base.dimensions(), options);
    }

    protected Connector connector() {
        return connector(Map.of());
    }

    protected Connector connector(Map<String, String> extra) {
        return factory().create(kitSettings(extra));
    }

    protected String type() {
        return kitSettings(Map.of()).type();
    }

    /** Reads once into a fresh recorder. */
    protected static RecordingPageConsumer read(Connector connector, SyncMode mode, String cursor) {
        RecordingPageConsumer pages = new RecordingPageConsumer();
        connector.read(mode, cursor, pages);
        return pages;
    }

    // --- settings and registration ---

    @Test
    void theSettingsWithTheKitsOptionsAreValid() {
        assertThat(factory().validate(kitSettings(Map.of()))).isEmpty();
        assertThat(factory().type()).isEqualTo(type());
    }

    @Test
    void theFactoryIsRegisteredForServiceLoader() {
        assertThat(ServiceLoader.load(ConnectorFactory.class).stream().map(ServiceLoader.Provider::type))
                .contains(factory().getClass());
    }

    @Test
    void theConnectionChecksOut() {
        assertThat(connector().check().problems()).isEmpty();
    }

    @Test
    void theStatusShowsTheLimiterAndAClosedBreaker() {
        ConnectorStatus status = connector().status();

        assertThat(status.rateLimit()).isNotBlank();
        assertThat(status.circuitBreaker()).isEqualTo("CLOSED");
    }

    // --- reads ---

    @Test
    void aFullReadAcrossMorePagesThanThePageCapReturnsEveryDealOnce() {
        List<String> ids = crm.seedDeals(crm.pageCap() * 2 + 7);

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        assertThat(full.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(full.dealsEmitted()).as("deals emitted, repeats counted").isEqualTo(ids.size());
        String connection = kitSettings(Map.of()).id();
        assertThat(full.deals().values()).allSatisfy(deal -> {
            assertThat(deal.connection()).isEqualTo(connection);
            assertThat(deal.pipeline()).isNotBlank();
            assertThat(deal.stage()).isNotBlank();
            assertThat(deal.currency()).isNotBlank();
            assertThat(deal.createdAt()).isNotNull();
            assertThat(deal.deleted()).isFalse();
            if (deal.status().isClosed()) {
                assertThat(deal.closedAt()).as("closedAt of closed deal %s", deal.id()).isNotNull();
            } else {
                assertThat(deal.closedAt()).as("closedAt of open deal %s", deal.id()).isNull();
            }
        });
        assertThat(full.deals().values()).extracting(Deal::status).contains(DealStatus.WON, DealStatus.LOST, DealStatus.OPEN);
        assertThat(full.reps()).isNotEmpty();
        assertThat(full.pipelines()).isNotEmpty();
        assertThat(full.stages()).isNotEmpty();
        assertThat(full.cursor()).as("the cursor to resume from").isNotBlank();
        assertThat(full.pages()).allSatisfy(page -> assertThat(page.cursor()).as("a page's cursor, null or text")
                .satisfiesAnyOf(c -> assertThat(c).isNull(), c -> assertThat(c).isNotBlank()));
    }

    @Test
    void aSecondIncrementalReadWithTheSavedCursorReturnsNoDeals() {
        crm.seedDeals(crm.pageCap() + 3);
        Connector connector = connector();
        String cursor = read(connector, SyncMode.FULL, null).cursor();

        RecordingPageConsumer again = read(connector, SyncMode.INCREMENTAL, cursor);

        assertThat(again.deals()).isEmpty();
    }

    @Test
    void aFullReadIgnoresTheCursor() {
        List<String> ids = crm.seedDeals(5);
        Connector connector = connector();
        String cursor = read(connector, SyncMode.FULL, null).cursor();

        RecordingPageConsumer again = read(connector, SyncMode.FULL, cursor);

        assertThat(again.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aDealChangedAfterAReadIsReadOnTheNextRunWithItsChange() {
        crm.seedDeals(crm.pageCap() + 3);
        Connector connector = connector();
        RecordingPageConsumer full = read(connector, SyncMode.FULL, null);

        String id = crm.updateOneDeal();
        RecordingPageConsumer next = read(connector, SyncMode.INCREMENTAL, full.cursor());

        assertThat(next.deal(id)).as("deal %s read again", id).isPresent();
        assertThat(next.deal(id).orElseThrow()).as("deal %s changed", id).isNotEqualTo(full.deal(id).orElseThrow());
    }

    @Test
    void aDealChangedDuringAReadIsReadOnTheNextRun() {
        crm.seedDeals(crm.pageCap() * 2 + 3);
        Connector connector = connector();
        String id = crm.updateDealDuringNextRead();
        RecordingPageConsumer first = read(connector, SyncMode.FULL, null);

        RecordingPageConsumer next = read(connector, SyncMode.INCREMENTAL, first.cursor());

        assertThat(next.deal(id)).as("deal %s, changed while the first read ran, in the next one "
                + "(the cursor's bound must not pass the moment the read started)", id).isPresent();
    }

    @Test
    void theSavedBoundStaysBehindTheReadsStartByTheSafetyDelay() {
        crm.seedDeals(3);
        Duration delay = Duration.ofMinutes(10);

        String cursor = read(connector(Map.of(CrmHttpPolicy.SYNC_SAFETY_DELAY, delay.toString())), SyncMode.FULL, null)
                .cursor();

        Optional<WindowCursor> window = WindowCursor.parse(cursor);
        assumeThat(window).as("the connector keeps a WindowCursor").isPresent();
        assertThat(window.get().complete()).as("the read went to the end of its window").isTrue();
        // the read started before its first request reached the CRM (logged in whole milliseconds)
        Instant firstRequest = crm.requestTimes().get(0).plusMillis(1);
        assertThat(window.get().until()).as("the window's end").isBeforeOrEqualTo(firstRequest.minus(delay));
        String changed = crm.updateOneDeal();
        assertThat(read(connector(), SyncMode.INCREMENTAL, cursor).deal(changed)).isPresent();
    }

    /** Thrown by a page consumer to stand for a crash of the adapter between two pages. */
    static final class Killed extends RuntimeException {
        Killed() {
            super("the adapter was killed between two pages");
        }
    }

    @Test
    void aReadKilledBetweenPagesResumesFromTheLastStoredCursorAndLosesNothing() {
        List<String> ids = crm.seedDeals(crm.pageCap() * 3 + 5);
        RecordingPageConsumer stored = new RecordingPageConsumer();
        AtomicInteger dealPages = new AtomicInteger();
        PageConsumer crashing = page -> {
            if (dealPages.get() == 2) {
                throw new Killed();
            }
            stored.accept(page);
            if (!page.deals().isEmpty()) {
                dealPages.incrementAndGet();
            }
        };

        assertThatThrownBy(() -> connector().read(SyncMode.FULL, null, crashing))
                .satisfiesAnyOf(e -> assertThat(e).isInstanceOf(Killed.class), e -> assertThat(e).hasRootCauseInstanceOf(Killed.class));
        assertThat(stored.cursor()).as("the cursor stored with the last page").isNotBlank();
        RecordingPageConsumer rest = read(connector(), SyncMode.INCREMENTAL, stored.cursor());

        Set<String> all = new HashSet<>(stored.deals().keySet());
        all.addAll(rest.deals().keySet());
        assertThat(all).as("deals of the stored pages and of the resumed read").containsExactlyInAnyOrderElementsOf(ids);
        assertThat(rest.dealsEmitted()).as("the resumed read starts where the stored pages ended, not over")
                .isLessThanOrEqualTo(ids.size() - crm.pageCap());
    }

    @Test
    void aDeletedDealReachesTheConsumer() {
        List<String> ids = crm.seedDeals(crm.pageCap() + 3);
        Connector connector = connector();
        RecordingPageConsumer full = read(connector, SyncMode.FULL, null);

        String id = crm.deleteOneDeal();
        RecordingPageConsumer next = read(connector, SyncMode.INCREMENTAL, full.cursor());

        Optional<Listing> listing = next.listing(RecordKind.DEAL);
        boolean unlisted = listing.map(l -> !l.ids().contains(id)).orElse(false);
        boolean flagged = next.deal(id).map(Deal::deleted).orElse(false);
        assertThat(unlisted || flagged).as("deal %s is absent from the DEAL listing %s or emitted with deleted=true", id, listing)
                .isTrue();
        listing.ifPresent(l -> assertThat(l.ids()).as("the other deals stay listed")
                .containsAll(ids.stream().filter(other -> !other.equals(id)).toList()));
        assertThat(next.deals().values()).filteredOn(Deal::deleted).extracting(Deal::id).isSubsetOf(id);
    }

    // --- limits and faults ---

    @Test
    void aRateLimitWithTheCrmsWaitHeaderIsWaitedOutAndNoPageIsLost() {
        List<String> ids = crm.seedDeals(crm.pageCap() * 2 + 3);
        Duration asked = crm.rateLimitNextCall(true);
        assumeThat(asked).as("the CRM's rate-limit signal carries a wait").isNotNull();

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        assertThat(full.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(longestGap(crm.requestTimes())).as("the longest pause between two requests")
                .isGreaterThanOrEqualTo(asked.minusMillis(10));
    }

    @Test
    void aRateLimitWithoutAWaitHeaderIsRetriedAndNoPageIsLost() {
        List<String> ids = crm.seedDeals(crm.pageCap() * 2 + 3);
        crm.rateLimitNextCall(false);

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        assertThat(full.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void serverErrorsAreRetriedAndNoPageIsLost() {
        List<String> ids = crm.seedDeals(crm.pageCap() + 3);
        crm.failNextCalls(2, 503);

        RecordingPageConsumer full = read(connector(), SyncMode.FULL, null);

        assertThat(full.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void serverErrorsThatLastFailTheReadNamingTheEndpoint() {
        crm.seedDeals(3);
        crm.failNextCalls(50, 500);

        assertThatThrownBy(() -> read(connector(), SyncMode.FULL, null))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(type()).hasMessageContaining(crm.dealListEndpoint()).hasMessageContaining("500");
    }

    @Test
    void aTimeoutIsRetriedAndNoPageIsLost() {
        List<String> ids = crm.seedDeals(crm.pageCap() + 3);
        crm.delayNextCalls(1, Duration.ofMillis(1200));

        RecordingPageConsumer full = read(connector(Map.of(CrmHttpPolicy.TIMEOUT_READ, "PT0.3S")), SyncMode.FULL, null);

        assertThat(full.deals().keySet()).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void timeoutsThatLastFailTheReadNamingTheEndpoint() {
        crm.seedDeals(3);
        crm.delayNextCalls(50, Duration.ofMillis(800));

        assertThatThrownBy(() -> read(connector(Map.of(CrmHttpPolicy.TIMEOUT_READ, "PT0.2S")), SyncMode.FULL, null))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(type()).hasMessageContaining(crm.dealListEndpoint())
                .hasMessageContainingAll("time");
    }

    @Test
    void refusedCredentialsAreNotRetriedAndNamed() {
        crm.seedDeals(3);
        crm.failNextCalls(1, 401);

        assertThatThrownBy(() -> read(connector(), SyncMode.FULL, null))
                .as("one 401 fails the read: a retry would have succeeded")
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(type()).hasMessageContaining(crm.dealListEndpoint()).hasMessageContaining("401");
    }

    @Test
    void malformedJsonFailsTheReadNamingTypeEndpointAndField() {
        crm.seedDeals(3);
        String field = crm.malformNextCall();

        assertThatThrownBy(() -> read(connector(), SyncMode.FULL, null))
                .as("one malformed answer fails the read: it is not retried")
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(type()).hasMessageContaining(crm.dealListEndpoint()).hasMessageContaining(field);
    }

    @Test
    void aFieldOfTheWrongTypeFailsTheReadNamingTypeEndpointAndField() {
        crm.seedDeals(3);
        String field = crm.wrongTypeNextCall();

        assertThatThrownBy(() -> read(connector(), SyncMode.FULL, null))
                .isInstanceOf(ConnectorException.class)
                .hasMessageContaining(type()).hasMessageContaining(crm.dealListEndpoint()).hasMessageContaining(field);
    }

    @Test
    void theLimiterKeepsTheMeasuredRateAtOrUnderTheConfiguredLimit() {
        crm.seedDeals(crm.pageCap() * 3 + 1);
        int requests = 5;
        Duration per = Duration.ofSeconds(1);
        Connector connector = connector(Map.of(CrmHttpPolicy.RATE_LIMIT_REQUESTS, String.valueOf(requests),
                CrmHttpPolicy.RATE_LIMIT_PER, per.toString(), CrmHttpPolicy.RATE_LIMIT_BURST, "1"));
        assertThat(connector.status().rateLimit()).startsWith(requests + "/" + per);

        read(connector, SyncMode.FULL, null);

        List<Instant> times = crm.requestTimes();
        assertThat(times).as("enough requests to measure").hasSizeGreaterThan(requests);
        // no window of `per` holds more than `requests` requests: request i and i+requests are `per` apart
        // (WireMock logs arrival in whole milliseconds; 20 ms allow for the network's jitter)
        for (int i = 0; i + requests < times.size(); i++) {
            assertThat(Duration.between(times.get(i), times.get(i + requests)))
                    .as("from request %d to request %d", i, i + requests).isGreaterThanOrEqualTo(per.minusMillis(20));
        }
    }

    // --- webhooks ---

    @Test
    void aValidWebhookIsAcceptedAndARepeatCarriesTheSameEventIds() {
        Connector connector = connector();
        assumeThat(connector.capabilities().webhooks()).as("the connector takes webhooks").isTrue();
        crm.seedDeals(3);
        WebhookRequest valid = crm.validWebhook();
        assumeThat(valid).isNotNull();

        List<WebhookEvent> events = connector.receive(valid);

        assertThat(events).isNotEmpty().allSatisfy(event -> {
            assertThat(event.eventId()).isNotBlank();
            assertThat(event.recordId()).isNotBlank();
            assertThat(event.kind()).isNotNull();
            assertThat(event.change()).isNotNull();
        });
        assertThat(connector.receive(valid)).as("the same callback again (the inbox acknowledges and skips it)")
                .extracting(WebhookEvent::eventId).containsExactlyElementsOf(events.stream().map(WebhookEvent::eventId).toList());
    }

    @Test
    void aForgedWebhookIsRejected() {
        Connector connector = connector();
        assumeThat(connector.capabilities().webhooks()).as("the connector takes webhooks").isTrue();
        crm.seedDeals(3);
        WebhookRequest forged = crm.forgedWebhook();
        assumeThat(forged).isNotNull();

        assertThatThrownBy(() -> connector.receive(forged)).isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void aStaleWebhookIsRejected() {
        Connector connector = connector();
        assumeThat(connector.capabilities().webhooks()).as("the connector takes webhooks").isTrue();
        crm.seedDeals(3);
        WebhookRequest stale = crm.staleWebhook();
        assumeThat(stale).as("the CRM's callbacks go stale").isNotNull();

        assertThatThrownBy(() -> connector.receive(stale)).isInstanceOf(WebhookRejectedException.class);
    }

    // --- writes ---

    /** A deal id and a user id of the seeded account, read through the connector. */
    private record Target(String dealId, String userId) {
    }

    private Target target(Connector connector) {
        crm.seedDeals(3);
        RecordingPageConsumer full = read(connector, SyncMode.FULL, null);
        return new Target(full.deals().keySet().iterator().next(), full.reps().keySet().iterator().next());
    }

    @Test
    void aTaskIsSentInTheCrmsShapeAndTheCrmsIdComesBack() {
        Connector connector = connector();
        assumeThat(connector.capabilities().tasks()).as("the connector writes tasks").isTrue();
        Target target = target(connector);
        CrmWrite.Task task = new CrmWrite.Task("kit-" + UUID.randomUUID(), target.userId(), target.dealId(),
                "Call the customer about the offer", "From the contract kit", Instant.parse("2026-12-01T09:00:00Z"));

        String id = connector.write(task);

        assertThat(id).isNotBlank();
        crm.verifyTaskWritten(task);
    }

    @Test
    void aTaskWrittenAgainWithTheSameIdempotencyKeyCreatesNothingNew() {
        Connector connector = connector();
        assumeThat(connector.capabilities().tasks()).as("the connector writes tasks").isTrue();
        Target target = target(connector);
        CrmWrite.Task task = new CrmWrite.Task("kit-" + UUID.randomUUID(), target.userId(), target.dealId(),
                "Send the proposal", null, null);
        String first = connector.write(task);

        String again = connector().write(task);

        assertThat(again).isEqualTo(first);
        crm.verifyTaskWritten(task);
    }

    @Test
    void aNotificationIsSentInTheCrmsShapeOnceForItsKey() {
        Connector connector = connector();
        assumeThat(connector.capabilities().notifications()).as("the connector writes notifications").isTrue();
        Target target = target(connector);
        CrmWrite.Notification notification = new CrmWrite.Notification("kit-" + UUID.randomUUID(), target.userId(),
                "The plan for November is behind by 12 %");

        String first = connector.write(notification);
        String again = connector.write(notification);

        assertThat(first).isNotBlank();
        assertThat(again).isEqualTo(first);
        crm.verifyNotificationWritten(notification);
    }

    @Test
    void aCommentIsSentInTheCrmsShapeOnceForItsKey() {
        Connector connector = connector();
        assumeThat(connector.capabilities().comments()).as("the connector writes comments").isTrue();
        Target target = target(connector);
        CrmWrite.Comment comment = new CrmWrite.Comment("kit-" + UUID.randomUUID(), target.dealId(),
                "No activity for 14 days");

        String first = connector.write(comment);
        String again = connector.write(comment);

        assertThat(first).isNotBlank();
        assertThat(again).isEqualTo(first);
        crm.verifyCommentWritten(comment);
    }

    private static Duration longestGap(List<Instant> times) {
        Duration longest = Duration.ZERO;
        for (int i = 1; i < times.size(); i++) {
            Duration gap = Duration.between(times.get(i - 1), times.get(i));
            if (gap.compareTo(longest) > 0) {
                longest = gap;
            }
        }
        return longest;
    }
}
