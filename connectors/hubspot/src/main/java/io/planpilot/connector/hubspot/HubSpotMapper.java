package io.planpilot.connector.hubspot;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HubSpot's objects to the domain, by hand (every value is a string to be read with care).
 * MAPPING.md, the HubSpot column, is the law here:
 * <ul>
 *   <li>pipeline {@code pipeline}; stage {@code dealstage}, whose {@code metadata.isClosed} and
 *       {@code metadata.probability} give OPEN, WON (closed, probability 1) or LOST (closed, below 1);</li>
 *   <li>createdAt {@code createdate} (else the object's {@code createdAt}); closedAt when the deal entered
 *       the closed stage it is in ({@code hs_date_entered_<stageId>}, else the {@code dealstage} history),
 *       else {@code closedate}; expected close {@code closedate}; amount {@code amount} in
 *       {@code deal_currency_code}, else the account's company currency; owner {@code hubspot_owner_id}
 *       (an owner's {@code id}, not its {@code userId});</li>
 *   <li>stage history: every {@code hs_date_entered_<stageId>} a deal has is a transition into that stage
 *       (HubSpot keeps the latest entry per stage);</li>
 *   <li>activities: calls CALL, meetings MEETING, emails EMAIL, tasks TASK; owner {@code hubspot_owner_id};
 *       createdAt {@code hs_createdate}; a task is due at {@code hs_timestamp} and done at
 *       {@code hs_task_completion_date} when {@code hs_task_status} is COMPLETED; a call is done at
 *       {@code hs_timestamp} when {@code hs_call_status} is COMPLETED; a meeting at
 *       {@code hs_meeting_end_time} (else {@code hs_timestamp}) when {@code hs_meeting_outcome} is
 *       COMPLETED; an e-mail at {@code hs_timestamp}.</li>
 * </ul>
 * Times come as ISO-8601 ({@code 2026-11-03T10:15:00.000Z}), millisecond epochs ({@code 1762164900000})
 * or dates ({@code 2026-11-03}, the start of that day in the connection's zone); an empty string is no value.
 * A value that is none of these fails the read naming its field.
 */
final class HubSpotMapper {

    static final String ENTERED_PREFIX = "hs_date_entered_";
    static final List<String> DEAL_PROPERTIES = List.of("dealname", "amount", "dealstage", "pipeline", "closedate",
            "createdate", "hs_lastmodifieddate", "hubspot_owner_id", "deal_currency_code", "hs_object_id");

    private final String connection;
    private final Map<String, String> dimensions;
    private final ZoneId zone;

    HubSpotMapper(String connection, Map<String, String> dimensions, ZoneId zone) {
        this.connection = connection;
        this.dimensions = Map.copyOf(dimensions);
        this.zone = zone;
    }

    // --- the catalog ---

    List<Pipeline> pipelines(List<HubSpotDtos.PipelineDto> pipelines) {
        List<Pipeline> mapped = new ArrayList<>();
        for (HubSpotDtos.PipelineDto pipeline : pipelines) {
            if (pipeline.id() != null) {
                mapped.add(new Pipeline(connection, pipeline.id(), pipeline.label()));
            }
        }
        return mapped;
    }

    List<Stage> stages(List<HubSpotDtos.PipelineDto> pipelines, String endpoint) {
        List<Stage> stages = new ArrayList<>();
        for (int p = 0; p < pipelines.size(); p++) {
            HubSpotDtos.PipelineDto pipeline = pipelines.get(p);
            List<HubSpotDtos.StageDto> list = pipeline.stages() == null ? List.of() : pipeline.stages();
            for (int s = 0; s < list.size(); s++) {
                HubSpotDtos.StageDto stage = list.get(s);
                String path = "results[" + p + "].stages[" + s + "].metadata";
                Map<String, String> metadata = stage.metadata() == null ? Map.of() : stage.metadata();
                BigDecimal probability = decimal(metadata.get("probability"), endpoint, path + ".probability");
                boolean closed = "true".equalsIgnoreCase(trim(metadata.get("isClosed")));
                DealStatus semantic = !closed ? DealStatus.OPEN
                        : probability != null && probability.compareTo(BigDecimal.ONE) >= 0 ? DealStatus.WON : DealStatus.LOST;
                stages.add(new Stage(connection, pipeline.id(), stage.id(), stage.label(),
                        BigDecimal.valueOf(stage.displayOrder() == null ? s : stage.displayOrder()), semantic, probability));
            }
        }
        return stages;
    }

    List<Rep> reps(List<HubSpotDtos.Owner> owners) {
        List<Rep> reps = new ArrayList<>();
        for (HubSpotDtos.Owner owner : owners) {
            if (owner.id() == null) {
                continue;
            }
            String name = ((owner.firstName() == null ? "" : owner.firstName().trim()) + " "
                    + (owner.lastName() == null ? "" : owner.lastName().trim())).trim();
            String team = null;
            if (owner.teams() != null && !owner.teams().isEmpty()) {
                team = owner.teams().stream().filter(t -> Boolean.TRUE.equals(t.primary())).findFirst()
                        .orElse(owner.teams().get(0)).name();
            }
            reps.add(new Rep(connection, owner.id(), name.isEmpty() ? trim(owner.email()) : name, trim(owner.email()),
                    !Boolean.TRUE.equals(owner.archived()), team));
        }
        return reps;
    }

    // --- deals ---

    /** What a deal needs besides itself: the stages by id and the account's currency. */
    record DealContext(Map<String, Stage> stages, String companyCurrency) {
    }

    /** A mapped deal with the transitions its {@code hs_date_entered_*} properties tell, and a warning if a stand-in was used. */
    record MappedDeal(Deal deal, List<StageTransition> transitions, String warning) {
    }

    MappedDeal deal(HubSpotDtos.CrmObject dto, DealContext context, String endpoint, String path) {
        if (dto.id() == null || dto.id().isBlank()) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, path + ".id", "missing", null);
        }
        Map<String, String> p = dto.properties() == null ? Map.of() : dto.properties();
        String props = path + ".properties";
        String stageId = trim(p.get("dealstage"));
        if (stageId == null) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, props + ".dealstage", "missing", null);
        }
        Stage stage = context.stages().get(stageId);
        String pipeline = trim(p.get("pipeline"));
        if (pipeline == null) {
            pipeline = stage != null ? stage.pipeline() : "default";
        }
        String warning = null;
        DealStatus status;
        if (stage == null) {
            status = DealStatus.OPEN;
            warning = "deal " + dto.id() + " is in stage " + stageId + ", which no pipeline lists; counted as open";
        } else {
            status = stage.semantic();
        }
        Instant createdAt = time(p.get("createdate"), endpoint, props + ".createdate");
        if (createdAt == null) {
            createdAt = time(dto.createdAt(), endpoint, path + ".createdAt");
        }
        if (createdAt == null) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, props + ".createdate", "missing", null);
        }
        Instant updatedAt = time(p.get("hs_lastmodifieddate"), endpoint, props + ".hs_lastmodifieddate");
        if (updatedAt == null) {
            updatedAt = time(dto.updatedAt(), endpoint, path + ".updatedAt");
        }
        List<StageTransition> transitions = new ArrayList<>();
        for (Map.Entry<String, String> entry : p.entrySet()) {
            if (entry.getKey().startsWith(ENTERED_PREFIX)) {
                Instant entered = time(entry.getValue(), endpoint, props + "." + entry.getKey());
                if (entered != null) {
                    String entryStage = entry.getKey().substring(ENTERED_PREFIX.length());
                    transitions.add(new StageTransition(connection, dto.id() + "/" + entryStage, dto.id(), entryStage, entered));
                }
            }
        }
        transitions.sort(Comparator.comparing(StageTransition::enteredAt).thenComparing(StageTransition::stage));
        Instant closeDate = time(p.get("closedate"), endpoint, props + ".closedate");
        Instant closedAt = null;
        if (status.isClosed()) {
            closedAt = time(p.get(ENTERED_PREFIX + stageId), endpoint, props + "." + ENTERED_PREFIX + stageId);
            if (closedAt == null) {
                closedAt = enteredFromHistory(dto, stageId, endpoint, path);
            }
            if (closedAt == null) {
                closedAt = closeDate;
            }
            if (closedAt == null) {
                closedAt = updatedAt != null ? updatedAt : createdAt;
                warning = "deal " + dto.id() + " is closed but neither hs_date_entered_" + stageId
                        + " nor closedate says when; closedAt is its last modification";
            }
        }
        String currency = trim(p.get("deal_currency_code"));
        Map<String, String> values = new HashMap<>();
        dimensions.forEach((dimension, field) -> {
            String value = trim(p.get(field));
            if (value != null) {
                values.put(dimension, value);
            }
        });
        Deal deal = new Deal(connection, dto.id().trim(), trim(p.get("dealname")), pipeline, stageId, status,
                decimal(p.get("amount"), endpoint, props + ".amount"), currency != null ? currency : context.companyCurrency(),
                trim(p.get("hubspot_owner_id")), createdAt, closedAt,
                closeDate == null ? null : LocalDate.ofInstant(closeDate, zone), values, List.of(), null,
                Boolean.TRUE.equals(dto.archived()), updatedAt);
        return new MappedDeal(deal, transitions, warning);
    }

    /** When the deal last entered {@code stageId}, from its {@code dealstage} history, if it was asked for. */
    private Instant enteredFromHistory(HubSpotDtos.CrmObject dto, String stageId, String endpoint, String path) {
        if (dto.propertiesWithHistory() == null || dto.propertiesWithHistory().get("dealstage") == null) {
            return null;
        }
        Instant latest = null;
        List<HubSpotDtos.PropertyVersion> versions = dto.propertiesWithHistory().get("dealstage");
        for (int i = 0; i < versions.size(); i++) {
            HubSpotDtos.PropertyVersion version = versions.get(i);
            if (stageId.equals(trim(version.value()))) {
                Instant at = time(version.timestamp(), endpoint, path + ".propertiesWithHistory.dealstage[" + i + "].timestamp");
                if (at != null && (latest == null || at.isAfter(latest))) {
                    latest = at;
                }
            }
        }
        return latest;
    }

    // --- activities ---

    /** An activity object of HubSpot: its path name, the domain type and the properties to ask for. */
    enum ActivityKind {
        CALLS("calls", ActivityType.CALL, List.of("hs_timestamp", "hs_call_status")),
        MEETINGS("meetings", ActivityType.MEETING, List.of("hs_timestamp", "hs_meeting_end_time", "hs_meeting_outcome")),
        EMAILS("emails", ActivityType.EMAIL, List.of("hs_timestamp")),
        TASKS("tasks", ActivityType.TASK, List.of("hs_timestamp", "hs_task_status", "hs_task_completion_date"));

        final String path;
        final ActivityType type;
        final List<String> properties;

        ActivityKind(String path, ActivityType type, List<String> own) {
            this.path = path;
            this.type = type;
            List<String> all = new ArrayList<>(List.of("hubspot_owner_id", "hs_createdate", "hs_lastmodifieddate"));
            all.addAll(own);
            this.properties = List.copyOf(all);
        }
    }

    Activity activity(ActivityKind kind, HubSpotDtos.CrmObject dto, String dealId, String endpoint, String path) {
        if (dto.id() == null || dto.id().isBlank()) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, path + ".id", "missing", null);
        }
        Map<String, String> p = dto.properties() == null ? Map.of() : dto.properties();
        String props = path + ".properties";
        Instant createdAt = time(p.get("hs_createdate"), endpoint, props + ".hs_createdate");
        if (createdAt == null) {
            createdAt = time(dto.createdAt(), endpoint, path + ".createdAt");
        }
        if (createdAt == null) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, props + ".hs_createdate", "missing", null);
        }
        Instant timestamp = time(p.get("hs_timestamp"), endpoint, props + ".hs_timestamp");
        Instant dueAt = null;
        Instant completedAt = switch (kind) {
            case CALLS -> "COMPLETED".equalsIgnoreCase(trim(p.get("hs_call_status"))) ? timestamp : null;
            case MEETINGS -> {
                if (!"COMPLETED".equalsIgnoreCase(trim(p.get("hs_meeting_outcome")))) {
                    yield null;
                }
                Instant end = time(p.get("hs_meeting_end_time"), endpoint, props + ".hs_meeting_end_time");
                yield end != null ? end : timestamp;
            }
            case EMAILS -> timestamp != null ? timestamp : createdAt;
            case TASKS -> {
                dueAt = timestamp;
                if (!"COMPLETED".equalsIgnoreCase(trim(p.get("hs_task_status")))) {
                    yield null;
                }
                Instant done = time(p.get("hs_task_completion_date"), endpoint, props + ".hs_task_completion_date");
                yield done != null ? done : time(p.get("hs_lastmodifieddate"), endpoint, props + ".hs_lastmodifieddate");
            }
        };
        return new Activity(connection, dto.id().trim(), kind.type, trim(p.get("hubspot_owner_id")), dealId, createdAt, dueAt,
                completedAt, Boolean.TRUE.equals(dto.archived()));
    }

    // --- values ---

    /** An ISO instant, a local date-time or date (in the connection's zone), or epoch milliseconds; null when empty. */
    Instant time(String value, String endpoint, String path) {
        String text = trim(value);
        if (text == null) {
            return null;
        }
        try {
            if (text.matches("-?\\d{1,15}")) {
                return Instant.ofEpochMilli(Long.parseLong(text));
            }
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(zone).toInstant();
            }
            if (text.endsWith("Z") || text.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(text).toInstant();
            }
            return LocalDateTime.parse(text).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, path,
                    "expected a date-time (ISO-8601 or epoch milliseconds), got \"" + shown(text) + "\"", e);
        }
    }

    static BigDecimal decimal(String value, String endpoint, String path) {
        String text = trim(value);
        if (text == null) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new CrmResponseException(HubSpotConnectorFactory.TYPE, endpoint, path,
                    "expected a number, got \"" + shown(text) + "\"", e);
        }
    }

    private static String shown(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }

    static String trim(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

}
