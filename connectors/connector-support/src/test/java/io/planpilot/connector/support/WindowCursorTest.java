package io.planpilot.connector.support;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowCursorTest {

    private static final Instant NOW = Instant.parse("2026-11-27T08:00:00Z");
    private static final Duration DELAY = Duration.ofSeconds(30);

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", "garbage", "w0:{\"since\":\"2026-01-01T00:00:00Z\",\"until\":\"2026-01-02T00:00:00Z\"}",
            "w2:{}", "w1:not json", "w1:{\"since\":\"yesterday\",\"until\":\"2026-01-02T00:00:00Z\"}",
            "w1:{\"until\":\"2026-01-02T00:00:00Z\"}", "csv1;settings=1;read-at=2"})
    void aMissingBrokenOrOtherVersionCursorMeansAFullWindowFromTheEpoch(String text) {
        WindowCursor window = WindowCursor.resume(text, NOW, DELAY);

        assertThat(window).isEqualTo(new WindowCursor(Instant.EPOCH, NOW.minus(DELAY), null, false));
    }

    @Test
    void aCursorWithAPositionResumesTheSameWindowThere() {
        WindowCursor window = WindowCursor.resume(null, NOW, DELAY).atPosition("page-3");

        WindowCursor resumed = WindowCursor.resume(window.format(), NOW.plus(Duration.ofHours(2)), DELAY);

        assertThat(resumed).isEqualTo(new WindowCursor(Instant.EPOCH, NOW.minus(DELAY), "page-3", false));
    }

    @Test
    void aFinishedCursorStartsTheNextWindowAtItsEndAndEndsItBeforeNowByTheDelay() {
        WindowCursor first = WindowCursor.resume(null, NOW, DELAY);
        String finished = first.atPosition("p2").finished().format();

        Instant later = NOW.plus(Duration.ofMinutes(5));
        WindowCursor next = WindowCursor.resume(finished, later, DELAY);

        assertThat(next.since()).isEqualTo(first.until()).isEqualTo(NOW.minus(DELAY));
        assertThat(next.until()).isEqualTo(later.minus(DELAY));
        assertThat(next.position()).isNull();
        assertThat(next.complete()).isFalse();
    }

    @Test
    void aWindowNotYetStartedKeepsItsStartAndReachesUpToNow() {
        String text = new WindowCursor(Instant.parse("2026-11-01T00:00:00Z"), Instant.parse("2026-11-02T00:00:00Z"), null,
                false).format();

        WindowCursor resumed = WindowCursor.resume(text, NOW, DELAY);

        assertThat(resumed).isEqualTo(new WindowCursor(Instant.parse("2026-11-01T00:00:00Z"), NOW.minus(DELAY), null, false));
    }

    @Test
    void theEndNeverFallsBeforeTheStart() {
        String finished = new WindowCursor(Instant.EPOCH, NOW, null, true).format();

        WindowCursor next = WindowCursor.resume(finished, NOW.plusSeconds(10), DELAY);

        assertThat(next.since()).isEqualTo(NOW);
        assertThat(next.until()).isEqualTo(NOW);
    }

    @Test
    void aFullReadIgnoresTheCursorAndEndsBeforeNowByTheDelay() {
        assertThat(WindowCursor.full(NOW, Duration.ZERO)).isEqualTo(new WindowCursor(Instant.EPOCH, NOW, null, false));
        assertThat(WindowCursor.full(NOW, DELAY).until()).isEqualTo(NOW.minus(DELAY));
    }

    @Test
    void theTextIsVersionedAndRoundTrips() {
        WindowCursor cursor = new WindowCursor(Instant.parse("2026-11-01T10:00:00.123Z"), NOW, "a\"b:c", false);

        assertThat(cursor.format()).isEqualTo(
                "w1:{\"since\":\"2026-11-01T10:00:00.123Z\",\"until\":\"2026-11-27T08:00:00Z\",\"position\":\"a\\\"b:c\",\"complete\":false}");
        assertThat(WindowCursor.parse(cursor.format())).contains(cursor);
        assertThat(WindowCursor.parse(cursor.finished().format())).contains(cursor.finished());
    }

    @Test
    void aWindowThatEndsBeforeItStartsOrAFinishedOneWithAPositionIsRefused() {
        assertThatThrownBy(() -> new WindowCursor(NOW, NOW.minusSeconds(1), null, false))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WindowCursor(Instant.EPOCH, NOW, "p", true))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reconciliationIsDueOnFullWindowsAndWhenAWindowCrossesItsPeriod() {
        Instant at = Instant.parse("2026-11-27T10:59:00Z");
        WindowCursor full = WindowCursor.full(at, Duration.ZERO);
        WindowCursor within = new WindowCursor(at.minusSeconds(300), at, null, false);
        WindowCursor across = new WindowCursor(at, at.plusSeconds(300), null, false);

        assertThat(full.reconcileDue(Duration.ofHours(1))).isTrue();
        assertThat(within.reconcileDue(Duration.ofHours(1))).isFalse();
        assertThat(across.reconcileDue(Duration.ofHours(1))).isTrue();
        assertThat(within.reconcileDue(Duration.ZERO)).isTrue();
    }
}
