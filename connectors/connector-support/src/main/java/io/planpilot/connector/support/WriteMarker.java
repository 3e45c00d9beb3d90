package io.planpilot.connector.support;

import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.CrmWrite;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How every connector makes its writes idempotent where the CRM has no field for a key: the text of a
 * task, note or comment ends in a line {@code planpilot:<idempotency key>}, and before creating
 * anything (and again before repeating a write whose answer was lost) the connector looks for that
 * line among what the CRM holds. The same line tells the adapter's own writes from people's. A key is
 * found in plain text and in the HTML some CRMs turn notes into ({@code <p>planpilot:k</p>}).
 */
public final class WriteMarker {

    public static final String PREFIX = "planpilot:";
    /** What a key may hold: no white space, and nothing HTML or a quoted attribute would change. */
    private static final String KEY = "[^\\s<>\"'&]+";
    private static final Pattern IN_TEXT = Pattern.compile("(?:^|[\\s>])" + Pattern.quote(PREFIX) + "(" + KEY + ")");

    private WriteMarker() {
    }

    /**
     * @throws ConnectorException naming the CRM when the write's key is empty or holds characters a
     *                            marker cannot carry
     */
    public static void requireKey(String crm, CrmWrite write) {
        String key = write.idempotencyKey();
        if (key == null || !key.matches(KEY)) {
            throw new ConnectorException(crm + " write: the idempotency key must be non-empty text without spaces, "
                    + "quotes, <, > or & (got '" + key + "')");
        }
    }

    /** {@code text} with the marker of {@code key} as its last line. */
    public static String mark(String text, String key) {
        String marker = PREFIX + key;
        return text == null || text.isBlank() ? marker : text.stripTrailing() + "\n\n" + marker;
    }

    /** The key of the last marker in a text, if any: how the adapter's own writes are recognised. */
    public static Optional<String> keyIn(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher matcher = IN_TEXT.matcher(text);
        String key = null;
        while (matcher.find()) {
            key = matcher.group(1);
        }
        return Optional.ofNullable(key);
    }

    /** Whether the text carries the marker of {@code key}. */
    public static boolean carries(String text, String key) {
        return keyIn(text).map(key::equals).orElse(false);
    }
}
