package io.planpilot.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A deal entering a stage.
 *
 * @param id the CRM's id of the history entry, or a key derived from deal, stage and time where it has none
 */
public record StageTransition(String connection, String id, String deal, String stage, Instant enteredAt) {
    public StageTransition {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(deal, "deal");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(enteredAt, "enteredAt");
    }
}
