package io.planpilot.connector.pipedrive;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Verifies and parses Pipedrive's webhooks (version 2.0). Pipedrive POSTs JSON:
 * {@code {"meta": {"action": "change", "entity": "deal", "entity_id": "746", "id": "<uuid>",
 * "timestamp": "2026-05-15T18:00:00.000Z", "attempt": 1, ...}, "data": {...}, "previous": {...}}}.
 * <ul>
 *   <li><b>Verification:</b> HTTP Basic. The webhook is created with a user name and password in
 *       Pipedrive, which sends them in {@code Authorization: Basic ...}; both must equal the
 *       connection's {@code webhook-username} and {@code webhook-password}, compared in constant time.
 *       Missing or different credentials, or a connection without them, are refused (401).</li>
 *   <li><b>Freshness:</b> not checked. Pipedrive retries a failed delivery (a later {@code attempt} of
 *       the same event, same {@code meta.id}) for hours, so an old timestamp is a genuine retry; a
 *       repeat is acknowledged and de-duplicated by the app's inbox on the event id.</li>
 *   <li><b>Events:</b> {@code meta.entity} {@code deal} and {@code activity}; {@code meta.action}
 *       {@code create}/{@code change} are changes and {@code delete} a deletion (webhooks v1,
 *       whose {@code meta.id} is the record's id, are not taken: create the webhooks as version 2.0). The record is re-read, not taken from
 *       {@code data}: the webhook's copy may be older than a later change. Other entities are
 *       acknowledged and ignored. A verified body without {@code meta.id}, {@code meta.action} or
 *       {@code meta.entity_id} is malformed.</li>
 *   <li><b>Event id:</b> {@code pd:<meta.id>}, the same for every delivery attempt of one event.</li>
 * </ul>
 */
final class PipedriveWebhooks {

    static final String ENDPOINT = "webhook";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final byte[] username;
    private final byte[] password;

    PipedriveWebhooks(String username, String password) {
        this.username = username == null ? null : username.getBytes(StandardCharsets.UTF_8);
        this.password = password == null ? null : password.getBytes(StandardCharsets.UTF_8);
    }

    List<WebhookEvent> receive(WebhookRequest request) {
        verify(request.header("authorization"));
        JsonNode root;
        try {
            root = JSON.readTree(request.body());
        } catch (JacksonException e) {
            throw new CrmResponseException(PipedriveConnectorFactory.TYPE, ENDPOINT, null, "the body is not JSON", e);
        }
        JsonNode meta = root == null ? null : root.get("meta");
        if (meta == null || !meta.isObject()) {
            throw new CrmResponseException(PipedriveConnectorFactory.TYPE, ENDPOINT, "meta", "missing", null);
        }
        String id = text(meta, "id");
        String action = text(meta, "action");
        String entity = text(meta, "entity");
        if (id == null || action == null) {
            throw new CrmResponseException(PipedriveConnectorFactory.TYPE, ENDPOINT, id == null ? "meta.id" : "meta.action",
                    "missing", null);
        }
        RecordKind kind = switch (entity == null ? "" : entity.toLowerCase(Locale.ROOT)) {
            case "deal" -> RecordKind.DEAL;
            case "activity" -> RecordKind.ACTIVITY;
            default -> null;
        };
        if (kind == null) {
            return List.of();
        }
        WebhookEvent.Change change = switch (action.toLowerCase(Locale.ROOT)) {
            case "create", "change" -> WebhookEvent.Change.CHANGED;
            case "delete" -> WebhookEvent.Change.DELETED;
            default -> null;
        };
        if (change == null) {
            return List.of();
        }
        String recordId = text(meta, "entity_id");
        if (recordId == null) {
            throw new CrmResponseException(PipedriveConnectorFactory.TYPE, ENDPOINT, "meta.entity_id",
                    "missing in a " + action + " of a " + entity, null);
        }
        return List.of(new WebhookEvent("pd:" + id, change, kind, recordId, timestamp(text(meta, "timestamp"))));
    }

    /** Basic credentials, both parts compared in constant time whatever the first comparison found. */
    private void verify(String authorization) {
        if (username == null || password == null) {
            throw new WebhookRejectedException("the connection has no webhook-username and webhook-password to verify "
                    + "Pipedrive's webhooks with; set them to the HTTP Basic credentials entered on the webhook");
        }
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw new WebhookRejectedException("the callback carries no HTTP Basic credentials");
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(authorization.substring(6).trim());
        } catch (IllegalArgumentException e) {
            throw new WebhookRejectedException("the callback's Basic credentials are not Base64");
        }
        String pair = new String(decoded, StandardCharsets.UTF_8);
        int colon = pair.indexOf(':');
        byte[] givenUser = (colon < 0 ? pair : pair.substring(0, colon)).getBytes(StandardCharsets.UTF_8);
        byte[] givenPassword = (colon < 0 ? "" : pair.substring(colon + 1)).getBytes(StandardCharsets.UTF_8);
        boolean userMatches = MessageDigest.isEqual(username, givenUser);
        boolean passwordMatches = MessageDigest.isEqual(password, givenPassword);
        if (!(userMatches & passwordMatches)) {
            throw new WebhookRejectedException("the callback's Basic credentials do not match webhook-username and "
                    + "webhook-password (a forged call, or the webhook was edited: enter the same credentials on both sides)");
        }
    }

    private static Instant timestamp(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw new CrmResponseException(PipedriveConnectorFactory.TYPE, ENDPOINT, "meta.timestamp",
                    "expected an RFC 3339 time, got \"" + text + "\"", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainer()) {
            return null;
        }
        String text = value.isString() ? value.asString() : value.toString();
        return text.isBlank() ? null : text.trim();
    }
}
