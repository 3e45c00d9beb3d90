package io.planpilot.tck;

import io.planpilot.core.connector.Listing;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.SyncPage;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RecordingPageConsumerTest {

    @Test
    void mergesDealsByIdAndKeepsTheLastNonNullCursor() {
        RecordingPageConsumer pages = new RecordingPageConsumer();

        pages.accept(SyncPage.builder().deals(List.of(deal("1", "10"), deal("2", "20"))).cursor("c1").build());
        pages.accept(SyncPage.builder().deals(List.of(deal("1", "11"))).build());
        pages.accept(SyncPage.builder().listing(new Listing(RecordKind.DEAL, Set.of("1"))).build());

        assertThat(pages.deals()).containsOnlyKeys("1", "2");
        assertThat(pages.deal("1").orElseThrow().amount()).isEqualByComparingTo("11");
        assertThat(pages.dealsEmitted()).isEqualTo(3);
        assertThat(pages.cursor()).isEqualTo("c1");
        assertThat(pages.listing(RecordKind.DEAL).orElseThrow().ids()).containsExactly("1");
        assertThat(pages.listing(RecordKind.ACTIVITY)).isEmpty();
        assertThat(pages.pages()).hasSize(3);
    }

    private static Deal deal(String id, String amount) {
        return new Deal("c", id, null, "p", "s", DealStatus.OPEN, new BigDecimal(amount), "USD", null,
                Instant.parse("2026-01-01T00:00:00Z"), null, null, null, null, null, false, null);
    }
}
