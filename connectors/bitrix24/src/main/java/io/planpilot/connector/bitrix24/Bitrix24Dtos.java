package io.planpilot.connector.bitrix24;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Bitrix24's JSON as records shaped like it, nothing more. Shapes as the REST documentation
 * (github.com/bitrix24/b24restdocs) shows them: ids and most numbers arrive as JSON strings
 * ({@code "ID": "37"}, {@code "OPPORTUNITY": "19999.99"}), some as numbers ({@code crm.stagehistory.list},
 * {@code crm.category.list}); dates are ISO-8601 with an offset ({@code "2024-09-02T18:37:18+02:00"});
 * flags are {@code "Y"}/{@code "N"}, except {@code user.get}'s {@code ACTIVE}, a JSON boolean. Ids are
 * read as text whatever their JSON type; an empty string reads as null.
 */
public final class Bitrix24Dtos {

    private Bitrix24Dtos() {
    }

    // --- requests ---

    /**
     * The parameters of a list method ({@code crm.deal.list}, {@code crm.activity.list}, ...); absent
     * ones are left out. {@code start} is the offset of the page (0, 50, 100, ...) or {@code -1}, the
     * vendor's fast path that skips counting (documented in "Retrieve large volumes of data").
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ListParams(Integer entityTypeId, Map<String, Object> order, Map<String, Object> filter,
                             List<String> select, Integer start) {

        /** As a map, for a {@code batch} command. */
        Map<String, Object> asMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            if (entityTypeId != null) {
                map.put("entityTypeId", entityTypeId);
            }
            if (order != null) {
                map.put("order", order);
            }
            if (filter != null) {
                map.put("filter", filter);
            }
            if (select != null) {
                map.put("select", select);
            }
            if (start != null) {
                map.put("start", start);
            }
            return map;
        }
    }

    /** {@code batch}: up to 50 commands, each {@code method?query} with PHP-style, URL-encoded parameters. */
    public record BatchRequest(int halt, Map<String, String> cmd) {
    }

    /** {@code tasks.task.add}: {@code {"fields": {...}}}. */
    public record TaskAdd(Map<String, Object> fields) {
    }

    /** {@code tasks.task.list} when looking for a task the adapter wrote before. */
    public record TaskListParams(Map<String, Object> order, Map<String, Object> filter, List<String> select,
                                 Integer start) {
    }

    /** {@code crm.timeline.comment.add}: {@code {"fields": {"ENTITY_ID", "ENTITY_TYPE", "COMMENT"}}}. */
    public record CommentAdd(Map<String, Object> fields) {
    }

    /** {@code im.notify.system.add}; {@code TAG}, {@code SUB_TAG} and {@code CLIENT_ID} only with an application's client id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NotifyAdd(@JsonProperty("USER_ID") Object userId, @JsonProperty("MESSAGE") String message,
                            @JsonProperty("TAG") String tag, @JsonProperty("SUB_TAG") String subTag,
                            @JsonProperty("CLIENT_ID") String clientId) {
    }

    // --- responses ---

    /**
     * The {@code time} object every answer carries. {@code operating_reset_at} is when part of a
     * method's execution-time budget is released: epoch seconds in most answers, an ISO date in some.
     */
    public record Time(Double start, Double finish, Double duration, Double processing, Double operating,
                       @JsonProperty("operating_reset_at") JsonNode operatingResetAt) {
    }

    /** A list method's answer: a page of rows, {@code next} (the next {@code start}, absent on the last page), {@code total}. */
    public record ListResult<T>(List<T> result, Integer next, Integer total, Time time) {
    }

    /** An answer whose {@code result} is one value. */
    public record Result<T>(T result, Time time) {
    }

    /** {@code crm.deal.list} / {@code crm.deal.get}: the fields the adapter reads; the others (custom fields) land in {@link #other}. */
    public record Deal(@JsonProperty("ID") String id,
                       @JsonProperty("TITLE") String title,
                       @JsonProperty("CATEGORY_ID") String categoryId,
                       @JsonProperty("STAGE_ID") String stageId,
                       @JsonProperty("STAGE_SEMANTIC_ID") String stageSemanticId,
                       @JsonProperty("OPPORTUNITY") BigDecimal opportunity,
                       @JsonProperty("CURRENCY_ID") String currencyId,
                       @JsonProperty("PROBABILITY") BigDecimal probability,
                       @JsonProperty("ASSIGNED_BY_ID") String assignedById,
                       @JsonProperty("DATE_CREATE") OffsetDateTime dateCreate,
                       @JsonProperty("DATE_MODIFY") OffsetDateTime dateModify,
                       @JsonProperty("CLOSEDATE") String closeDate,
                       @JsonProperty("MOVED_TIME") OffsetDateTime movedTime,
                       @JsonProperty("CLOSED") String closed,
                       @JsonAnySetter @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Map<String, JsonNode> other) {

        public Deal {
            other = other == null ? Map.of() : other;
        }
    }

    /** A row of {@code crm.deal.list} with {@code select: ["ID"]}, for reconciling deletions. */
    public record IdRow(@JsonProperty("ID") String id) {
    }

    /** {@code crm.activity.list}. {@code TYPE_ID}: 1 meeting, 2 call, 3 task, 4 e-mail, 5 action, 6 user action (to-dos). */
    public record Activity(@JsonProperty("ID") String id,
                           @JsonProperty("OWNER_ID") String ownerId,
                           @JsonProperty("OWNER_TYPE_ID") String ownerTypeId,
                           @JsonProperty("TYPE_ID") String typeId,
                           @JsonProperty("PROVIDER_ID") String providerId,
                           @JsonProperty("SUBJECT") String subject,
                           @JsonProperty("RESPONSIBLE_ID") String responsibleId,
                           @JsonProperty("CREATED") OffsetDateTime created,
                           @JsonProperty("LAST_UPDATED") OffsetDateTime lastUpdated,
                           @JsonProperty("DEADLINE") OffsetDateTime deadline,
                           @JsonProperty("END_TIME") OffsetDateTime endTime,
                           @JsonProperty("COMPLETED") String completed) {
    }

    /** {@code crm.stagehistory.list}: {@code result} is {@code {"items": [...]}}. */
    public record HistoryItems(List<HistoryItem> items) {
    }

    /** A stage-history entry; {@code TYPE_ID} 1 created, 2 intermediate stage, 3 final stage, 5 pipeline changed. */
    public record HistoryItem(@JsonProperty("ID") String id,
                              @JsonProperty("TYPE_ID") String typeId,
                              @JsonProperty("OWNER_ID") String ownerId,
                              @JsonProperty("CREATED_TIME") OffsetDateTime createdTime,
                              @JsonProperty("CATEGORY_ID") String categoryId,
                              @JsonProperty("STAGE_SEMANTIC_ID") String stageSemanticId,
                              @JsonProperty("STAGE_ID") String stageId) {
    }

    /** {@code crm.category.list}: {@code result} is {@code {"categories": [...]}}. */
    public record Categories(List<Category> categories) {
    }

    public record Category(String id, String name, BigDecimal sort, String entityTypeId, String isDefault) {
    }

    /** {@code crm.status.list}: a stage of {@code DEAL_STAGE} / {@code DEAL_STAGE_{categoryId}}, or another directory's item. */
    public record Status(@JsonProperty("ID") String id,
                         @JsonProperty("ENTITY_ID") String entityId,
                         @JsonProperty("STATUS_ID") String statusId,
                         @JsonProperty("NAME") String name,
                         @JsonProperty("SORT") BigDecimal sort,
                         @JsonProperty("CATEGORY_ID") String categoryId,
                         @JsonProperty("SEMANTICS") String semantics) {
    }

    /** {@code user.get}; {@code ACTIVE} is a JSON boolean there. */
    public record User(@JsonProperty("ID") String id,
                       @JsonProperty("ACTIVE") String active,
                       @JsonProperty("NAME") String name,
                       @JsonProperty("LAST_NAME") String lastName,
                       @JsonProperty("EMAIL") String email,
                       @JsonProperty("UF_DEPARTMENT") List<String> departments) {
    }

    /** {@code crm.currency.list}: {@code AMOUNT} units of the base currency for {@code AMOUNT_CNT} units of this one. */
    public record Currency(@JsonProperty("CURRENCY") String currency,
                           @JsonProperty("AMOUNT_CNT") BigDecimal amountCnt,
                           @JsonProperty("AMOUNT") BigDecimal amount,
                           @JsonProperty("BASE") String base) {
    }

    /** {@code crm.deal.userfield.list}: a deal's custom field; {@code LIST} holds an enumeration's items. */
    public record UserField(@JsonProperty("FIELD_NAME") String fieldName,
                            @JsonProperty("USER_TYPE_ID") String userTypeId,
                            @JsonProperty("MULTIPLE") String multiple,
                            @JsonProperty("SETTINGS") JsonNode settings,
                            @JsonProperty("EDIT_FORM_LABEL") JsonNode editFormLabel,
                            @JsonProperty("LIST_COLUMN_LABEL") JsonNode listColumnLabel,
                            @JsonProperty("LIST") List<EnumItem> list) {
    }

    public record EnumItem(@JsonProperty("ID") String id, @JsonProperty("VALUE") String value) {
    }

    /** A field of {@code crm.deal.fields}: its type and title ({@code listLabel}/{@code formLabel} for custom fields). */
    public record FieldDescription(String type, String title, String listLabel, String formLabel, Boolean isDynamic) {
    }

    /** {@code crm.deal.productrows.get}: a product row; the line's amount is {@code PRICE × QUANTITY}. */
    public record ProductRow(@JsonProperty("ID") String id,
                             @JsonProperty("OWNER_ID") String ownerId,
                             @JsonProperty("PRODUCT_NAME") String productName,
                             @JsonProperty("PRICE") BigDecimal price,
                             @JsonProperty("QUANTITY") BigDecimal quantity) {
    }

    /** {@code tasks.task.add}: {@code result} is {@code {"task": {...}}}. */
    public record TaskEnvelope(TaskItem task) {
    }

    /** {@code tasks.task.list}: {@code result} is {@code {"tasks": [...]}}. */
    public record Tasks(List<TaskItem> tasks) {
    }

    public record TaskItem(String id, String title, String description, String responsibleId) {
    }

    /** A timeline comment of {@code crm.timeline.comment.list}. */
    public record Comment(@JsonProperty("ID") String id, @JsonProperty("COMMENT") String comment) {
    }

    /** {@code batch}'s {@code result}: per command its result, error, total, next and time; PHP writes an empty object as {@code []}. */
    public record BatchBody(JsonNode result, @JsonProperty("result_error") JsonNode resultError,
                            @JsonProperty("result_total") JsonNode resultTotal,
                            @JsonProperty("result_next") JsonNode resultNext,
                            @JsonProperty("result_time") JsonNode resultTime) {
    }

    public record Batch(BatchBody result, Time time) {
    }

    /** An error answer: {@code error} may be empty, then only {@code error_description} says why. */
    public record Error(String error, @JsonProperty("error_description") String errorDescription, Time time) {
    }
}
