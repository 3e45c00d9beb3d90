package io.planpilot.app.webhook;

/**
 * Text as PostgreSQL can keep it: {@code text} and {@code jsonb} take no NUL character, and JSON
 * takes no lone UTF-16 surrogate.
 */
public final class Texts {

    /** Errors and URLs are kept up to this many characters. */
    static final int MAX_LENGTH = 2000;

    private Texts() {
    }

    /** The text with NUL characters and lone surrogates replaced, cut to {@link #MAX_LENGTH}; null stays null. */
    public static String storable(String text) {
        if (text == null) {
            return null;
        }
        String clean = isStorable(text) ? text : clean(text);
        if (clean.length() <= MAX_LENGTH) {
            return clean;
        }
        int cut = Character.isHighSurrogate(clean.charAt(MAX_LENGTH - 2)) ? MAX_LENGTH - 2 : MAX_LENGTH - 1;
        return clean.substring(0, cut) + "…";
    }

    /** Whether PostgreSQL can keep the text unchanged. */
    static boolean isStorable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return false;
            }
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else {
                    return false;
                }
            }
        }
        return true;
    }

    private static String clean(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(c == '\u0000' || Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
    }
}
