package io.planpilot.core.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Who besides the reps receives what rules propose; each has one CRM user per connection (rules.yml {@code recipients}). */
public enum Role {
    HEAD, MARKETING, PRODUCTION, LOGISTICS, ACCOUNTING;

    /** The name in rules.yml. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> fromKey(String key) {
        return Arrays.stream(values()).filter(r -> r.key().equals(key)).findFirst();
    }
}
