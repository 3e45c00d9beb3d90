package io.planpilot.core.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The axes a plan and a breakdown are cut along. */
public enum Dimension {
    DEPARTMENT, REGION, SEGMENT, PRODUCT, REP, PIPELINE;

    /** The key a deal has under a dimension when the CRM gives it no value. */
    public static final String NONE = "(none)";

    /** The lower-case name used in configuration, plan files and the API. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Dimension> fromKey(String key) {
        return Arrays.stream(values()).filter(d -> d.key().equals(key)).findFirst();
    }
}
