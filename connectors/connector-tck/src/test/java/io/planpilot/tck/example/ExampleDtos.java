package io.planpilot.tck.example;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** The example CRM's JSON, as records shaped like it. */
public final class ExampleDtos {

    private ExampleDtos() {
    }

    /** A page of {@code GET /api/deals}; {@code next} is null on the last page. */
    public record DealPage(List<Deal> items, String next) {
    }

    /** {@code value} comes as a decimal string ({@code "1200.50"}); times carry their offset. */
    public record Deal(String id, String title, String pipelineId, String stageId, String status, BigDecimal value,
                       String currency, String ownerId, OffsetDateTime createdAt, OffsetDateTime closedAt,
                       OffsetDateTime modifiedAt, OffsetDateTime deletedAt, Map<String, String> fields) {
    }

    public record DeletedDeals(List<Deal> items) {
    }

    public record Pipelines(List<Pipeline> items) {
    }

    public record Pipeline(String id, String name, List<Stage> stages) {
    }

    /** {@code status} is the status of deals in the stage: open, won or lost. */
    public record Stage(String id, String name, int sort, String status, BigDecimal probability) {
    }

    public record Users(List<User> items) {
    }

    public record User(String id, String name, String email, boolean active) {
    }

    /** The body of {@code POST /api/tasks}; absent fields are left out. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NewTask(String title, String description, String assigneeId, String dealId, String dueAt) {
    }

    public record TaskCreated(String id) {
    }

    /** The body of a callback: one or more events. */
    public record WebhookBody(List<WebhookEvent> events) {
    }

    /** {@code event} is deal.created, deal.updated or deal.deleted. */
    public record WebhookEvent(String eventId, String event, String dealId, OffsetDateTime occurredAt) {
    }
}
