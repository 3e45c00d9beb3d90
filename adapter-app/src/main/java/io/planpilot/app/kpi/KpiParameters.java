package io.planpilot.app.kpi;

import io.planpilot.app.api.Problems;
import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;

import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The query parameters common to KPI calls, checked: a bad one is a 400 naming it. */
public final class KpiParameters {

    private KpiParameters() {
    }

    public static KpiQuery query(String asOf, String period, String connection, Clock clock, ZoneId zone, Set<String> connections) {
        Instant at = asOf == null || asOf.isBlank() ? clock.instant() : instant(asOf);
        Period p;
        if (period == null || period.isBlank()) {
            p = Period.monthOf(at, zone);
        } else {
            try {
                p = Period.parse(period);
            } catch (IllegalArgumentException e) {
                throw Problems.badRequest("period", e.getMessage());
            }
        }
        String c = connection == null || connection.isBlank() ? null : connection;
        if (c != null && !connections.contains(c)) {
            throw Problems.notFound("connection", c);
        }
        return new KpiQuery(p, at, c);
    }

    /** An ISO-8601 instant with an offset or Z; a space where a '+' was not URL-encoded is a '+'. */
    static Instant instant(String text) {
        String value = text.trim().replace(' ', '+');
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            throw Problems.badRequest("asOf", "'" + text + "' is not an ISO-8601 instant with an offset or Z (2026-11-27T10:00:00Z)");
        }
    }

    static Dimension dimension(String value, Dimension fallback) {
        if (value == null || value.isBlank()) {
            if (fallback == null) {
                throw Problems.badRequest("dimension", "is required: one of " + names());
            }
            return fallback;
        }
        return Dimension.fromKey(value.trim().toLowerCase(Locale.ROOT))
                .orElseThrow(() -> Problems.badRequest("dimension", "'" + value + "' is not one of " + names()));
    }

    private static String names() {
        return Arrays.stream(Dimension.values()).map(Dimension::key).collect(Collectors.joining(", "));
    }
}
