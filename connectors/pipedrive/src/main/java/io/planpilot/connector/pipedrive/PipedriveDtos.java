package io.planpilot.connector.pipedrive;

import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * Pipedrive's JSON as records shaped like it, nothing more. Shapes as the official SDK
 * (github.com/pipedrive/client-nodejs, generated from Pipedrive's OpenAPI) documents them:
 * <ul>
 *   <li>API v2 ({@code /api/v2/...}): {@code {"success": true, "data": [...], "additional_data":
 *       {"next_cursor": "..."}}}, {@code next_cursor} null on the last page; times RFC 3339
 *       ({@code "2025-01-01T10:20:00Z"}); ids are numbers; custom fields in {@code custom_fields},
 *       keyed by the field's 40-character hash;</li>
 *   <li>API v1 ({@code /v1/...}): {@code {"success": true, "data": [...], "additional_data":
 *       {"pagination": {"start", "limit", "more_items_in_collection", "next_start"}}}} (the flow puts
 *       {@code start}, {@code limit}, {@code more_items_in_collection} right in {@code additional_data});
 *       times are {@code YYYY-MM-DD HH:MM:SS} in UTC, kept as text here and read by
 *       {@link PipedriveMapper#v1Time}.</li>
 * </ul>
 * Ids are read as text whatever their JSON type.
 */
public final class PipedriveDtos {

    private PipedriveDtos() {
    }

    // --- envelopes ---

    /** A page of an API v2 list. */
    public record Page<T>(Boolean success, List<T> data, @JsonProperty("additional_data") Cursor additionalData) {
        String nextCursor() {
            return additionalData == null ? null : blankToNull(additionalData.nextCursor());
        }
    }

    public record Cursor(@JsonProperty("next_cursor") String nextCursor) {
    }

    /** A page of an API v1 list (offset pagination). */
    public record V1Page<T>(Boolean success, List<T> data, @JsonProperty("additional_data") V1Additional additionalData) {
        /** Where the next page starts, or null when this page was the last. */
        Integer nextStart(int start, int count) {
            if (additionalData == null) {
                return null;
            }
            Pagination pagination = additionalData.pagination() != null ? additionalData.pagination()
                    : new Pagination(additionalData.start(), additionalData.limit(), additionalData.moreItemsInCollection(),
                    additionalData.nextStart());
            if (!Boolean.TRUE.equals(pagination.moreItemsInCollection())) {
                return null;
            }
            return pagination.nextStart() != null ? pagination.nextStart() : start + count;
        }
    }

    public record V1Additional(Pagination pagination, Integer start, Integer limit,
                               @JsonProperty("more_items_in_collection") Boolean moreItemsInCollection,
                               @JsonProperty("next_start") Integer nextStart) {
    }

    public record Pagination(Integer start, Integer limit,
                             @JsonProperty("more_items_in_collection") Boolean moreItemsInCollection,
                             @JsonProperty("next_start") Integer nextStart) {
    }

    /** One record: {@code {"success": true, "data": {...}}}. */
    public record Single<T>(Boolean success, T data) {
    }

    // --- API v2 ---

    /** {@code GET /api/v2/deals}: the fields the adapter reads; the others land in {@link #other}. */
    public record Deal(String id, String title, @JsonProperty("owner_id") String ownerId,
                       @JsonProperty("pipeline_id") String pipelineId, @JsonProperty("stage_id") String stageId,
                       BigDecimal value, String currency,
                       @JsonProperty("add_time") OffsetDateTime addTime,
                       @JsonProperty("update_time") OffsetDateTime updateTime,
                       @JsonProperty("stage_change_time") OffsetDateTime stageChangeTime,
                       @JsonProperty("is_deleted") Boolean isDeleted, String status, BigDecimal probability,
                       @JsonProperty("close_time") OffsetDateTime closeTime,
                       @JsonProperty("won_time") OffsetDateTime wonTime,
                       @JsonProperty("lost_time") OffsetDateTime lostTime,
                       @JsonProperty("expected_close_date") String expectedCloseDate,
                       @JsonProperty("custom_fields") Map<String, JsonNode> customFields,
                       @JsonAnySetter @JsonProperty(access = JsonProperty.Access.WRITE_ONLY) Map<String, JsonNode> other) {

        public Deal {
            customFields = customFields == null ? Map.of() : customFields;
            other = other == null ? Map.of() : other;
        }
    }

    /** {@code GET /api/v2/activities}; {@code due_date} {@code YYYY-MM-DD}, {@code due_time} {@code HH:MM} (UTC). */
    public record Activity(String id, String subject, String type, @JsonProperty("owner_id") String ownerId,
                           @JsonProperty("is_deleted") Boolean isDeleted,
                           @JsonProperty("add_time") OffsetDateTime addTime,
                           @JsonProperty("update_time") OffsetDateTime updateTime,
                           @JsonProperty("deal_id") String dealId, @JsonProperty("due_date") String dueDate,
                           @JsonProperty("due_time") String dueTime, Boolean done,
                           @JsonProperty("marked_as_done_time") OffsetDateTime markedAsDoneTime, String note) {
    }

    /** {@code GET /api/v2/pipelines}. */
    public record Pipeline(String id, String name, @JsonProperty("order_nr") BigDecimal orderNr,
                           @JsonProperty("is_deleted") Boolean isDeleted) {
    }

    /** {@code GET /api/v2/stages}: {@code deal_probability} is a percentage. */
    public record Stage(String id, String name, @JsonProperty("order_nr") BigDecimal orderNr,
                        @JsonProperty("pipeline_id") String pipelineId,
                        @JsonProperty("deal_probability") BigDecimal dealProbability,
                        @JsonProperty("is_deleted") Boolean isDeleted) {
    }

    /** {@code POST /api/v2/activities}: a task for a user; absent fields are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ActivityAdd(String subject, String type, @JsonProperty("owner_id") Long ownerId,
                              @JsonProperty("deal_id") Long dealId, @JsonProperty("due_date") String dueDate,
                              @JsonProperty("due_time") String dueTime, String note) {
    }

    // --- API v1 ---

    /** {@code GET /v1/users}. */
    public record User(String id, String name, String email, @JsonProperty("active_flag") Boolean activeFlag,
                       @JsonProperty("is_deleted") Boolean isDeleted) {
    }

    /** {@code GET /v1/dealFields}: {@code key} is the name a deal carries the field under (a 40-character hash for custom fields). */
    public record DealField(String id, String key, String name, @JsonProperty("field_type") String fieldType,
                            List<FieldOption> options) {
    }

    public record FieldOption(String id, String label) {
    }

    /** {@code GET /v1/deals/{id}/flow}: one entry; {@code dealChange} entries carry a {@link FlowChange}. */
    public record FlowEntry(String object, String timestamp, JsonNode data) {
    }

    /** A field change in the flow: {@code field_key} {@code stage_id}, values as text, {@code log_time} v1 time. */
    public record FlowChange(String id, @JsonProperty("item_id") String itemId,
                             @JsonProperty("field_key") String fieldKey,
                             @JsonProperty("old_value") String oldValue, @JsonProperty("new_value") String newValue,
                             @JsonProperty("log_time") String logTime) {
    }

    /** {@code GET /v1/notes} and the answer of {@code POST /v1/notes}. */
    public record Note(String id, String content, @JsonProperty("deal_id") String dealId,
                       @JsonProperty("add_time") String addTime) {
    }

    /** {@code POST /v1/notes}. */
    public record NoteAdd(String content, @JsonProperty("deal_id") Long dealId) {
    }

    /** {@code GET /v1/users/me}: who the token belongs to, and in which company. */
    public record Me(String id, String name, String email, @JsonProperty("company_name") String companyName,
                     @JsonProperty("company_domain") String companyDomain) {
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
