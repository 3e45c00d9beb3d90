package io.planpilot.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A call, meeting, e-mail, task or other activity. It belongs to its own responsible user
 * ({@code owner}), not to the deal's owner.
 *
 * @param deal        the deal it is linked to, or null
 * @param dueAt       when it is due, or null; a due date without a time is the end of that local day
 *                    (its last microsecond), as KPI.md says
 * @param completedAt when it was done, or null while not done
 */
public record Activity(String connection, String id, ActivityType type, String owner, String deal,
                       Instant createdAt, Instant dueAt, Instant completedAt, boolean deleted) {
    public Activity {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
