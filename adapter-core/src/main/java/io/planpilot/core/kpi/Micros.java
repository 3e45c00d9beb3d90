package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;

/** Instants as microseconds since the epoch: PostgreSQL's precision, and a long the engine can compare. */
final class Micros {
    static final long NONE = Long.MIN_VALUE;
    private static final BigDecimal PER_DAY = BigDecimal.valueOf(86_400_000_000L);

    private Micros() {
    }

    static long of(Instant instant) {
        return instant == null ? NONE : Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    static long startOf(LocalDate date, ZoneId zone) {
        return of(date.atStartOfDay(zone).toInstant());
    }

    static Instant instant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    /** {@code to − from} in days, as an exact decimal. */
    static BigDecimal days(long from, long to) {
        return BigDecimal.valueOf(to - from).divide(PER_DAY, MathContext.DECIMAL128);
    }

    static final long DAY = 86_400_000_000L;
}
