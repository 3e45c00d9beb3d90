package io.planpilot.tck;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.Connector;
import io.planpilot.core.connector.ConnectorFactory;
import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncMode;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every connector keeps, as tests. A connector module's test extends this class and
 * supplies its factory, the settings of a connection to its CRM (or fake CRM), and hooks that change
 * that CRM's data. Before each test, {@link #seedInitialData()} puts the known data set in place.
 */
public abstract class ConnectorContractTest {

    /** The factory under test. */
    protected abstract ConnectorFactory factory();

    /** A valid connection to the seeded CRM. */
    protected abstract ConnectionSettings settings();

    /**
     * Puts a known data set into the CRM: at least three deals (one WON, one LOST, one OPEN), one
     * user, one pipeline with its stages, and some activities.
     */
    protected abstract void seedInitialData() throws Exception;

    /** Changes something of deal {@code id} that the connector reads (amount, title, stage...). */
    protected abstract void updateOneDeal(String id) throws Exception;

    /** Deletes deal {@code id} in the CRM. */
    protected abstract void deleteOneDeal(String id) throws Exception;

    /** The ids of the deals {@link #seedInitialData()} puts in place. */
    protected abstract Set<String> expectedDealIds();

    private final List<SyncPage> allPages = new ArrayList<>();

    @BeforeEach
    void seed() throws Exception {
        seedInitialData();
    }

    /** Reads once into a fresh recorder; every page read by the kit is also checked for a blank cursor. */
    protected RecordingPageConsumer read(SyncMode mode, String cursor) {
        RecordingPageConsumer pages = new RecordingPageConsumer();
        connector().read(mode, cursor, page -> {
            allPages.add(page);
            pages.accept(page);
        });
        return pages;
    }

    protected Connector connector() {
        return factory().create(settings());
    }

    @Test
    void theSettingsAreValid() {
        assertThat(factory().validate(settings())).isEmpty();
        assertThat(factory().type()).isEqualTo(settings().type());
    }

    @Test
    void theFactoryIsRegisteredForServiceLoader() {
        assertThat(ServiceLoader.load(ConnectorFactory.class).stream().map(ServiceLoader.Provider::type))
                .contains(factory().getClass());
    }

    @Test
    void aFullReadReturnsEverySeededDealOnceWithItsFields() {
        RecordingPageConsumer full = read(SyncMode.FULL, null);

        assertThat(full.deals().keySet()).containsExactlyInAnyOrderElementsOf(expectedDealIds());
        assertThat(full.deals().values()).allSatisfy(deal -> {
            assertThat(deal.connection()).isEqualTo(settings().id());
            assertThat(deal.id()).isNotBlank();
            assertThat(deal.pipeline()).isNotBlank();
            assertThat(deal.stage()).isNotBlank();
            assertThat(deal.status()).isNotNull();
            assertThat(deal.currency()).isNotBlank();
            assertThat(deal.createdAt()).isNotNull();
            assertThat(deal.deleted()).isFalse();
            if (deal.status().isClosed()) {
                assertThat(deal.closedAt()).as("closedAt of closed deal %s", deal.id()).isNotNull();
            } else {
                assertThat(deal.closedAt()).as("closedAt of open deal %s", deal.id()).isNull();
            }
        });
        assertThat(full.deals().values()).extracting(Deal::status)
                .contains(DealStatus.WON, DealStatus.LOST, DealStatus.OPEN);
        assertThat(full.reps()).isNotEmpty();
        assertThat(full.pipelines()).isNotEmpty();
        assertThat(full.stages()).isNotEmpty();
        assertThat(full.activities()).isNotEmpty();
        assertThat(full.cursor()).as("the cursor to resume from").isNotBlank();
        assertCursorsNotBlank();
    }

    @Test
    void anIncrementalReadWithTheSavedCursorReturnsNoDeals() {
        String cursor = read(SyncMode.FULL, null).cursor();

        RecordingPageConsumer again = read(SyncMode.INCREMENTAL, cursor);

        assertThat(again.deals()).isEmpty();
        assertCursorsNotBlank();
    }

    @Test
    void aFullReadIgnoresTheCursor() {
        String cursor = read(SyncMode.FULL, null).cursor();

        RecordingPageConsumer again = read(SyncMode.FULL, cursor);

        assertThat(again.deals().keySet()).containsExactlyInAnyOrderElementsOf(expectedDealIds());
    }

    @Test
    void anIncrementalReadReturnsAnUpdatedDealWithItsChange() throws Exception {
        RecordingPageConsumer full = read(SyncMode.FULL, null);
        String id = expectedDealIds().stream().sorted().findFirst().orElseThrow();
        Deal before = full.deal(id).orElseThrow();

        updateOneDeal(id);
        RecordingPageConsumer incremental = read(SyncMode.INCREMENTAL, full.cursor());

        assertThat(incremental.deal(id)).as("deal %s read again", id).isPresent();
        assertThat(incremental.deal(id).orElseThrow()).as("deal %s changed", id).isNotEqualTo(before);
        assertThat(incremental.deal(id).orElseThrow().deleted()).isFalse();
        assertCursorsNotBlank();
    }

    @Test
    void aDeletedDealReachesTheConsumer() throws Exception {
        RecordingPageConsumer full = read(SyncMode.FULL, null);
        String id = expectedDealIds().stream().sorted().reduce((a, b) -> b).orElseThrow();

        deleteOneDeal(id);
        RecordingPageConsumer incremental = read(SyncMode.INCREMENTAL, full.cursor());

        Optional<Listing> listing = incremental.listing(RecordKind.DEAL);
        boolean unlisted = listing.map(l -> !l.ids().contains(id)).orElse(false);
        boolean flagged = incremental.deal(id).map(Deal::deleted).orElse(false);
        assertThat(unlisted || flagged)
                .as("deal %s is absent from the DEAL listing %s or emitted with deleted=true", id, listing)
                .isTrue();
        listing.ifPresent(l -> assertThat(l.ids())
                .as("the other deals stay listed").containsAll(expectedDealIds().stream()
                        .filter(other -> !other.equals(id)).toList()));
        assertCursorsNotBlank();
    }

    /** Every cursor any page of this test carried is non-blank (null means "keep the previous one"). */
    protected void assertCursorsNotBlank() {
        assertThat(allPages).allSatisfy(page -> {
            if (page.cursor() != null) {
                assertThat(page.cursor()).isNotBlank();
            }
        });
    }
}
