package io.planpilot.connector.csv;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.time.temporal.Temporal;

/**
 * Reads the three ISO-8601 time forms of the CSV format in the connection's time zone:
 * <ul>
 *   <li>a date, {@code 2026-11-03}: the start of that day in the zone ({@link #dueAt} alone takes
 *       the end of the day: KPI.md, "a due date without a time means the end of that local day");</li>
 *   <li>a local date-time, {@code 2026-11-03T14:05} or {@code 2026-11-03T14:05:00.250}, in the zone
 *       (a gap of a daylight-saving change moves it forward, an overlap takes the earlier offset);</li>
 *   <li>an instant with an offset or {@code Z}, {@code 2026-11-03T14:05:00+03:00}, whatever the zone.</li>
 * </ul>
 * A space instead of the {@code T} is accepted, as spreadsheets often write it.
 */
final class CsvTimeParser {

    private static final int[] NANOS_PER_DIGIT =
            {100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private final ZoneId zone;

    CsvTimeParser(ZoneId zone) {
        this.zone = zone;
    }

    /** The instant of a date, local date-time or instant; a date is the start of its day. */
    Instant instant(String text) {
        Temporal value = parse(text);
        if (value instanceof LocalDate date) {
            return date.atStartOfDay(zone).toInstant();
        }
        return toInstant(value);
    }

    /** Like {@link #instant}, except that a date is the end of its day (its last microsecond). */
    Instant dueAt(String text) {
        Temporal value = parse(text);
        if (value instanceof LocalDate date) {
            return date.plusDays(1).atStartOfDay(zone).toInstant().minus(1, ChronoUnit.MICROS);
        }
        return toInstant(value);
    }

    /** The local date in the zone of a date, local date-time or instant. */
    LocalDate date(String text) {
        Temporal value = parse(text);
        if (value instanceof LocalDate date) {
            return date;
        }
        if (value instanceof LocalDateTime local) {
            return local.toLocalDate();
        }
        return ((Instant) value).atZone(zone).toLocalDate();
    }

    private Instant toInstant(Temporal value) {
        if (value instanceof LocalDateTime local) {
            return local.atZone(zone).toInstant();
        }
        return (Instant) value;
    }

    /**
     * A {@link LocalDate}, a {@link LocalDateTime} or (for a text with an offset or zone) an
     * {@link Instant}. Each form goes to its own ISO parser: one parser with optional parts would try
     * them in turn, which costs an exception per value on large files.
     */
    private static Temporal parse(String text) {
        try {
            Temporal canonical = parseCanonical(text);
            if (canonical != null) {
                return canonical;
            }
            int length = text.length();
            if (length == 10) {
                return LocalDate.parse(text);
            }
            if (length < 16 || (text.charAt(10) != 'T' && text.charAt(10) != ' ')) {
                throw new BadCellException("not a date or time: '" + text + "'");
            }
            String iso = text.charAt(10) == 'T' ? text : text.substring(0, 10) + 'T' + text.substring(11);
            if (iso.charAt(length - 1) == ']') {
                return ZonedDateTime.parse(iso, DateTimeFormatter.ISO_ZONED_DATE_TIME).toInstant();
            }
            if (hasOffset(iso)) {
                return OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            }
            return LocalDateTime.parse(iso, DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        } catch (DateTimeException e) {
            throw new BadCellException("not a date or time: '" + text + "'");
        }
    }

    /**
     * The shapes exports use nearly always ({@code 2026-11-03}, {@code 2026-11-03T14:05:00[.fff]}
     * with an optional {@code Z} or {@code +03:00}), read without the formatter machinery, which
     * matters for files of many thousand rows; null for any other shape (left to the ISO parsers).
     * Out-of-range fields throw {@link DateTimeException} as the ISO parsers would.
     */
    private static Temporal parseCanonical(String s) {
        int n = s.length();
        if (n < 10 || !digits(s, 0, 4) || s.charAt(4) != '-' || !digits(s, 5, 2) || s.charAt(7) != '-'
                || !digits(s, 8, 2)) {
            return null;
        }
        LocalDate date = LocalDate.of(number(s, 0, 4), number(s, 5, 2), number(s, 8, 2));
        if (n == 10) {
            return date;
        }
        if (n < 19 || (s.charAt(10) != 'T' && s.charAt(10) != ' ') || !digits(s, 11, 2) || s.charAt(13) != ':'
                || !digits(s, 14, 2) || s.charAt(16) != ':' || !digits(s, 17, 2)) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            if (i == start) {
                return null;
            }
            nanos = number(s, start, i - start) * NANOS_PER_DIGIT[i - start - 1];
        }
        LocalDateTime local = LocalDateTime.of(date,
                LocalTime.of(number(s, 11, 2), number(s, 14, 2), number(s, 17, 2), nanos));
        if (i == n) {
            return local;
        }
        if (i == n - 1 && s.charAt(i) == 'Z') {
            return local.toInstant(ZoneOffset.UTC);
        }
        char sign = s.charAt(i);
        if (n - i == 6 && (sign == '+' || sign == '-') && digits(s, i + 1, 2) && s.charAt(i + 3) == ':'
                && digits(s, i + 4, 2)) {
            int direction = sign == '+' ? 1 : -1;
            return local.toInstant(ZoneOffset.ofHoursMinutes(direction * number(s, i + 1, 2),
                    direction * number(s, i + 4, 2)));
        }
        return null;
    }

    private static boolean digits(String s, int from, int count) {
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            value = value * 10 + (s.charAt(i) - '0');
        }
        return value;
    }

    /** Whether the part after the date ends in an offset ({@code Z}, {@code +03:00}, {@code -0500}). */
    private static boolean hasOffset(String iso) {
        for (int i = 11; i < iso.length(); i++) {
            char c = iso.charAt(i);
            if (c == 'Z' || c == 'z' || c == '+' || c == '-') {
                return true;
            }
        }
        return false;
    }
}
