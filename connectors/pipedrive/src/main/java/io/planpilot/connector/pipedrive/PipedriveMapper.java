package io.planpilot.connector.pipedrive;

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
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pipedrive's DTOs to the domain, by hand. MAPPING.md, the Pipedrive column, is the law here:
 * <ul>
 *   <li>deal {@code id}; pipeline {@code pipeline_id}; stage {@code stage_id}; status from {@code status}
 *       ({@code open}, {@code won}, {@code lost}); createdAt {@code add_time}; closedAt {@code won_time} /
 *       {@code lost_time}, else {@code close_time}; expected close {@code expected_close_date}; amount
 *       {@code value} in {@code currency}; crmProbability {@code probability}/100; owner {@code owner_id};</li>
 *   <li>stages: every Pipedrive stage is an open stage (won and lost are the deal's status, not a
 *       stage); sort {@code order_nr}; probability {@code deal_probability}/100;</li>
 *   <li>activities: {@code type} call CALL, meeting MEETING, email EMAIL, task/deadline TASK, else OTHER;
 *       owner {@code owner_id}; deal {@code deal_id}; createdAt {@code add_time}; due {@code due_date} +
 *       {@code due_time} (UTC; a date alone is the end of that day in the connection's zone); completedAt
 *       {@code marked_as_done_time} when {@code done} ({@code update_time} when Pipedrive has none);</li>
 *   <li>stage transitions: a deal entered its current stage at {@code stage_change_time} ({@code add_time}
 *       when it never moved); the deal's flow ({@code dealChange} entries of {@code stage_id}) gives the
 *       stages before. A transition's id is {@code <deal>/<stage>/<epoch second>}, so the same entry
 *       from the deal and from its flow is stored once.</li>
 * </ul>
 */
final class PipedriveMapper {

    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);
    private static final DateTimeFormatter V1_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm[:ss]", Locale.ROOT);
    private static final String TYPE = PipedriveConnectorFactory.TYPE;

    private final String connection;
    private final ZoneId zone;

    PipedriveMapper(String connection, ZoneId zone) {
        this.connection = connection;
        this.zone = zone;
    }

    // --- the catalog ---

    List<Pipeline> pipelines(List<PipedriveDtos.Pipeline> pipelines) {
        List<Pipeline> mapped = new ArrayList<>();
        for (PipedriveDtos.Pipeline pipeline : pipelines) {
            if (pipeline.id() != null) {
                mapped.add(new Pipeline(connection, pipeline.id().trim(), pipeline.name()));
            }
        }
        return mapped;
    }

    List<Stage> stages(List<PipedriveDtos.Stage> stages, String endpoint) {
        List<Stage> mapped = new ArrayList<>();
        for (int i = 0; i < stages.size(); i++) {
            PipedriveDtos.Stage stage = stages.get(i);
            if (stage.id() == null || stage.pipelineId() == null) {
                throw new CrmResponseException(TYPE, endpoint, "data[" + i + "]." + (stage.id() == null ? "id" : "pipeline_id"),
                        "missing", null);
            }
            BigDecimal probability = stage.dealProbability() == null ? null
                    : stage.dealProbability().divide(HUNDRED, MathContext.DECIMAL128).stripTrailingZeros();
            mapped.add(new Stage(connection, stage.pipelineId().trim(), stage.id().trim(), stage.name(),
                    stage.orderNr() == null ? BigDecimal.valueOf(i) : stage.orderNr(), DealStatus.OPEN, probability));
        }
        return mapped;
    }

    List<Rep> reps(List<PipedriveDtos.User> users) {
        List<Rep> reps = new ArrayList<>();
        for (PipedriveDtos.User user : users) {
            if (user.id() != null) {
                boolean active = !Boolean.FALSE.equals(user.activeFlag()) && !Boolean.TRUE.equals(user.isDeleted());
                reps.add(new Rep(connection, user.id().trim(), user.name(), PipedriveDtos.blankToNull(user.email()), active, null));
            }
        }
        return reps;
    }

    // --- deals ---

    Deal deal(PipedriveDtos.Deal dto, Map<String, PipedriveFields.Field> dimensionFields, String defaultCurrency,
              String endpoint, String path) {
        require(dto.id(), endpoint, path + ".id");
        require(dto.stageId(), endpoint, path + ".stage_id");
        require(dto.pipelineId(), endpoint, path + ".pipeline_id");
        if (dto.addTime() == null) {
            throw new CrmResponseException(TYPE, endpoint, path + ".add_time", "missing", null);
        }
        DealStatus status = status(dto.status(), endpoint, path + ".status");
        Instant closedAt = null;
        if (status == DealStatus.WON) {
            closedAt = first(dto.wonTime(), dto.closeTime(), dto.updateTime(), dto.addTime());
        } else if (status == DealStatus.LOST) {
            closedAt = first(dto.lostTime(), dto.closeTime(), dto.updateTime(), dto.addTime());
        }
        String currency = PipedriveDtos.blankToNull(dto.currency()) != null ? dto.currency().trim() : defaultCurrency;
        BigDecimal probability = dto.probability() == null ? null
                : dto.probability().divide(HUNDRED, MathContext.DECIMAL128).stripTrailingZeros();
        return new Deal(connection, dto.id().trim(), dto.title(), dto.pipelineId().trim(), dto.stageId().trim(), status,
                dto.value(), currency, PipedriveDtos.blankToNull(dto.ownerId()), dto.addTime().toInstant(), closedAt,
                date(dto.expectedCloseDate(), endpoint, path + ".expected_close_date"), dimensionValues(dto, dimensionFields),
                List.of(), probability, false, dto.updateTime() == null ? null : dto.updateTime().toInstant());
    }

    /**
     * A deal of {@code status=deleted}, flagged deleted. Its {@code status} may say {@code deleted}; then
     * {@code won_time}/{@code lost_time} tell how it stood.
     */
    Deal deletedDeal(PipedriveDtos.Deal dto, Map<String, PipedriveFields.Field> dimensionFields, String defaultCurrency,
                     String endpoint, String path) {
        String status = dto.status() == null ? "" : dto.status().trim().toLowerCase(Locale.ROOT);
        PipedriveDtos.Deal known = dto;
        if (!status.equals("open") && !status.equals("won") && !status.equals("lost")) {
            String stood = dto.wonTime() != null ? "won" : dto.lostTime() != null ? "lost" : "open";
            known = new PipedriveDtos.Deal(dto.id(), dto.title(), dto.ownerId(), dto.pipelineId(), dto.stageId(), dto.value(),
                    dto.currency(), dto.addTime(), dto.updateTime(), dto.stageChangeTime(), true, stood, dto.probability(),
                    dto.closeTime(), dto.wonTime(), dto.lostTime(), dto.expectedCloseDate(), dto.customFields(), dto.other());
        }
        return deal(known, dimensionFields, defaultCurrency, endpoint, path).markedDeleted();
    }

    /** Whether a deal's closing time was a stand-in (no {@code won_time}/{@code lost_time}/{@code close_time}). */
    static boolean closedWithoutTime(PipedriveDtos.Deal dto) {
        String status = dto.status() == null ? "" : dto.status().trim().toLowerCase(Locale.ROOT);
        return (status.equals("won") && dto.wonTime() == null && dto.closeTime() == null)
                || (status.equals("lost") && dto.lostTime() == null && dto.closeTime() == null);
    }

    static boolean deleted(PipedriveDtos.Deal dto) {
        return Boolean.TRUE.equals(dto.isDeleted()) || "deleted".equalsIgnoreCase(PipedriveDtos.blankToNull(dto.status()));
    }

    static DealStatus status(String status, String endpoint, String path) {
        String value = status == null ? "" : status.trim().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "open" -> DealStatus.OPEN;
            case "won" -> DealStatus.WON;
            case "lost" -> DealStatus.LOST;
            default -> throw new CrmResponseException(TYPE, endpoint, path, "expected \"open\", \"won\" or \"lost\", got "
                    + (status == null ? "nothing" : "\"" + status + "\""), null);
        };
    }

    /** The deal's values of the dimension fields: an option's label, a set's first label, a monetary field's amount. */
    static Map<String, String> dimensionValues(PipedriveDtos.Deal dto, Map<String, PipedriveFields.Field> fields) {
        Map<String, String> values = new HashMap<>();
        fields.forEach((dimension, field) -> {
            String value = scalar(rawValue(dto, field));
            if (value != null) {
                String label = field.options().get(value);
                values.put(dimension, label == null ? value : label);
            }
        });
        return values;
    }

    private static JsonNode rawValue(PipedriveDtos.Deal dto, PipedriveFields.Field field) {
        JsonNode custom = dto.customFields().get(field.key());
        if (custom != null || field.custom()) {
            return custom;
        }
        JsonNode other = dto.other().get(field.key());
        if (other != null) {
            return other;
        }
        String known = switch (field.key()) {
            case "title" -> dto.title();
            case "currency" -> dto.currency();
            case "pipeline_id" -> dto.pipelineId();
            case "stage_id" -> dto.stageId();
            case "owner_id", "user_id" -> dto.ownerId();
            case "status" -> dto.status();
            default -> null;
        };
        return known == null ? null : tools.jackson.databind.node.JsonNodeFactory.instance.stringNode(known);
    }

    /** A field's value as text: a list gives its first item, an object its {@code value} or {@code id}. */
    private static String scalar(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            for (JsonNode item : node) {
                String value = scalar(item);
                if (value != null) {
                    return value;
                }
            }
            return null;
        }
        if (node.isObject()) {
            JsonNode inner = node.has("value") ? node.get("value") : node.get("id");
            return inner == null || inner.isContainer() ? null : scalar(inner);
        }
        String text = node.isString() ? node.asString() : node.toString();
        return text.isBlank() ? null : text.trim();
    }

    // --- stage history ---

    /** The transition into the deal's current stage, known without its flow. */
    StageTransition currentStage(PipedriveDtos.Deal dto) {
        Instant at = dto.stageChangeTime() != null ? dto.stageChangeTime().toInstant() : dto.addTime().toInstant();
        return transition(dto.id().trim(), dto.stageId().trim(), at);
    }

    /**
     * The deal's path from its flow: the stage it was created in (the first change's old value) at
     * {@code add_time}, then each {@code stage_id} change's new value at its {@code log_time}.
     */
    List<StageTransition> path(PipedriveDtos.Deal dto, List<PipedriveDtos.FlowChange> changes, String endpoint) {
        List<PipedriveDtos.FlowChange> stageChanges = new ArrayList<>();
        for (PipedriveDtos.FlowChange change : changes) {
            if ("stage_id".equals(change.fieldKey()) && change.newValue() != null && change.logTime() != null) {
                stageChanges.add(change);
            }
        }
        List<StageTransition> transitions = new ArrayList<>();
        if (stageChanges.isEmpty()) {
            transitions.add(currentStage(dto));
            return transitions;
        }
        stageChanges.sort(Comparator.comparing(change -> v1Time(change.logTime(), endpoint, "log_time")));
        String deal = dto.id().trim();
        PipedriveDtos.FlowChange first = stageChanges.get(0);
        if (first.oldValue() != null && !first.oldValue().isBlank()) {
            transitions.add(transition(deal, first.oldValue().trim(), dto.addTime().toInstant()));
        }
        for (PipedriveDtos.FlowChange change : stageChanges) {
            transitions.add(transition(deal, change.newValue().trim(), v1Time(change.logTime(), endpoint, "log_time")));
        }
        return transitions;
    }

    StageTransition transition(String deal, String stage, Instant at) {
        return new StageTransition(connection, deal + "/" + stage + "/" + at.getEpochSecond(), deal, stage, at);
    }

    // --- activities ---

    Activity activity(PipedriveDtos.Activity dto, String endpoint, String path) {
        require(dto.id(), endpoint, path + ".id");
        if (dto.addTime() == null) {
            throw new CrmResponseException(TYPE, endpoint, path + ".add_time", "missing", null);
        }
        Instant completedAt = null;
        if (Boolean.TRUE.equals(dto.done())) {
            completedAt = first(dto.markedAsDoneTime(), dto.updateTime(), dto.addTime(), null);
        }
        return new Activity(connection, dto.id().trim(), activityType(dto.type()), PipedriveDtos.blankToNull(dto.ownerId()),
                PipedriveDtos.blankToNull(dto.dealId()), dto.addTime().toInstant(),
                due(dto.dueDate(), dto.dueTime(), endpoint, path), completedAt, Boolean.TRUE.equals(dto.isDeleted()));
    }

    /** {@code type} key: call CALL, meeting MEETING, email EMAIL, task and deadline TASK, else OTHER. */
    static ActivityType activityType(String type) {
        return switch (type == null ? "" : type.trim().toLowerCase(Locale.ROOT)) {
            case "call" -> ActivityType.CALL;
            case "meeting" -> ActivityType.MEETING;
            case "email" -> ActivityType.EMAIL;
            case "task", "deadline" -> ActivityType.TASK;
            default -> ActivityType.OTHER;
        };
    }

    /** {@code due_date} with {@code due_time} in UTC; a date alone is the last microsecond of that day in the zone. */
    Instant due(String dueDate, String dueTime, String endpoint, String path) {
        LocalDate date = date(dueDate, endpoint, path + ".due_date");
        if (date == null) {
            return null;
        }
        String time = PipedriveDtos.blankToNull(dueTime);
        if (time == null) {
            return date.plusDays(1).atStartOfDay(zone).toInstant().minusNanos(1_000);
        }
        try {
            return LocalDateTime.of(date, LocalTime.parse(time.length() == 5 ? time + ":00" : time)).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new CrmResponseException(TYPE, endpoint, path + ".due_time", "expected HH:MM, got \"" + time + "\"", e);
        }
    }

    // --- helpers ---

    /** A v1 time, {@code YYYY-MM-DD HH:MM:SS} in UTC. */
    static Instant v1Time(String text, String endpoint, String field) {
        try {
            return LocalDateTime.parse(text.trim(), V1_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new CrmResponseException(TYPE, endpoint, field, "expected a time as YYYY-MM-DD HH:MM:SS, got "
                    + (text == null ? "nothing" : "\"" + text + "\""), e);
        }
    }

    static LocalDate date(String text, String endpoint, String path) {
        String value = PipedriveDtos.blankToNull(text);
        if (value == null) {
            return null;
        }
        try {
            return LocalDate.parse(value.length() > 10 ? value.substring(0, 10) : value);
        } catch (DateTimeParseException e) {
            throw new CrmResponseException(TYPE, endpoint, path, "expected a date as YYYY-MM-DD, got \"" + value + "\"", e);
        }
    }

    private static Instant first(OffsetDateTime a, OffsetDateTime b, OffsetDateTime c, OffsetDateTime d) {
        for (OffsetDateTime time : new OffsetDateTime[]{a, b, c, d}) {
            if (time != null) {
                return time.toInstant();
            }
        }
        return null;
    }

    private static void require(String value, String endpoint, String path) {
        if (value == null || value.isBlank()) {
            throw new CrmResponseException(TYPE, endpoint, path, "missing", null);
        }
    }
}
