package io.planpilot.core.kpi;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A half-open interval {@code [start, end)} of local dates, written as {@code 2026-11} (month),
 * {@code 2026-Q4} (quarter), {@code 2026} (year) or {@code 2026-11-01..2026-11-15} (inclusive dates).
 */
public record Period(LocalDate start, LocalDate end, String label) {

    private static final Pattern MONTH = Pattern.compile("(\\d{4})-(\\d{2})");
    private static final Pattern QUARTER = Pattern.compile("(\\d{4})-[Qq]([1-4])");
    private static final Pattern YEAR = Pattern.compile("\\d{4}");
    private static final Pattern RANGE = Pattern.compile("(\\d{4}-\\d{2}-\\d{2})\\.\\.(\\d{4}-\\d{2}-\\d{2})");

    public Period {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (!end.isAfter(start)) {
            throw new IllegalArgumentException("a period ends after it starts");
        }
    }

    public static Period month(YearMonth month) {
        return new Period(month.atDay(1), month.plusMonths(1).atDay(1), month.toString());
    }

    /** @throws IllegalArgumentException naming what is wrong with the text */
    public static Period parse(String text) {
        String value = text == null ? "" : text.trim();
        try {
            Matcher m;
            if ((m = MONTH.matcher(value)).matches()) {
                return month(YearMonth.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            }
            if ((m = QUARTER.matcher(value)).matches()) {
                int year = Integer.parseInt(m.group(1));
                int quarter = Integer.parseInt(m.group(2));
                LocalDate start = LocalDate.of(year, (quarter - 1) * 3 + 1, 1);
                return new Period(start, start.plusMonths(3), year + "-Q" + quarter);
            }
            if (YEAR.matcher(value).matches()) {
                int year = Year.parse(value).getValue();
                return new Period(LocalDate.of(year, 1, 1), LocalDate.of(year + 1, 1, 1), Integer.toString(year));
            }
            if ((m = RANGE.matcher(value)).matches()) {
                LocalDate first = LocalDate.parse(m.group(1));
                LocalDate last = LocalDate.parse(m.group(2));
                if (last.isBefore(first)) {
                    throw new IllegalArgumentException("'" + value + "' ends before it starts");
                }
                return new Period(first, last.plusDays(1), first + ".." + last);
            }
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("'" + value + "' is not a real date: " + e.getMessage());
        }
        throw new IllegalArgumentException("'" + value + "' is not a period: use 2026-11, 2026-Q4, 2026 or 2026-11-01..2026-11-15");
    }

    /** The month of an instant in a zone. */
    public static Period monthOf(Instant instant, ZoneId zone) {
        return month(YearMonth.from(instant.atZone(zone)));
    }

    public Instant startInstant(ZoneId zone) {
        return start.atStartOfDay(zone).toInstant();
    }

    public Instant endInstant(ZoneId zone) {
        return end.atStartOfDay(zone).toInstant();
    }

    public boolean contains(LocalDate date) {
        return !date.isBefore(start) && date.isBefore(end);
    }

    @Override
    public String toString() {
        return label;
    }
}
