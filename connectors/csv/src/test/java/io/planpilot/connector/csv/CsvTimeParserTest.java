package io.planpilot.connector.csv;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvTimeParserTest {

    private final CsvTimeParser moscow = new CsvTimeParser(ZoneId.of("Europe/Moscow"));

    @Test
    void aDateIsTheStartOfThatDayInTheZone() {
        assertThat(moscow.instant("2026-11-03")).isEqualTo(Instant.parse("2026-11-02T21:00:00Z"));
    }

    @Test
    void aLocalDateTimeIsInTheZoneWithFractionalSeconds() {
        assertThat(moscow.instant("2026-11-03T14:05:00.123456")).isEqualTo(Instant.parse("2026-11-03T11:05:00.123456Z"));
        assertThat(moscow.instant("2026-11-03 14:05:00")).isEqualTo(Instant.parse("2026-11-03T11:05:00Z"));
    }

    @Test
    void anInstantWithAnOffsetKeepsItsOffset() {
        assertThat(moscow.instant("2026-11-03T14:05:00-05:00")).isEqualTo(Instant.parse("2026-11-03T19:05:00Z"));
        assertThat(moscow.instant("2026-11-03T14:05:00Z")).isEqualTo(Instant.parse("2026-11-03T14:05:00Z"));
        assertThat(moscow.instant("2026-11-03T14:05:00.5+05:30")).isEqualTo(Instant.parse("2026-11-03T08:35:00.5Z"));
        assertThat(moscow.instant("2026-11-03T14:05+01:00")).isEqualTo(Instant.parse("2026-11-03T13:05:00Z"));
        assertThat(moscow.instant("2026-11-03T14:05:00+01:00[Europe/Paris]")).isEqualTo(Instant.parse("2026-11-03T13:05:00Z"));
    }

    @Test
    void aDueDateIsTheEndOfThatDay() {
        assertThat(moscow.dueAt("2026-11-03")).isEqualTo(Instant.parse("2026-11-03T20:59:59.999999Z"));
        assertThat(moscow.dueAt("2026-11-03T10:00:00")).isEqualTo(Instant.parse("2026-11-03T07:00:00Z"));
    }

    @Test
    void aDateOfADateTimeIsItsLocalDateInTheZone() {
        assertThat(moscow.date("2026-11-03T22:30:00Z")).isEqualTo(LocalDate.of(2026, 11, 4));
        assertThat(moscow.date("2026-11-03T22:30:00")).isEqualTo(LocalDate.of(2026, 11, 3));
        assertThat(moscow.date("2026-11-03")).isEqualTo(LocalDate.of(2026, 11, 3));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-13-45", "2026-02-30", "03.11.2026", "yesterday", "2026-11-03T25:00", "1730000000",
            "2026-02-30T10:00:00", "2026-11-03T10:00:00.1234567891", "2026-11-03T10:00:00+25:00",
            "2026-11-03T10:00:00 Z", "2026-11-03X10:00:00"})
    void anythingElseIsNotADateOrTime(String text) {
        assertThatThrownBy(() -> moscow.instant(text))
                .isInstanceOf(BadCellException.class)
                .hasMessage("not a date or time: '" + text + "'");
    }
}
