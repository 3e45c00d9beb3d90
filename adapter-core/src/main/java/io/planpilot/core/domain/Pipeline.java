package io.planpilot.core.domain;

import java.util.Objects;

/** A sales pipeline (funnel) of a connection. */
public record Pipeline(String connection, String id, String name) {
    public Pipeline {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(id, "id");
        name = name == null || name.isBlank() ? id : name;
    }
}
