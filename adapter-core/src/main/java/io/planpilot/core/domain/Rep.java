package io.planpilot.core.domain;

import java.util.Objects;

/** A CRM user who can own deals and activities. {@code active} is the CRM's own flag. */
public record Rep(String connection, String id, String name, String email, boolean active, String team) {
    public Rep {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(id, "id");
        name = name == null || name.isBlank() ? id : name;
    }
}
