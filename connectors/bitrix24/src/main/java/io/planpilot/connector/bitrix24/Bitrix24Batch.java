package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.connector.support.JacksonCodec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Bitrix24's {@code batch}: up to 50 commands in one request, each {@code method?query} with its
 * parameters written the way PHP's {@code http_build_query} writes them
 * ({@code filter[>ID]=0&select[0]=ID}, URL-encoded; the body being JSON, they are encoded once). A
 * command's parameters may refer to an earlier command's result as {@code $result[cmd][path...]},
 * which lets one request walk a list along the fast path: command {@code c1} asks for the rows after
 * {@code $result[c0][49][ID]}, the last id {@code c0} returned.
 *
 * <p>The answer, {@code {"result": {"result": {...}, "result_error": {...}, "result_total": {...},
 * "result_next": {...}, "result_time": {...}}}}, holds each command's result or error under its key
 * (PHP writes an empty one as {@code []}).
 */
final class Bitrix24Batch {

    /** The most commands Bitrix24 runs in one {@code batch}. */
    static final int MAX_COMMANDS = 50;

    private final String endpoint;
    private final Bitrix24Dtos.BatchBody body;
    private final JsonMapper mapper;
    private final Clock clock;

    Bitrix24Batch(String endpoint, Bitrix24Dtos.Batch answer, JsonMapper mapper, Clock clock) {
        if (answer == null || answer.result() == null) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, "result", "missing", null);
        }
        this.endpoint = endpoint;
        this.body = answer.result();
        this.mapper = mapper;
        this.clock = clock;
    }

    /** {@code method?query}, the query written as PHP's {@code http_build_query} writes it. */
    static String command(String method, Map<String, ?> params) {
        String query = query(params);
        return query.isEmpty() ? method : method + "?" + query;
    }

    /** {@code $result[cmd][49][ID]}: a reference to an earlier command's result. */
    static String reference(String command, String... path) {
        StringBuilder text = new StringBuilder("$result[").append(command).append(']');
        for (String key : path) {
            text.append('[').append(key).append(']');
        }
        return text.toString();
    }

    static String query(Map<String, ?> params) {
        List<String> pairs = new ArrayList<>();
        params.forEach((key, value) -> append(pairs, key, value));
        return String.join("&", pairs);
    }

    private static void append(List<String> pairs, String key, Object value) {
        if (value == null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> append(pairs, key + "[" + k + "]", v));
        } else if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                append(pairs, key + "[" + i++ + "]", item);
            }
        } else {
            String text = value instanceof Boolean bool ? (bool ? "1" : "0") : value.toString();
            pairs.add(encode(key) + "=" + encode(text));
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** A command's error, if it failed: Bitrix24's code, description, and its execution time (for a reset). */
    record CommandError(String command, String code, String description, Optional<Duration> resetIn) {
    }

    Optional<CommandError> error(String command) {
        JsonNode errors = body.resultError();
        JsonNode error = errors == null || !errors.isObject() ? null : errors.get(command);
        if (error == null || error.isNull()) {
            return Optional.empty();
        }
        JsonNode time = body.resultTime() == null || !body.resultTime().isObject() ? null : body.resultTime().get(command);
        return Optional.of(new CommandError(command, Bitrix24Errors.text(error.get("error")),
                Bitrix24Errors.text(error.get("error_description")),
                Bitrix24Errors.resetWait(time, clock.instant())));
    }

    /** The exception a command's error is, naming the command. */
    RuntimeException failure(CommandError error, String method) {
        return Bitrix24Errors.of(endpoint, 0, "command " + error.command() + " (" + method + ") ", error.code(),
                error.description(), "", error.resetIn().orElse(null));
    }

    /** The command's {@code result_total} (the rows its list method counted), if given. */
    JsonNode total(String command) {
        JsonNode totals = body.resultTotal();
        return totals != null && totals.isObject() ? totals.get(command) : null;
    }

    /** Whether the command has a result (it ran and did not fail). */
    boolean has(String command) {
        JsonNode results = body.result();
        return results != null && results.isObject() && results.has(command);
    }

    /**
     * The result of {@code command} at {@code path} (empty: the result itself; {@code items}: its
     * {@code items}), read as {@code type}; a field of the wrong type fails naming its JSON path in the
     * answer ({@code result.result.c0[3].OPPORTUNITY}).
     */
    <T> T read(String command, String path, JavaType type) {
        JsonNode node = body.result() == null ? null : body.result().get(command);
        String where = "result.result." + command;
        if (node != null && !path.isEmpty()) {
            node = node.isObject() ? node.get(path) : null;
            where += "." + path;
        }
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return mapper.readerFor(type).readValue(node);
        } catch (JacksonException e) {
            CrmResponseException inner = JacksonCodec.failure(Bitrix24ConnectorFactory.TYPE, endpoint, e);
            String relative = inner.fieldPath();
            String problem = relative == null ? inner.detail() : inner.detail().substring(("field " + relative + ": ").length());
            String full = relative == null ? where : where + (relative.startsWith("[") ? "" : ".") + relative;
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, full, problem, e);
        }
    }

    /** The commands of a request, in order. */
    static Bitrix24Dtos.BatchRequest request(Map<String, String> commands) {
        if (commands.size() > MAX_COMMANDS) {
            throw new IllegalArgumentException("a batch takes at most " + MAX_COMMANDS + " commands, not " + commands.size());
        }
        return new Bitrix24Dtos.BatchRequest(0, new LinkedHashMap<>(commands));
    }
}
