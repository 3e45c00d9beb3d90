package io.planpilot.connector.bitrix24;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import io.planpilot.core.kpi.CrmCurrencies;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bitrix24's DTOs to the domain, by hand (the mapping is narrow and needs the portal's catalog).
 * MAPPING.md, the Bitrix24 column, is the law here:
 * <ul>
 *   <li>pipeline {@code CATEGORY_ID} (0 = the general pipeline); stage {@code STAGE_ID} (stages of other
 *       pipelines are prefixed {@code C{id}:}); status from the stage's {@code SEMANTICS} (null or empty
 *       OPEN, {@code S} WON, {@code F} LOST), else the deal's {@code STAGE_SEMANTIC_ID} (P/S/F);</li>
 *   <li>createdAt {@code DATE_CREATE}; closedAt the stage-history entry that moved the deal into the won or
 *       lost stage it is in now, else {@code MOVED_TIME} (never {@code CLOSEDATE}); expected close
 *       {@code CLOSEDATE} (its date as written); amount {@code OPPORTUNITY} in {@code CURRENCY_ID};
 *       crmProbability {@code PROBABILITY}/100; owner {@code ASSIGNED_BY_ID}; lines {@code PRICE × QUANTITY}
 *       per product row;</li>
 *   <li>activities: {@code TYPE_ID} 1 MEETING, 2 CALL, 3 TASK, 4 EMAIL, 6 with {@code PROVIDER_ID}
 *       {@code CRM_TODO} TASK, else OTHER; owner {@code RESPONSIBLE_ID}; deal {@code OWNER_ID} when
 *       {@code OWNER_TYPE_ID} is 2; createdAt {@code CREATED}; due {@code DEADLINE}; completedAt
 *       {@code END_TIME} when {@code COMPLETED} is {@code Y} (a stand-in: Bitrix24 keeps no completion time;
 *       {@code LAST_UPDATED} when there is no {@code END_TIME}).</li>
 * </ul>
 */
final class Bitrix24Mapper {

    /** The general pipeline's id, which {@code crm.category.list} may leave out. */
    static final String DEFAULT_PIPELINE = "0";
    static final String DEAL_OWNER_TYPE = "2";
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final String connection;
    private final Map<String, String> dimensions;

    /** @param dimensions dimension key to the deal field that feeds it ({@code region -> UF_CRM_REGION}) */
    Bitrix24Mapper(String connection, Map<String, String> dimensions) {
        this.connection = connection;
        this.dimensions = Map.copyOf(dimensions);
    }

    // --- the catalog ---

    List<Pipeline> pipelines(List<Bitrix24Dtos.Category> categories) {
        Map<String, Pipeline> pipelines = new LinkedHashMap<>();
        for (Bitrix24Dtos.Category category : categories) {
            if (category.id() != null) {
                pipelines.put(category.id(), new Pipeline(connection, category.id(), category.name()));
            }
        }
        pipelines.putIfAbsent(DEFAULT_PIPELINE, new Pipeline(connection, DEFAULT_PIPELINE, null));
        return List.copyOf(pipelines.values());
    }

    /** The {@code crm.status.list} entity of a pipeline's stages: {@code DEAL_STAGE}, or {@code DEAL_STAGE_{id}}. */
    static String stageEntity(String pipeline) {
        return DEFAULT_PIPELINE.equals(pipeline) ? "DEAL_STAGE" : "DEAL_STAGE_" + pipeline;
    }

    /** The stages of {@code pipeline}; {@code endpoint} and {@code path} name a bad {@code SEMANTICS}. */
    List<Stage> stages(String pipeline, List<Bitrix24Dtos.Status> statuses, String endpoint, String path) {
        List<Stage> stages = new ArrayList<>();
        for (int i = 0; i < statuses.size(); i++) {
            Bitrix24Dtos.Status status = statuses.get(i);
            stages.add(new Stage(connection, pipeline, status.statusId(), status.name(),
                    status.sort() == null ? BigDecimal.valueOf(i) : status.sort(),
                    semantics(status.semantics(), endpoint, path + "[" + i + "].SEMANTICS"), null));
        }
        return stages;
    }

    /** {@code SEMANTICS}: null or empty (in progress) OPEN, {@code S} WON, {@code F} LOST. */
    static DealStatus semantics(String semantics, String endpoint, String path) {
        if (semantics == null || semantics.isBlank() || semantics.equalsIgnoreCase("P")) {
            return DealStatus.OPEN;
        }
        return switch (semantics.trim().toUpperCase(Locale.ROOT)) {
            case "S" -> DealStatus.WON;
            case "F" -> DealStatus.LOST;
            default -> throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path,
                    "expected null, \"S\" or \"F\", got \"" + semantics + "\"", null);
        };
    }

    List<Rep> reps(List<Bitrix24Dtos.User> users) {
        List<Rep> reps = new ArrayList<>();
        for (Bitrix24Dtos.User user : users) {
            String name = ((user.name() == null ? "" : user.name().trim()) + " "
                    + (user.lastName() == null ? "" : user.lastName().trim())).trim();
            reps.add(new Rep(connection, user.id(), name.isEmpty() ? null : name, blankToNull(user.email()),
                    flag(user.active(), true), user.departments() == null || user.departments().isEmpty() ? null
                    : user.departments().get(0)));
        }
        return reps;
    }

    /**
     * The portal's currencies: {@code AMOUNT} units of the base currency for {@code AMOUNT_CNT} units of
     * each; null when the portal names no base currency.
     */
    static CrmCurrencies currencies(List<Bitrix24Dtos.Currency> currencies) {
        String base = null;
        Map<String, BigDecimal> rates = new TreeMap<>();
        for (Bitrix24Dtos.Currency currency : currencies) {
            if (currency.currency() == null || currency.currency().isBlank()) {
                continue;
            }
            if (flag(currency.base(), false)) {
                base = currency.currency();
                rates.put(currency.currency(), BigDecimal.ONE);
                continue;
            }
            if (currency.amount() != null && currency.amount().signum() > 0) {
                BigDecimal count = currency.amountCnt() == null || currency.amountCnt().signum() <= 0 ? BigDecimal.ONE
                        : currency.amountCnt();
                rates.putIfAbsent(currency.currency(), currency.amount().divide(count, MathContext.DECIMAL128));
            }
        }
        return base == null ? null : new CrmCurrencies(base, rates);
    }

    // --- deals ---

    /** How a deal's dimension values read: the labels of enumeration items and directory entries, by field. */
    record Labels(Map<String, Map<String, String>> byField) {
        static final Labels NONE = new Labels(Map.of());

        String label(String field, String value) {
            Map<String, String> labels = byField.get(field);
            String label = labels == null ? null : labels.get(value);
            return label == null ? value : label;
        }
    }

    /**
     * The context a deal needs: its stage's status, when it entered its closed stage (from the stage
     * history; null when unknown), its product rows, the labels of its dimension values and the
     * portal's base currency for deals without {@code CURRENCY_ID}.
     */
    record DealContext(Map<String, DealStatus> stageStatus, Instant enteredCurrentStage,
                       List<Bitrix24Dtos.ProductRow> rows, Labels labels, String defaultCurrency) {
    }

    Deal deal(Bitrix24Dtos.Deal dto, DealContext context, String endpoint, String path) {
        if (dto.id() == null || dto.id().isBlank()) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path + ".ID", "missing", null);
        }
        if (dto.stageId() == null || dto.stageId().isBlank()) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path + ".STAGE_ID", "missing", null);
        }
        if (dto.dateCreate() == null) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path + ".DATE_CREATE", "missing", null);
        }
        String pipeline = blankToNull(dto.categoryId()) == null ? DEFAULT_PIPELINE : dto.categoryId().trim();
        DealStatus status = context.stageStatus().get(dto.stageId());
        if (status == null) {
            status = semantics(dto.stageSemanticId(), endpoint, path + ".STAGE_SEMANTIC_ID");
        }
        Instant closedAt = null;
        if (status.isClosed()) {
            closedAt = context.enteredCurrentStage() != null ? context.enteredCurrentStage()
                    : dto.movedTime() != null ? dto.movedTime().toInstant()
                    : dto.dateModify() != null ? dto.dateModify().toInstant() : dto.dateCreate().toInstant();
        }
        String currency = blankToNull(dto.currencyId()) != null ? dto.currencyId().trim() : context.defaultCurrency();
        BigDecimal probability = dto.probability() == null ? null
                : dto.probability().divide(HUNDRED, MathContext.DECIMAL128).stripTrailingZeros();
        return new Deal(connection, dto.id().trim(), dto.title(), pipeline, dto.stageId().trim(), status, dto.opportunity(),
                currency, blankToNull(dto.assignedById()), dto.dateCreate().toInstant(), closedAt,
                expectedClose(dto.closeDate(), endpoint, path + ".CLOSEDATE"), dimensionValues(dto, context.labels()),
                lines(context.rows()), probability, false, dto.dateModify() == null ? null : dto.dateModify().toInstant());
    }

    /** The deal's values of the configured dimension fields, as their labels; a list field gives its first value. */
    Map<String, String> dimensionValues(Bitrix24Dtos.Deal dto, Labels labels) {
        Map<String, String> values = new HashMap<>();
        dimensions.forEach((dimension, field) -> {
            String value = fieldValue(dto, field);
            if (value != null) {
                values.put(dimension, labels.label(field, value));
            }
        });
        return values;
    }

    private static String fieldValue(Bitrix24Dtos.Deal dto, String field) {
        switch (field) {
            case "TITLE":
                return blankToNull(dto.title());
            case "CATEGORY_ID":
                return blankToNull(dto.categoryId());
            case "STAGE_ID":
                return blankToNull(dto.stageId());
            case "ASSIGNED_BY_ID":
                return blankToNull(dto.assignedById());
            case "CURRENCY_ID":
                return blankToNull(dto.currencyId());
            default:
                break;
        }
        JsonNode node = dto.other().get(field);
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
        return scalar(node);
    }

    private static String scalar(JsonNode node) {
        if (node == null || node.isNull() || node.isContainer()) {
            return null;
        }
        String text = node.isString() ? node.asString() : node.toString();
        return text.isBlank() || (node.isBoolean() && !node.asBoolean()) ? null : text.trim();
    }

    /** {@code CLOSEDATE}: a date, written as the start of that day with an offset; its date as written. */
    static LocalDate expectedClose(String closeDate, String endpoint, String path) {
        if (closeDate == null || closeDate.isBlank()) {
            return null;
        }
        String text = closeDate.trim();
        try {
            return text.length() == 10 ? LocalDate.parse(text) : OffsetDateTime.parse(text).toLocalDate();
        } catch (DateTimeParseException e) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path,
                    "expected a date, got \"" + text + "\"", e);
        }
    }

    /** {@code PRICE × QUANTITY} per row, named by {@code PRODUCT_NAME}. */
    static List<ProductLine> lines(List<Bitrix24Dtos.ProductRow> rows) {
        if (rows == null || rows.isEmpty()) {
            return List.of();
        }
        List<ProductLine> lines = new ArrayList<>();
        for (Bitrix24Dtos.ProductRow row : rows) {
            if (row.price() == null) {
                continue;
            }
            BigDecimal quantity = row.quantity() == null ? BigDecimal.ONE : row.quantity();
            String name = blankToNull(row.productName());
            lines.add(new ProductLine(name == null ? "(product " + row.id() + ")" : name.trim(),
                    row.price().multiply(quantity, MathContext.DECIMAL128)));
        }
        return lines;
    }

    StageTransition transition(Bitrix24Dtos.HistoryItem item, String endpoint, String path) {
        if (item.id() == null || item.ownerId() == null || item.stageId() == null || item.createdTime() == null) {
            String missing = item.id() == null ? "ID" : item.ownerId() == null ? "OWNER_ID"
                    : item.stageId() == null ? "STAGE_ID" : "CREATED_TIME";
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path + "." + missing, "missing", null);
        }
        return new StageTransition(connection, item.id(), item.ownerId(), item.stageId(), item.createdTime().toInstant());
    }

    // --- activities ---

    Activity activity(Bitrix24Dtos.Activity dto, String endpoint, String path) {
        if (dto.id() == null || dto.id().isBlank()) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path + ".ID", "missing", null);
        }
        if (dto.created() == null) {
            throw new CrmResponseException(Bitrix24ConnectorFactory.TYPE, endpoint, path + ".CREATED", "missing", null);
        }
        Instant completedAt = null;
        if (flag(dto.completed(), false)) {
            completedAt = dto.endTime() != null ? dto.endTime().toInstant()
                    : dto.lastUpdated() != null ? dto.lastUpdated().toInstant() : dto.created().toInstant();
        }
        String deal = DEAL_OWNER_TYPE.equals(trim(dto.ownerTypeId())) ? blankToNull(dto.ownerId()) : null;
        return new Activity(connection, dto.id().trim(), activityType(dto.typeId(), dto.providerId()),
                blankToNull(dto.responsibleId()), deal, dto.created().toInstant(),
                dto.deadline() == null ? null : dto.deadline().toInstant(), completedAt, false);
    }

    /** {@code TYPE_ID} 1 MEETING, 2 CALL, 3 TASK, 4 EMAIL, 6 with {@code PROVIDER_ID} CRM_TODO TASK, else OTHER. */
    static ActivityType activityType(String typeId, String providerId) {
        return switch (trim(typeId) == null ? "" : typeId.trim()) {
            case "1" -> ActivityType.MEETING;
            case "2" -> ActivityType.CALL;
            case "3" -> ActivityType.TASK;
            case "4" -> ActivityType.EMAIL;
            case "6" -> "CRM_TODO".equalsIgnoreCase(trim(providerId)) ? ActivityType.TASK : ActivityType.OTHER;
            default -> ActivityType.OTHER;
        };
    }

    // --- helpers ---

    /** A Bitrix24 flag: {@code Y}/{@code N}, or a JSON boolean read as text. */
    static boolean flag(String value, boolean fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        String text = value.trim();
        return text.equalsIgnoreCase("Y") || text.equalsIgnoreCase("true") || text.equals("1");
    }

    private static String trim(String value) {
        return value == null ? null : value.trim();
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
