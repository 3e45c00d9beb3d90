package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Verifies and parses Bitrix24's outgoing webhooks (event handlers). Bitrix24 POSTs each event as
 * {@code application/x-www-form-urlencoded} with PHP-style keys:
 * {@code event=ONCRMDEALUPDATE&data[FIELDS][ID]=759&ts=1736405807&auth[domain]=...&auth[member_id]=...&auth[application_token]=...}
 * (JSON with the same structure is taken too).
 * <ul>
 *   <li><b>Verification:</b> {@code auth[application_token]} must equal the connection's
 *       {@code application-token} (the token the outgoing webhook's form shows; several, comma-separated,
 *       when the portal posts through several outgoing webhooks); compared in constant time, against
 *       every configured token. A missing or different token is refused; a token is never put in a message.</li>
 *   <li><b>Freshness:</b> not checked. {@code ts} is when Bitrix24's event queue sent the event, it is
 *       not signed (anyone holding the token could write any {@code ts}), and the queue may hold events
 *       back when a handler answers slowly while Bitrix24 never sends an event twice: refusing old
 *       ones would lose real changes and protect nothing. A repeat of an event is acknowledged and
 *       de-duplicated by the app's inbox (ISSUE-NOTES, "Webhook repeats").</li>
 *   <li><b>Events</b>, named case-insensitively ({@code ONCRMDEALUPDATE}, {@code onCrmDealUpdate}):
 *       {@code ONCRMDEALADD}/{@code UPDATE} and {@code ONCRMACTIVITYADD}/{@code UPDATE} are changes,
 *       {@code ONCRMDEALDELETE} and {@code ONCRMACTIVITYDELETE} deletions; the record's id is
 *       {@code data[FIELDS][ID]} (the payload carries nothing else, so the app re-reads the record).
 *       Other events are acknowledged and ignored (an empty list). A body too broken to find the token
 *       in is refused like a wrong token; a verified call without {@code event} or
 *       {@code data[FIELDS][ID]} is malformed (the app answers 400 and keeps it).</li>
 *   <li><b>Event id:</b> Bitrix24 gives none, so it is a digest of the event name, the record id and
 *       {@code ts}: a repeat of the same call gets the same id.</li>
 * </ul>
 */
final class Bitrix24Webhooks {

    static final String ENDPOINT = "webhook";
    static final String TOKEN_KEY = "auth[application_token]";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<byte[]> applicationTokens;

    /** @param applicationToken the outgoing webhook's token; several, separated by commas, when the portal has several outgoing webhooks */
    Bitrix24Webhooks(String applicationToken) {
        this.applicationTokens = applicationToken == null ? List.of() : java.util.Arrays.stream(applicationToken.split(","))
                .map(String::trim).filter(token -> !token.isEmpty()).map(token -> token.getBytes(StandardCharsets.UTF_8)).toList();
    }

    List<WebhookEvent> receive(WebhookRequest request) {
        if (applicationTokens.isEmpty()) {
            throw new WebhookRejectedException("the connection has no application-token to verify Bitrix24's outgoing "
                    + "webhooks with; set it to the token the outgoing webhook's form shows");
        }
        Map<String, String> fields = fields(request);
        String token = fields.get(TOKEN_KEY);
        if (token == null || token.isEmpty()) {
            throw new WebhookRejectedException("the callback carries no auth[application_token]");
        }
        byte[] given = token.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] expected : applicationTokens) {
            known |= MessageDigest.isEqual(expected, given);
        }
        if (!known) {
            throw new WebhookRejectedException("auth[application_token] does not match the connection's application-token "
                    + "(a forged call, or the outgoing webhook was re-created: copy its new token into application-token)");
        }
        String event = fields.get("event");
        if (event == null || event.isBlank()) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, ENDPOINT, "event", "missing", null);
        }
        String name = event.trim().toUpperCase(Locale.ROOT);
        RecordKind kind;
        WebhookEvent.Change change;
        switch (name) {
            case "ONCRMDEALADD", "ONCRMDEALUPDATE" -> {
                kind = RecordKind.DEAL;
                change = WebhookEvent.Change.CHANGED;
            }
            case "ONCRMDEALDELETE" -> {
                kind = RecordKind.DEAL;
                change = WebhookEvent.Change.DELETED;
            }
            case "ONCRMACTIVITYADD", "ONCRMACTIVITYUPDATE" -> {
                kind = RecordKind.ACTIVITY;
                change = WebhookEvent.Change.CHANGED;
            }
            case "ONCRMACTIVITYDELETE" -> {
                kind = RecordKind.ACTIVITY;
                change = WebhookEvent.Change.DELETED;
            }
            default -> {
                return List.of();
            }
        }
        String id = fields.get("data[FIELDS][ID]");
        if (id == null || id.isBlank()) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, ENDPOINT, "data[FIELDS][ID]",
                    "missing in a " + name + " event", null);
        }
        String ts = fields.getOrDefault("ts", "");
        Instant occurredAt = null;
        try {
            occurredAt = ts.isBlank() ? null : Instant.ofEpochSecond(Long.parseLong(ts.trim()));
        } catch (NumberFormatException e) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, ENDPOINT, "ts",
                    "expected epoch seconds, got \"" + ts + "\"", e);
        }
        return List.of(new WebhookEvent(eventId(name, id.trim(), ts.trim()), change, kind, id.trim(), occurredAt));
    }

    /** {@code b24:} and the first 32 hex digits of SHA-256 over {@code EVENT|id|ts}. */
    static String eventId(String event, String id, String ts) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((event + "|" + id + "|" + ts).getBytes(StandardCharsets.UTF_8));
            return "b24:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** The callback's fields by their PHP-style key ({@code data[FIELDS][ID]}), from a form or a JSON body. */
    static Map<String, String> fields(WebhookRequest request) {
        String body = new String(request.body(), StandardCharsets.UTF_8).strip();
        String contentType = request.header("content-type");
        boolean json = (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json")) || body.startsWith("{");
        return json ? fromJson(body) : fromForm(body);
    }

    /**
     * {@code a=1&data%5BFIELDS%5D%5BID%5D=2} to {@code {a=1, data[FIELDS][ID]=2}}; the first value of a
     * repeated key wins. A body too broken to read is refused: its token cannot be verified.
     */
    static Map<String, String> fromForm(String body) {
        try {
            return form(body);
        } catch (IllegalArgumentException e) {
            throw new WebhookRejectedException("the callback's form cannot be read (" + e.getMessage()
                    + "), so auth[application_token] cannot be verified");
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return fields;
        }
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
            String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            fields.putIfAbsent(key, value);
        }
        return fields;
    }

    private static Map<String, String> fromJson(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new WebhookRejectedException("the callback is neither a form nor valid JSON, so auth[application_token] "
                    + "cannot be verified");
        }
        Map<String, String> fields = new LinkedHashMap<>();
        flatten("", root, fields);
        return fields;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> fields) {
        if (node == null) {
            return;
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> entry : node.properties()) {
                flatten(prefix.isEmpty() ? entry.getKey() : prefix + "[" + entry.getKey() + "]", entry.getValue(), fields);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(prefix + "[" + i + "]", node.get(i), fields);
            }
        } else if (!node.isNull()) {
            fields.putIfAbsent(prefix, node.isString() ? node.asString() : node.toString());
        }
    }
}
