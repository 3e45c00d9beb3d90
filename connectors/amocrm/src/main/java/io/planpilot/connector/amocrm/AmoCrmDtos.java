package io.planpilot.connector.amocrm;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.List;

/**
 * amoCRM API v4's JSON as records shaped like it, nothing more. Lists are HAL:
 * {@code {"_page": 1, "_links": {"self": {...}, "next": {"href": ...}}, "_embedded": {"leads": [...]}}};
 * an empty list is HTTP 204 without a body (read as null). Ids are JSON numbers; times are unix
 * seconds; a lead's {@code price} is a number in the account's currency.
 */
public final class AmoCrmDtos {

    private AmoCrmDtos() {
    }

    public record Link(String href) {
    }

    public record Links(Link self, Link next) {
    }

    /** {@code GET /api/v4/account}. */
    public record Account(Long id, String name, String subdomain, String currency,
                          @JsonProperty("currency_symbol") String currencySymbol) {
    }

    public record Pipelines(@JsonProperty("_embedded") PipelinesEmbedded embedded) {
    }

    public record PipelinesEmbedded(List<Pipeline> pipelines) {
    }

    public record Pipeline(Long id, String name, Integer sort, @JsonProperty("is_main") Boolean isMain,
                           @JsonProperty("is_archive") Boolean isArchive,
                           @JsonProperty("_embedded") StatusesEmbedded embedded) {
    }

    public record StatusesEmbedded(List<Status> statuses) {
    }

    /** A status (stage); {@code type} 1 is the pipeline's "unsorted" status, 0 the others. */
    public record Status(Long id, String name, Integer sort, @JsonProperty("pipeline_id") Long pipelineId, Integer type) {
    }

    public record Users(@JsonProperty("_links") Links links, @JsonProperty("_embedded") UsersEmbedded embedded) {
    }

    public record UsersEmbedded(List<User> users) {
    }

    public record User(Long id, String name, String email, Rights rights) {
    }

    public record Rights(@JsonProperty("is_active") Boolean isActive) {
    }

    public record Leads(@JsonProperty("_links") Links links, @JsonProperty("_embedded") LeadsEmbedded embedded) {
    }

    public record LeadsEmbedded(List<Lead> leads) {
    }

    public record Lead(Long id, String name, BigDecimal price,
                       @JsonProperty("responsible_user_id") Long responsibleUserId,
                       @JsonProperty("status_id") Long statusId,
                       @JsonProperty("pipeline_id") Long pipelineId,
                       @JsonProperty("created_at") Long createdAt,
                       @JsonProperty("updated_at") Long updatedAt,
                       @JsonProperty("closed_at") Long closedAt,
                       @JsonProperty("loss_reason_id") Long lossReasonId,
                       @JsonProperty("is_deleted") Boolean isDeleted,
                       @JsonProperty("custom_fields_values") List<CustomFieldValues> customFieldsValues) {
    }

    public record CustomFieldValues(@JsonProperty("field_id") Long fieldId, @JsonProperty("field_name") String fieldName,
                                    @JsonProperty("field_code") String fieldCode,
                                    @JsonProperty("field_type") String fieldType, List<FieldValue> values) {
    }

    public record FieldValue(JsonNode value, @JsonProperty("enum_id") Long enumId, @JsonProperty("enum_code") String enumCode) {
    }

    public record Events(@JsonProperty("_links") Links links, @JsonProperty("_embedded") EventsEmbedded embedded) {
    }

    public record EventsEmbedded(List<Event> events) {
    }

    /**
     * An entry of the events list; for {@code lead_status_changed}, {@code value_after} is
     * {@code [{"lead_status": {"id": 142, "pipeline_id": 3104455}}]}.
     */
    public record Event(String id, String type, @JsonProperty("entity_id") Long entityId,
                        @JsonProperty("entity_type") String entityType, @JsonProperty("created_by") Long createdBy,
                        @JsonProperty("created_at") Long createdAt, @JsonProperty("value_after") JsonNode valueAfter,
                        @JsonProperty("value_before") JsonNode valueBefore) {
    }

    public record Notes(@JsonProperty("_links") Links links, @JsonProperty("_embedded") NotesEmbedded embedded) {
    }

    public record NotesEmbedded(List<Note> notes) {
    }

    /** A note; {@code params} holds {@code text} for {@code common}, {@code duration}, {@code phone}... for calls. */
    public record Note(Long id, @JsonProperty("entity_id") Long entityId, @JsonProperty("created_by") Long createdBy,
                       @JsonProperty("responsible_user_id") Long responsibleUserId,
                       @JsonProperty("created_at") Long createdAt, @JsonProperty("updated_at") Long updatedAt,
                       @JsonProperty("note_type") String noteType, JsonNode params) {
    }

    public record Tasks(@JsonProperty("_links") Links links, @JsonProperty("_embedded") TasksEmbedded embedded) {
    }

    public record TasksEmbedded(List<Task> tasks) {
    }

    public record Task(Long id, String text, @JsonProperty("responsible_user_id") Long responsibleUserId,
                       @JsonProperty("entity_id") Long entityId, @JsonProperty("entity_type") String entityType,
                       @JsonProperty("is_completed") Boolean isCompleted, @JsonProperty("task_type_id") Long taskTypeId,
                       @JsonProperty("complete_till") Long completeTill, @JsonProperty("created_at") Long createdAt,
                       @JsonProperty("updated_at") Long updatedAt) {
    }

    public record CustomFields(@JsonProperty("_links") Links links,
                               @JsonProperty("_embedded") CustomFieldsEmbedded embedded) {
    }

    public record CustomFieldsEmbedded(@JsonProperty("custom_fields") List<CustomField> customFields) {
    }

    public record CustomField(Long id, String name, String code, String type) {
    }

    // --- writes ---

    /** One task of {@code POST /api/v4/tasks} (the body is a list); {@code complete_till} is required. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskAdd(String text, @JsonProperty("complete_till") long completeTill,
                          @JsonProperty("responsible_user_id") Long responsibleUserId,
                          @JsonProperty("entity_id") Long entityId, @JsonProperty("entity_type") String entityType) {
    }

    /** One note of {@code POST /api/v4/leads/notes} (the body is a list). */
    public record NoteAdd(@JsonProperty("entity_id") long entityId, @JsonProperty("note_type") String noteType,
                          NoteText params) {
    }

    public record NoteText(String text) {
    }

    /** What a create answers: {@code {"_embedded": {"tasks": [{"id": 4745251, "request_id": "0"}]}}} (or {@code notes}). */
    public record Created(@JsonProperty("_embedded") CreatedEmbedded embedded) {
    }

    public record CreatedEmbedded(List<CreatedItem> tasks, List<CreatedItem> notes) {
    }

    public record CreatedItem(Long id, @JsonProperty("request_id") String requestId) {
    }
}
