package io.planpilot.connector.support;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * Reads how long a CRM asks a client to wait: the standard {@code Retry-After} header (seconds or an
 * HTTP-date) and the {@code X-RateLimit-Reset} kind of header, whose value is either the epoch
 * second the limit resets at or the seconds until then: the CRM's documentation says which, so the
 * connector does ({@link ResetStyle}). A moment already past is a wait of zero.
 */
public final class RetryAfter {

    public static final String RETRY_AFTER = "Retry-After";

    /** How a CRM writes its reset header. */
    public enum ResetStyle {
        /** The Unix time, in seconds, at which the limit resets ({@code 1767225600}). */
        EPOCH_SECONDS,
        /** The seconds from now until the limit resets ({@code 2}). */
        SECONDS_FROM_NOW
    }

    private RetryAfter() {
    }

    /** The wait a {@code Retry-After} value asks for: delta-seconds ({@code 120}) or an HTTP-date. */
    public static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String text = value.trim();
        Optional<Duration> seconds = seconds(text);
        if (seconds.isPresent()) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(until(at, now));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** The wait a reset header's value asks for, read in the CRM's {@code style}. */
    public static Optional<Duration> parseReset(String value, ResetStyle style, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Optional<Duration> seconds = seconds(value.trim());
        if (seconds.isEmpty()) {
            return Optional.empty();
        }
        return switch (style) {
            case SECONDS_FROM_NOW -> seconds;
            case EPOCH_SECONDS -> Optional.of(until(Instant.EPOCH.plus(seconds.get()), now));
        };
    }

    /**
     * The wait the headers of a response ask for: {@code Retry-After} first, else {@code resetHeader}
     * (null when the CRM has none) read in {@code style}.
     */
    public static Optional<Duration> fromHeaders(Map<String, ? extends Collection<String>> headers, String resetHeader,
                                                 ResetStyle style, Instant now) {
        Optional<Duration> retryAfter = parse(header(headers, RETRY_AFTER), now);
        if (retryAfter.isPresent() || resetHeader == null) {
            return retryAfter;
        }
        return parseReset(header(headers, resetHeader), style, now);
    }

    /** The first value of header {@code name}, found whatever its case; null when absent. */
    public static String header(Map<String, ? extends Collection<String>> headers, String name) {
        if (headers == null) {
            return null;
        }
        for (Map.Entry<String, ? extends Collection<String>> entry : headers.entrySet()) {
            if (entry.getKey() != null && entry.getKey().equalsIgnoreCase(name) && entry.getValue() != null
                    && !entry.getValue().isEmpty()) {
                return entry.getValue().iterator().next();
            }
        }
        return null;
    }

    private static Optional<Duration> seconds(String text) {
        try {
            BigDecimal seconds = new BigDecimal(text);
            if (seconds.signum() < 0) {
                return Optional.of(Duration.ZERO);
            }
            long nanos = seconds.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
            return Optional.of(Duration.ofNanos(nanos));
        } catch (NumberFormatException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    private static Duration until(Instant at, Instant now) {
        Duration wait = Duration.between(now, at);
        return wait.isNegative() ? Duration.ZERO : wait;
    }
}
