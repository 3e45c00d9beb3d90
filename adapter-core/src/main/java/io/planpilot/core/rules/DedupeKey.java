package io.planpilot.core.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Builds an outbox key from its parts, joined by {@code :}: the rule, its subject, the period and
 * the version of the figures. A part that is not plain ASCII ({@code [A-Za-z0-9._()-]}, at most 40
 * characters; a region named in Cyrillic, a deal id with a space) is written as {@code h} and the
 * first 16 hex digits of its SHA-256, so the key stays printable, short and the same every time.
 */
final class DedupeKey {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._()-]{1,40}");

    private DedupeKey() {
    }

    static String of(Object... parts) {
        StringBuilder key = new StringBuilder();
        for (Object part : parts) {
            if (!key.isEmpty()) {
                key.append(':');
            }
            String text = String.valueOf(part);
            key.append(PLAIN.matcher(text).matches() ? text : "h" + hash(text, 16));
        }
        if (key.length() > 200) {
            String rule = String.valueOf(parts[0]);
            return rule + ":h" + hash(key.toString(), 32);
        }
        return key.toString();
    }

    static String hash(String text, int hexDigits) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, hexDigits);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }
}
