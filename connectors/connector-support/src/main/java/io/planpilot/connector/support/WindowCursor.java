package io.planpilot.connector.support;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A sync cursor over modification-time windows, as NiFi's GetHubSpot and the Singer taps keep
 * theirs: a read asks the CRM for what changed since {@link #since()} (inclusive: records at the
 * bound come again and are de-duplicated by id) and remembers {@link #until()}, the moment the read
 * started minus a safety delay, as the next window's start; so a record changed during the read, or
 * recorded late by the CRM, is read next time. Within a window, {@link #position()} is where the
 * last stored page left off (the CRM's page token, or the connector's own step such as
 * {@code deleted}): a read killed mid-way resumes there.
 *
 * <p>Text, version 1: {@code w1:{"since":"2026-11-01T10:00:00Z","until":"2026-11-27T08:00:00Z","position":"abc","complete":false}}.
 *
 * <p>Use: {@link #resume} at the start of a read; {@link #atPosition} as the cursor of each page but
 * the last; {@link #finished()} as the cursor of the last page, which marks the window
 * {@link #complete()}.
 */
public record WindowCursor(Instant since, Instant until, String position, boolean complete) {

    public static final String VERSION = "w1";
    /** The safety delay when a connection sets none. */
    public static final Duration DEFAULT_SAFETY_DELAY = Duration.ofSeconds(30);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public WindowCursor {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        if (until.isBefore(since)) {
            throw new IllegalArgumentException("a window ends (" + until + ") before it starts (" + since + ")");
        }
        if (complete && position != null) {
            throw new IllegalArgumentException("a finished window has no position");
        }
    }

    /** Everything the CRM has, up to {@code now - safetyDelay}: the window of a full read. */
    public static WindowCursor full(Instant now, Duration safetyDelay) {
        return new WindowCursor(Instant.EPOCH, end(Instant.EPOCH, now, safetyDelay), null, false);
    }

    /**
     * The window a read continues with, from the cursor the last stored page carried:
     * <ul>
     *   <li>null, unparseable or of another version: a full window from the epoch;</li>
     *   <li>with a position: the same window, from that position (the read was cut short);</li>
     *   <li>not started (no position, not finished): the same start, up to {@code now - safetyDelay};</li>
     *   <li>finished: the next window, from its {@code until} to {@code now - safetyDelay}.</li>
     * </ul>
     */
    public static WindowCursor resume(String text, Instant now, Duration safetyDelay) {
        Optional<WindowCursor> parsed = parse(text);
        if (parsed.isEmpty()) {
            return full(now, safetyDelay);
        }
        WindowCursor cursor = parsed.get();
        if (cursor.position != null) {
            return cursor;
        }
        Instant start = cursor.complete ? cursor.until : cursor.since;
        return new WindowCursor(start, end(start, now, safetyDelay), null, false);
    }

    /** This window with the read at {@code position} (null: at its start). */
    public WindowCursor atPosition(String position) {
        return new WindowCursor(since, until, position, false);
    }

    /** This window read to its end: the next read starts at {@link #until()}. */
    public WindowCursor finished() {
        return new WindowCursor(since, until, null, true);
    }

    /**
     * Whether a read of this window should also list every id the CRM holds, to find deletions it never
     * announces: on a full read, and when the window crosses a multiple of {@code every} since the epoch
     * (about once per {@code every} however often the sync runs); always when {@code every} is zero.
     */
    public boolean reconcileDue(Duration every) {
        if (since.equals(Instant.EPOCH) || every.isZero()) {
            return true;
        }
        long period = Math.max(1, every.toMillis());
        return Math.floorDiv(since.toEpochMilli(), period) != Math.floorDiv(until.toEpochMilli(), period);
    }

    /** The cursor's text, {@code w1:{...}}. */
    public String format() {
        ObjectNode node = JSON.createObjectNode();
        node.put("since", since.toString());
        node.put("until", until.toString());
        if (position == null) {
            node.putNull("position");
        } else {
            node.put("position", position);
        }
        node.put("complete", complete);
        return VERSION + ":" + JSON.writeValueAsString(node);
    }

    /** The cursor {@link #format()} wrote; empty when {@code text} is null, of another version or broken. */
    public static Optional<WindowCursor> parse(String text) {
        if (text == null || !text.startsWith(VERSION + ":")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(text.substring(VERSION.length() + 1));
            JsonNode since = node.get("since");
            JsonNode until = node.get("until");
            if (since == null || !since.isString() || until == null || !until.isString()) {
                return Optional.empty();
            }
            JsonNode position = node.get("position");
            JsonNode complete = node.get("complete");
            return Optional.of(new WindowCursor(Instant.parse(since.asString()), Instant.parse(until.asString()),
                    position == null || position.isNull() ? null : position.asString(),
                    complete != null && complete.asBoolean()));
        } catch (JacksonException | DateTimeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public String toString() {
        return format();
    }

    private static Instant end(Instant start, Instant now, Duration safetyDelay) {
        Instant end = now.minus(safetyDelay);
        return end.isBefore(start) ? start : end;
    }
}
