package io.planpilot.core.domain;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A stage of a pipeline.
 *
 * @param sort        orders the open stages of a pipeline (higher is further down the funnel)
 * @param semantic    the status of a deal that sits in this stage
 * @param probability the win probability the CRM configures for the stage (0..1), or null
 */
public record Stage(String connection, String pipeline, String id, String name, BigDecimal sort,
                    DealStatus semantic, BigDecimal probability) {
    public Stage {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(semantic, "semantic");
        name = name == null || name.isBlank() ? id : name;
    }
}
