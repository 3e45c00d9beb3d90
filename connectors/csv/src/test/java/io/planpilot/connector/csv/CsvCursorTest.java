package io.planpilot.connector.csv;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CsvCursorTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @Test
    void roundTrips() {
        CsvCursor cursor = new CsvCursor("0123456789abcdef", 1_764_230_400_000L, Map.of(
                CsvFile.DEALS, new CsvCursor.Entry(new FileFingerprint(412, 1_764_230_000_000L), SHA),
                CsvFile.STAGES, new CsvCursor.Entry(new FileFingerprint(10, 1_764_220_000_000L), SHA)));

        String text = cursor.format();

        assertThat(text).isEqualTo("csv1;settings=0123456789abcdef;read-at=1764230400000;stages=10:1764220000000:" + SHA
                + ";deals=412:1764230000000:" + SHA);
        assertThat(CsvCursor.parse(text)).contains(cursor);
    }

    @Test
    void somethingElseIsNoCursor() {
        assertThat(CsvCursor.parse(null)).isEmpty();
        assertThat(CsvCursor.parse("")).isEmpty();
        assertThat(CsvCursor.parse("csv2;settings=a;read-at=1")).isEmpty();
        assertThat(CsvCursor.parse("csv1;settings=a;read-at=x")).isEmpty();
        assertThat(CsvCursor.parse("csv1;settings=a;read-at=1;leads=1:2:" + SHA)).isEmpty();
        assertThat(CsvCursor.parse("csv1;read-at=1")).isEmpty();
    }

    @Test
    void vouchesOnlyForTheSameFingerprintWrittenWellBeforeTheRead() {
        CsvCursor cursor = new CsvCursor("s", 100_000, Map.of(
                CsvFile.DEALS, new CsvCursor.Entry(new FileFingerprint(5, 90_000), SHA),
                CsvFile.USERS, new CsvCursor.Entry(new FileFingerprint(5, 99_000), SHA)));

        assertThat(cursor.vouchesFor(CsvFile.DEALS, new FileFingerprint(5, 90_000))).isTrue();
        assertThat(cursor.vouchesFor(CsvFile.DEALS, new FileFingerprint(6, 90_000))).isFalse();
        assertThat(cursor.vouchesFor(CsvFile.DEALS, new FileFingerprint(5, 90_001))).isFalse();
        assertThat(cursor.vouchesFor(CsvFile.USERS, new FileFingerprint(5, 99_000))).as("written just before").isFalse();
        assertThat(cursor.vouchesFor(CsvFile.STAGES, new FileFingerprint(5, 90_000))).isFalse();
    }
}
