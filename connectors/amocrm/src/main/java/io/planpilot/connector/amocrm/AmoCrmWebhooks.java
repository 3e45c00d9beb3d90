package io.planpilot.connector.amocrm;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.connector.RecordKind;
import io.planpilot.core.connector.WebhookEvent;
import io.planpilot.core.connector.WebhookRejectedException;
import io.planpilot.core.connector.WebhookRequest;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Verifies and parses amoCRM's webhooks. amoCRM POSTs {@code application/x-www-form-urlencoded} with
 * PHP-style keys: {@code leads[status][0][id]=123&leads[status][0][status_id]=142&leads[status][0][pipeline_id]=7
 * &leads[status][0][old_status_id]=5&account[id]=29085955&account[subdomain]=acme}; likewise
 * {@code leads[add]}, {@code leads[update]}, {@code leads[delete]}, {@code leads[restore]}.
 * <ul>
 *   <li><b>Verification:</b> amoCRM signs nothing, so a call is genuine only when it comes to the
 *       connection's secret address, {@code /webhooks/{connection}/{webhook-secret}} (the last segment of
 *       the URL compared in constant time), and names the connection's account: {@code account[subdomain]}
 *       the subdomain of {@code base-url} (or of the account) and {@code account[id]} the account's id
 *       ({@code account-id}, else learnt from {@code GET /api/v4/account}). Anything else is refused;
 *       the secret is never put in a message.</li>
 *   <li><b>Events:</b> {@code leads[add|update|status|restore|responsible]} are changes of a deal,
 *       {@code leads[delete]} a deletion; the payload is only a hint, the app re-reads the lead. Other
 *       sections (contacts, companies, ...) are acknowledged and ignored. An item without {@code id} is malformed.</li>
 *   <li><b>Event id:</b> amoCRM gives none, so it is {@code amo:} and a digest of the item's fields
 *       (action, id, status, {@code updated_at}...): a repeat of the same call gets the same ids, a new
 *       change of the same lead a new one.</li>
 * </ul>
 */
final class AmoCrmWebhooks {

    static final String ENDPOINT = "webhook";
    private static final Pattern LEAD_ITEM = Pattern.compile("^leads\\[([a-z_]+)]\\[(\\d+)]\\[(.+)]$");

    /** Who the connection's account is: its subdomain and id (either may be unknown). */
    record AccountIdentity(String subdomain, Long id) {
    }

    private final byte[] secret;
    private final Supplier<AccountIdentity> account;

    /** @param account who the account is; asked only once the secret checked out */
    AmoCrmWebhooks(String webhookSecret, Supplier<AccountIdentity> account) {
        this.secret = webhookSecret == null ? null : webhookSecret.getBytes(StandardCharsets.UTF_8);
        this.account = account;
    }

    List<WebhookEvent> receive(WebhookRequest request) {
        if (secret == null) {
            throw new WebhookRejectedException("the connection has no webhook-secret to verify amoCRM's webhooks with; set "
                    + "it and point the webhook at /webhooks/{connection}/{webhook-secret}");
        }
        if (!MessageDigest.isEqual(secret, lastSegment(request.url()).getBytes(StandardCharsets.UTF_8))) {
            throw new WebhookRejectedException("the webhook came to an address without the connection's webhook-secret "
                    + "(a forged call, or the webhook in amoCRM points at an old address)");
        }
        Map<String, String> fields = form(new String(request.body(), StandardCharsets.UTF_8).strip());
        AccountIdentity expected = account.get();
        String subdomain = fields.get("account[subdomain]");
        String accountId = fields.get("account[id]");
        if ((subdomain == null || subdomain.isBlank()) && (accountId == null || accountId.isBlank())) {
            throw new WebhookRejectedException("the webhook names no account (account[id], account[subdomain])");
        }
        if (expected.subdomain() != null && subdomain != null && !subdomain.isBlank()
                && !expected.subdomain().equalsIgnoreCase(subdomain.trim())) {
            throw new WebhookRejectedException("the webhook is from account '" + subdomain.trim() + "', not '"
                    + expected.subdomain() + "' of this connection");
        }
        if (expected.id() != null && accountId != null && !accountId.isBlank() && !accountId.trim().equals(String.valueOf(expected.id()))) {
            throw new WebhookRejectedException("the webhook is from account id " + accountId.trim() + ", not "
                    + expected.id() + " of this connection");
        }
        return events(fields);
    }

    /** The lead items of the form, one event each, in the order they came. */
    static List<WebhookEvent> events(Map<String, String> fields) {
        Map<String, Map<String, String>> items = new LinkedHashMap<>();
        fields.forEach((key, value) -> {
            Matcher item = LEAD_ITEM.matcher(key);
            if (item.matches()) {
                items.computeIfAbsent(item.group(1) + "|" + item.group(2), k -> new TreeMap<>()).put(item.group(3), value);
            }
        });
        List<WebhookEvent> events = new ArrayList<>();
        items.forEach((item, values) -> {
            String action = item.substring(0, item.indexOf('|')).toLowerCase(Locale.ROOT);
            WebhookEvent.Change change = switch (action) {
                case "add", "update", "status", "restore", "responsible" -> WebhookEvent.Change.CHANGED;
                case "delete" -> WebhookEvent.Change.DELETED;
                default -> null;
            };
            if (change == null) {
                return;
            }
            String id = values.get("id");
            if (id == null || !id.trim().matches("\\d+")) {
                throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, ENDPOINT,
                        "leads[" + item.replace("|", "][") + "][id]", id == null ? "missing" : "expected a lead id, got \"" + id + "\"", null);
            }
            events.add(new WebhookEvent(eventId(action, values), change, RecordKind.DEAL, id.trim(), occurredAt(values)));
        });
        return events;
    }

    private static Instant occurredAt(Map<String, String> values) {
        for (String key : List.of("updated_at", "last_modified", "date_create", "created_at")) {
            String value = values.get(key);
            if (value != null && value.trim().matches("\\d{1,12}")) {
                return Instant.ofEpochSecond(Long.parseLong(value.trim()));
            }
        }
        return null;
    }

    /** {@code amo:} and the first 32 hex digits of SHA-256 over the action and the item's fields in key order. */
    static String eventId(String action, Map<String, String> values) {
        StringBuilder text = new StringBuilder(action);
        new TreeMap<>(values).forEach((key, value) -> text.append('|').append(key).append('=').append(value));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "amo:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    private static String lastSegment(String url) {
        if (url == null) {
            return "";
        }
        String path;
        try {
            path = URI.create(url.trim()).getRawPath();
        } catch (IllegalArgumentException e) {
            return "";
        }
        if (path == null) {
            return "";
        }
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return URLDecoder.decode(trimmed.substring(trimmed.lastIndexOf('/') + 1), StandardCharsets.UTF_8);
    }

    /** {@code a=1&leads%5Bstatus%5D%5B0%5D%5Bid%5D=2} to {@code {a=1, leads[status][0][id]=2}}; the first value of a key wins. */
    static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        if (body.isEmpty()) {
            return fields;
        }
        try {
            for (String pair : body.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String key = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                String value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
                fields.putIfAbsent(key, value);
            }
        } catch (IllegalArgumentException e) {
            throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, ENDPOINT, null,
                    "the webhook's form cannot be read (" + e.getMessage() + ")", e);
        }
        return fields;
    }
}
