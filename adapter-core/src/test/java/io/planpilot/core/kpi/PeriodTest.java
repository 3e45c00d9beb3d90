package io.planpilot.core.kpi;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** KPI.md "Period": {@code [start, end)} of local dates, in four written forms. */
class PeriodTest {

    private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

    @Test
    void aMonthIsItsFirstDayToTheFirstDayOfTheNext() {
        Period p = Period.parse("2026-11");

        assertThat(p.start()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(p.end()).isEqualTo(LocalDate.of(2026, 12, 1));
        assertThat(p.label()).isEqualTo("2026-11");
        assertThat(p).hasToString("2026-11");
        assertThat(p).isEqualTo(Period.month(YearMonth.of(2026, 11)));
    }

    @Test
    void aDecemberEndsInTheNextYearAndAFebruaryKnowsLeapYears() {
        assertThat(Period.parse("2026-12").end()).isEqualTo(LocalDate.of(2027, 1, 1));
        assertThat(Period.parse("2028-02").end()).isEqualTo(LocalDate.of(2028, 3, 1));
    }

    @Test
    void aQuarterIsThreeMonthsAndItsLabelIsNormal() {
        Period q4 = Period.parse("2026-Q4");
        assertThat(q4.start()).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(q4.end()).isEqualTo(LocalDate.of(2027, 1, 1));
        assertThat(q4.label()).isEqualTo("2026-Q4");

        Period q1 = Period.parse("2026-q1");
        assertThat(q1.start()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(q1.end()).isEqualTo(LocalDate.of(2026, 4, 1));
        assertThat(q1.label()).isEqualTo("2026-Q1");
    }

    @Test
    void aYearIsJanuaryFirstToTheNextJanuaryFirst() {
        Period y = Period.parse("2026");

        assertThat(y.start()).isEqualTo(LocalDate.of(2026, 1, 1));
        assertThat(y.end()).isEqualTo(LocalDate.of(2027, 1, 1));
        assertThat(y.label()).isEqualTo("2026");
    }

    @Test
    void aRangeIncludesItsLastDate() {
        Period r = Period.parse("2026-11-01..2026-11-15");

        // inclusive dates 1..15 → half-open [11-01, 11-16)
        assertThat(r.start()).isEqualTo(LocalDate.of(2026, 11, 1));
        assertThat(r.end()).isEqualTo(LocalDate.of(2026, 11, 16));
        assertThat(r.label()).isEqualTo("2026-11-01..2026-11-15");
        assertThat(r.contains(LocalDate.of(2026, 11, 15))).isTrue();
        assertThat(r.contains(LocalDate.of(2026, 11, 16))).isFalse();
        assertThat(r.contains(LocalDate.of(2026, 11, 1))).isTrue();
        assertThat(r.contains(LocalDate.of(2026, 10, 31))).isFalse();
    }

    @Test
    void aOneDayRangeIsOneDay() {
        Period r = Period.parse("2026-11-05..2026-11-05");

        assertThat(r.start()).isEqualTo(LocalDate.of(2026, 11, 5));
        assertThat(r.end()).isEqualTo(LocalDate.of(2026, 11, 6));
    }

    @Test
    void aRangeAcrossMonthsKeepsItsDates() {
        Period r = Period.parse("2026-10-25..2026-11-05");

        assertThat(r.start()).isEqualTo(LocalDate.of(2026, 10, 25));
        assertThat(r.end()).isEqualTo(LocalDate.of(2026, 11, 6));
        assertThat(r.label()).isEqualTo("2026-10-25..2026-11-05");
    }

    @Test
    void startAndEndInstantsAreLocalMidnightsInTheZone() {
        // Moscow is UTC+3 all year: local 2026-11-01 00:00 = 2026-10-31T21:00Z
        Period nov = Period.parse("2026-11");
        assertThat(nov.startInstant(MOSCOW)).isEqualTo(Instant.parse("2026-10-31T21:00:00Z"));
        assertThat(nov.endInstant(MOSCOW)).isEqualTo(Instant.parse("2026-11-30T21:00:00Z"));

        // the range's end is the midnight after its last date: 2026-11-16 00:00 MSK
        Period r = Period.parse("2026-11-01..2026-11-15");
        assertThat(r.endInstant(MOSCOW)).isEqualTo(Instant.parse("2026-11-15T21:00:00Z"));

        assertThat(nov.startInstant(ZoneId.of("UTC"))).isEqualTo(Instant.parse("2026-11-01T00:00:00Z"));
    }

    @Test
    void theMonthOfAnInstantIsTheLocalMonth() {
        // 2026-10-31T21:00Z is 2026-11-01 00:00 in Moscow, still October in UTC
        assertThat(Period.monthOf(Instant.parse("2026-10-31T21:00:00Z"), MOSCOW).label()).isEqualTo("2026-11");
        assertThat(Period.monthOf(Instant.parse("2026-10-31T20:59:59Z"), MOSCOW).label()).isEqualTo("2026-10");
        assertThat(Period.monthOf(Instant.parse("2026-10-31T21:00:00Z"), ZoneId.of("UTC")).label()).isEqualTo("2026-10");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-13", "2026-00", "2026-Q5", "2026-Q0", "26", "20261", "2026-1", "2026-11-1",
            "November", "2026-11-15..2026-11-01", "2026-02-30..2026-03-01", "2026-11-01..", "2026-11-01...2026-11-02",
            "2026-W45"})
    void aBadPeriodIsRefusedQuotingIt(String text) {
        assertThatThrownBy(() -> Period.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(text);
    }

    @Test
    void anEmptyPeriodIsRefused() {
        assertThatThrownBy(() -> Period.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Period.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPeriodMustEndAfterItStarts() {
        LocalDate day = LocalDate.of(2026, 11, 1);
        assertThatThrownBy(() -> new Period(day, day, "x")).isInstanceOf(IllegalArgumentException.class);
    }
}
