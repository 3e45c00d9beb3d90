package io.planpilot.connector.amocrm;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * amoCRM's DTOs to the domain, by hand. MAPPING.md, the amoCRM column, is the law here:
 * <ul>
 *   <li>deal: lead {@code id}, pipeline {@code pipeline_id}, stage {@code status_id} (142 won and 143 lost
 *       in every pipeline, every other status open), amount {@code price} in the account's currency,
 *       owner {@code responsible_user_id}, createdAt {@code created_at}, closedAt {@code closed_at} (unix
 *       seconds; a closed lead without it falls back to {@code updated_at}), no expected close date and no
 *       probability; {@code is_deleted} marks it deleted; dimensions from {@code custom_fields_values};</li>
 *   <li>stage history: {@code lead_status_changed} events, the status in {@code value_after[0].lead_status.id};</li>
 *   <li>activities: tasks ({@code task_type_id} 1 CALL, 2 MEETING, else TASK; due {@code complete_till};
 *       completedAt {@code updated_at} when {@code is_completed}, a stand-in: amoCRM keeps no completion
 *       time) with ids {@code task:<id>}; call notes ({@code call_in}/{@code call_out}, CALL, done when
 *       made) with ids {@code note:<id>}, owner {@code responsible_user_id}, else {@code created_by}.</li>
 * </ul>
 */
final class AmoCrmMapper {

    static final long WON = 142;
    static final long LOST = 143;
    static final String TASK_PREFIX = "task:";
    static final String NOTE_PREFIX = "note:";

    private final String connection;
    private final Map<String, String> dimensions;

    /** @param dimensions dimension key to the custom field that feeds it: its id, code or name */
    AmoCrmMapper(String connection, Map<String, String> dimensions) {
        this.connection = connection;
        this.dimensions = Map.copyOf(dimensions);
    }

    static DealStatus status(long statusId) {
        return statusId == WON ? DealStatus.WON : statusId == LOST ? DealStatus.LOST : DealStatus.OPEN;
    }

    // --- the catalog ---

    List<Pipeline> pipelines(List<AmoCrmDtos.Pipeline> pipelines) {
        List<Pipeline> result = new ArrayList<>();
        for (AmoCrmDtos.Pipeline pipeline : pipelines) {
            if (pipeline.id() != null) {
                result.add(new Pipeline(connection, String.valueOf(pipeline.id()), pipeline.name()));
            }
        }
        return result;
    }

    /** The statuses of every pipeline; {@code endpoint} names a status without an id. */
    List<Stage> stages(List<AmoCrmDtos.Pipeline> pipelines, String endpoint) {
        List<Stage> stages = new ArrayList<>();
        for (int p = 0; p < pipelines.size(); p++) {
            AmoCrmDtos.Pipeline pipeline = pipelines.get(p);
            if (pipeline.id() == null || pipeline.embedded() == null || pipeline.embedded().statuses() == null) {
                continue;
            }
            List<AmoCrmDtos.Status> statuses = pipeline.embedded().statuses();
            for (int s = 0; s < statuses.size(); s++) {
                AmoCrmDtos.Status status = statuses.get(s);
                if (status.id() == null) {
                    throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, endpoint,
                            "_embedded.pipelines[" + p + "]._embedded.statuses[" + s + "].id", "missing", null);
                }
                stages.add(new Stage(connection, String.valueOf(pipeline.id()), String.valueOf(status.id()), status.name(),
                        BigDecimal.valueOf(status.sort() == null ? s : status.sort()), status(status.id()), null));
            }
        }
        return stages;
    }

    List<Rep> reps(List<AmoCrmDtos.User> users) {
        List<Rep> reps = new ArrayList<>();
        for (AmoCrmDtos.User user : users) {
            if (user.id() == null) {
                continue;
            }
            boolean active = user.rights() == null || user.rights().isActive() == null || user.rights().isActive();
            reps.add(new Rep(connection, String.valueOf(user.id()), blankToNull(user.name()), blankToNull(user.email()), active,
                    null));
        }
        return reps;
    }

    // --- deals ---

    /** A lead as a deal in {@code currency} (the account's); {@code path} names its place in the answer. */
    Deal deal(AmoCrmDtos.Lead lead, String currency, String endpoint, String path) {
        if (lead.id() == null) {
            throw missing(endpoint, path + ".id");
        }
        if (lead.statusId() == null) {
            throw missing(endpoint, path + ".status_id");
        }
        if (lead.pipelineId() == null) {
            throw missing(endpoint, path + ".pipeline_id");
        }
        if (lead.createdAt() == null) {
            throw missing(endpoint, path + ".created_at");
        }
        DealStatus status = status(lead.statusId());
        Instant updated = instant(lead.updatedAt());
        Instant closedAt = null;
        if (status.isClosed()) {
            closedAt = lead.closedAt() != null && lead.closedAt() > 0 ? instant(lead.closedAt())
                    : updated != null ? updated : instant(lead.createdAt());
        }
        Deal deal = new Deal(connection, String.valueOf(lead.id()), lead.name(), String.valueOf(lead.pipelineId()),
                String.valueOf(lead.statusId()), status, lead.price(), currency,
                lead.responsibleUserId() == null || lead.responsibleUserId() == 0 ? null : String.valueOf(lead.responsibleUserId()),
                instant(lead.createdAt()), closedAt, null, dimensionValues(lead), List.of(), null, false, updated);
        return Boolean.TRUE.equals(lead.isDeleted()) ? deal.markedDeleted() : deal;
    }

    /** Whether a closed lead lacks {@code closed_at} (its closedAt is then a stand-in). */
    static boolean closedWithoutTime(AmoCrmDtos.Lead lead) {
        return lead.statusId() != null && status(lead.statusId()).isClosed()
                && (lead.closedAt() == null || lead.closedAt() <= 0);
    }

    /** The lead's values of the configured dimension fields (matched by field id, code or name); a list gives its first value. */
    Map<String, String> dimensionValues(AmoCrmDtos.Lead lead) {
        Map<String, String> values = new HashMap<>();
        if (lead.customFieldsValues() == null) {
            return values;
        }
        dimensions.forEach((dimension, field) -> find(lead.customFieldsValues(), field).flatMap(AmoCrmMapper::firstValue)
                .ifPresent(value -> values.put(dimension, value)));
        return values;
    }

    private static Optional<AmoCrmDtos.CustomFieldValues> find(List<AmoCrmDtos.CustomFieldValues> fields, String wanted) {
        String key = wanted.trim();
        return fields.stream().filter(f -> (f.fieldId() != null && String.valueOf(f.fieldId()).equals(key))
                || (f.fieldCode() != null && f.fieldCode().equalsIgnoreCase(key))
                || (f.fieldName() != null && f.fieldName().trim().equalsIgnoreCase(key))).findFirst();
    }

    private static Optional<String> firstValue(AmoCrmDtos.CustomFieldValues field) {
        if (field.values() == null) {
            return Optional.empty();
        }
        return field.values().stream().map(AmoCrmDtos.FieldValue::value).filter(v -> v != null && !v.isNull())
                .map(v -> v.isString() ? v.asString().strip() : v.toString()).filter(v -> !v.isEmpty()).findFirst();
    }

    /** A {@code lead_status_changed} event as the lead entering its new status; null for any other event. */
    StageTransition transition(AmoCrmDtos.Event event, String endpoint, String path) {
        if (!"lead_status_changed".equals(event.type())) {
            return null;
        }
        if (event.id() == null || event.id().isBlank()) {
            throw missing(endpoint, path + ".id");
        }
        if (event.entityId() == null) {
            throw missing(endpoint, path + ".entity_id");
        }
        if (event.createdAt() == null) {
            throw missing(endpoint, path + ".created_at");
        }
        JsonNode status = event.valueAfter() == null ? null : event.valueAfter().path(0).path("lead_status").get("id");
        if (status == null || !status.canConvertToLong()) {
            throw new CrmResponseException(AmoCrmConnectorFactory.TYPE, endpoint, path + ".value_after[0].lead_status.id",
                    "expected a status id, got " + status, null);
        }
        return new StageTransition(connection, event.id(), String.valueOf(event.entityId()), String.valueOf(status.asLong()),
                instant(event.createdAt()));
    }

    // --- activities ---

    Activity task(AmoCrmDtos.Task task, String endpoint, String path) {
        if (task.id() == null) {
            throw missing(endpoint, path + ".id");
        }
        if (task.createdAt() == null) {
            throw missing(endpoint, path + ".created_at");
        }
        ActivityType type = task.taskTypeId() == null ? ActivityType.TASK
                : task.taskTypeId() == 1 ? ActivityType.CALL : task.taskTypeId() == 2 ? ActivityType.MEETING : ActivityType.TASK;
        boolean done = Boolean.TRUE.equals(task.isCompleted());
        String deal = "leads".equals(task.entityType()) && task.entityId() != null ? String.valueOf(task.entityId()) : null;
        return new Activity(connection, TASK_PREFIX + task.id(), type, id(task.responsibleUserId()), deal,
                instant(task.createdAt()), instant(task.completeTill()),
                done ? instant(task.updatedAt() != null ? task.updatedAt() : task.createdAt()) : null, false);
    }

    Activity callNote(AmoCrmDtos.Note note, String endpoint, String path) {
        if (note.id() == null) {
            throw missing(endpoint, path + ".id");
        }
        if (note.createdAt() == null) {
            throw missing(endpoint, path + ".created_at");
        }
        String owner = id(note.responsibleUserId()) != null ? id(note.responsibleUserId()) : id(note.createdBy());
        Instant made = instant(note.createdAt());
        return new Activity(connection, NOTE_PREFIX + note.id(), ActivityType.CALL, owner,
                note.entityId() == null ? null : String.valueOf(note.entityId()), made, null, made, false);
    }

    static boolean isCall(String noteType) {
        return noteType != null && (noteType.toLowerCase(Locale.ROOT).equals("call_in")
                || noteType.toLowerCase(Locale.ROOT).equals("call_out"));
    }

    private static String id(Long id) {
        return id == null || id == 0 ? null : String.valueOf(id);
    }

    static Instant instant(Long seconds) {
        return seconds == null ? null : Instant.ofEpochSecond(seconds);
    }

    private static CrmResponseException missing(String endpoint, String path) {
        return new CrmResponseException(AmoCrmConnectorFactory.TYPE, endpoint, path, "missing", null);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
