package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.connector.support.HmacSignatures;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Verifies and parses HubSpot's webhook calls: a POST whose body is a JSON array of events
 * ({@code eventId}, {@code subscriptionType} such as {@code deal.propertyChange}, {@code objectId},
 * {@code occurredAt} in epoch milliseconds, {@code attemptNumber}; merges also {@code mergedObjectIds}).
 * <ul>
 *   <li><b>Signature</b> ({@code X-HubSpot-Signature-v3}): base64 of HMAC-SHA256 with the app's client
 *       secret over {@code method + URI + raw body + X-HubSpot-Request-Timestamp}. The URI is the one
 *       HubSpot called ({@code adapter.public-base-url} behind a proxy), with the characters HubSpot
 *       leaves decoded ({@code %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A %2C %3B}) decoded. Compared in
 *       constant time.</li>
 *   <li><b>Freshness</b>: a timestamp more than 5 minutes from now is refused (a replay of a captured
 *       call, or a clock far off). A repeat of a valid event within that time (HubSpot retries an
 *       event that was not acknowledged, {@code attemptNumber} counting up) is accepted and carries
 *       the same event id ({@code hs:<eventId>}), so the app's inbox acknowledges it and skips it.</li>
 *   <li><b>Events</b>: {@code deal.creation}, {@code deal.propertyChange}, {@code deal.restore},
 *       {@code deal.associationChange} are changes, {@code deal.deletion} a deletion, {@code deal.merge}
 *       a change of the surviving deal and a deletion of each merged one; the object-typed form of the
 *       current app platform ({@code object.propertyChange} with {@code objectTypeId} {@code 0-3}) reads
 *       the same. Events of other objects are acknowledged and ignored.</li>
 * </ul>
 */
final class HubSpotWebhooks {

    static final String ENDPOINT = "webhook";
    static final String SIGNATURE_HEADER = "X-HubSpot-Signature-v3";
    static final String TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp";
    static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** HubSpot's object type id of deals, in the object-typed subscriptions. */
    static final String DEAL_OBJECT_TYPE = "0-3";

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String[][] DECODED = {{"%3A", ":"}, {"%2F", "/"}, {"%3F", "?"}, {"%40", "@"}, {"%21", "!"},
            {"%24", "$"}, {"%27", "'"}, {"%28", "("}, {"%29", ")"}, {"%2A", "*"}, {"%2C", ","}, {"%3B", ";"}};

    private final String clientSecret;
    private final Clock clock;

    HubSpotWebhooks(String clientSecret, Clock clock) {
        this.clientSecret = clientSecret;
        this.clock = clock;
    }

    List<WebhookEvent> receive(WebhookRequest request) {
        verify(request);
        return parse(request.body());
    }

    void verify(WebhookRequest request) {
        if (clientSecret == null) {
            throw new WebhookRejectedException("the connection has no client-secret to verify HubSpot's signature with; "
                    + "set it to the app's client secret");
        }
        String signature = request.header(SIGNATURE_HEADER);
        String timestamp = request.header(TIMESTAMP_HEADER);
        if (signature == null || signature.isBlank()) {
            throw new WebhookRejectedException("the call carries no " + SIGNATURE_HEADER);
        }
        if (timestamp == null || !timestamp.trim().matches("\\d{1,15}")) {
            throw new WebhookRejectedException("the call carries no valid " + TIMESTAMP_HEADER + " (got '" + timestamp + "')");
        }
        Instant sent = Instant.ofEpochMilli(Long.parseLong(timestamp.trim()));
        Duration age = Duration.between(sent, clock.instant()).abs();
        if (age.compareTo(MAX_AGE) > 0) {
            throw new WebhookRejectedException(TIMESTAMP_HEADER + " " + sent + " is more than 5 minutes from now ("
                    + clock.instant() + "): refused as a replay");
        }
        String expected = signature(clientSecret, request.method(), request.url(), request.body(), timestamp.trim());
        if (!HmacSignatures.equal(expected, signature.trim())) {
            throw new WebhookRejectedException(SIGNATURE_HEADER + " does not match (a forged call, another app's "
                    + "client-secret, or a URL other than the one HubSpot called: check adapter.public-base-url)");
        }
    }

    /** base64(HMAC-SHA256(secret, method + uri + body + timestamp)), the URI decoded as HubSpot does. */
    static String signature(String secret, String method, String uri, byte[] body, String timestamp) {
        byte[] head = (method.toUpperCase(Locale.ROOT) + decodedUri(uri)).getBytes(StandardCharsets.UTF_8);
        byte[] tail = timestamp.getBytes(StandardCharsets.UTF_8);
        byte[] source = new byte[head.length + body.length + tail.length];
        System.arraycopy(head, 0, source, 0, head.length);
        System.arraycopy(body, 0, source, head.length, body.length);
        System.arraycopy(tail, 0, source, head.length + body.length, tail.length);
        return Base64.getEncoder().encodeToString(HmacSignatures.sha256(secret, source));
    }

    static String decodedUri(String uri) {
        String decoded = uri;
        for (String[] pair : DECODED) {
            decoded = decoded.replace(pair[0], pair[1]).replace(pair[0].toLowerCase(Locale.ROOT), pair[1]);
        }
        return decoded;
    }

    List<WebhookEvent> parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JacksonException e) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, ENDPOINT, null,
                    "the body is not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !(root.isArray() || root.isObject())) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, ENDPOINT, null,
                    "expected a JSON array of events", null);
        }
        List<JsonNode> events = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(events::add);
        } else {
            events.add(root);
        }
        List<WebhookEvent> parsed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            parsed.addAll(event(events.get(i), "[" + i + "]"));
        }
        return parsed;
    }

    private static List<WebhookEvent> event(JsonNode event, String path) {
        String type = text(event.get("subscriptionType")).toLowerCase(Locale.ROOT);
        int dot = type.indexOf('.');
        if (dot < 0) {
            return List.of();
        }
        String object = type.substring(0, dot);
        String action = type.substring(dot + 1);
        boolean deal = object.equals("deal") || (object.equals("object") && DEAL_OBJECT_TYPE.equals(text(event.get("objectTypeId"))));
        if (!deal) {
            return List.of();
        }
        String eventId = text(event.get("eventId"));
        if (eventId.isEmpty()) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, ENDPOINT, path + ".eventId", "missing in a " + type + " event", null);
        }
        String objectId = text(event.get("objectId"));
        if (objectId.isEmpty()) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, ENDPOINT, path + ".objectId", "missing in a " + type + " event", null);
        }
        Instant occurredAt = null;
        JsonNode occurred = event.get("occurredAt");
        if (occurred != null && !occurred.isNull()) {
            String millis = text(occurred);
            if (!millis.matches("\\d{1,15}")) {
                throw new CrmResponseException(HubSpotConnectorFactory.TYPE, ENDPOINT, path + ".occurredAt",
                        "expected epoch milliseconds, got \"" + millis + "\"", null);
            }
            occurredAt = Instant.ofEpochMilli(Long.parseLong(millis));
        }
        String id = "hs:" + eventId;
        return switch (action) {
            case "creation", "propertychange", "restore", "associationchange" ->
                    List.of(new WebhookEvent(id, WebhookEvent.Change.CHANGED, RecordKind.DEAL, objectId, occurredAt));
            case "deletion", "privacydeletion" ->
                    List.of(new WebhookEvent(id, WebhookEvent.Change.DELETED, RecordKind.DEAL, objectId, occurredAt));
            case "merge" -> {
                List<WebhookEvent> merged = new ArrayList<>();
                merged.add(new WebhookEvent(id, WebhookEvent.Change.CHANGED, RecordKind.DEAL, objectId, occurredAt));
                for (JsonNode gone : event.path("mergedObjectIds")) {
                    String goneId = text(gone);
                    if (!goneId.isEmpty() && !goneId.equals(objectId)) {
                        merged.add(new WebhookEvent(id + ":" + goneId, WebhookEvent.Change.DELETED, RecordKind.DEAL, goneId,
                                occurredAt));
                    }
                }
                yield merged;
            }
            default -> List.of();
        };
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isString() ? node.asString().trim() : node.toString();
    }

    /** The headers HubSpot sends with a signed call, for tests and fakes. */
    static Map<String, List<String>> signedHeaders(String signature, String timestamp) {
        return Map.of("content-type", List.of("application/json"), SIGNATURE_HEADER.toLowerCase(Locale.ROOT), List.of(signature),
                TIMESTAMP_HEADER.toLowerCase(Locale.ROOT), List.of(timestamp));
    }
}
