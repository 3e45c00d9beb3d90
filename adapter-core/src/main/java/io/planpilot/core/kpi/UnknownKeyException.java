package io.planpilot.core.kpi;

/** A connection, pipeline or other key that does not exist; the API answers 404. */
public class UnknownKeyException extends IllegalArgumentException {
    private final String what;
    private final String key;

    public UnknownKeyException(String what, String key) {
        super("unknown " + what + " '" + key + "'");
        this.what = what;
        this.key = key;
    }

    public String what() {
        return what;
    }

    public String key() {
        return key;
    }
}
