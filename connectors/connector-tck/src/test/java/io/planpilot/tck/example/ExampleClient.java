package io.planpilot.tck.example;

import feign.Headers;
import feign.Param;
import feign.RequestLine;
import io.planpilot.connector.support.CrmEndpoint;

/**
 * The example CRM's HTTP API in its own names (see {@link ExampleConnector} for the API's
 * description). Each call's name is a constant, used for messages here and in
 * {@code CrmResilience.call}.
 */
public interface ExampleClient {

    String DEALS = "GET /api/deals";
    String DELETED_DEALS = "GET /api/deals/deleted";
    String PIPELINES = "GET /api/pipelines";
    String USERS = "GET /api/users";
    String TASKS = "POST /api/tasks";

    /** Deals modified at or after {@code modifiedSince}, oldest change first; {@code cursor} null for the first page. */
    @RequestLine("GET /api/deals?modifiedSince={modifiedSince}&cursor={cursor}&limit={limit}")
    @CrmEndpoint(DEALS)
    ExampleDtos.DealPage deals(@Param("modifiedSince") String modifiedSince, @Param("cursor") String cursor,
                               @Param("limit") int limit);

    /** Deals deleted at or after {@code since}, as they were when deleted. */
    @RequestLine("GET /api/deals/deleted?since={since}")
    @CrmEndpoint(DELETED_DEALS)
    ExampleDtos.DeletedDeals deletedDeals(@Param("since") String since);

    @RequestLine("GET /api/pipelines")
    @CrmEndpoint(PIPELINES)
    ExampleDtos.Pipelines pipelines();

    @RequestLine("GET /api/users")
    @CrmEndpoint(USERS)
    ExampleDtos.Users users();

    /** Creates a task; a key the CRM has seen returns the task made for it, and creates nothing. */
    @RequestLine("POST /api/tasks")
    @Headers("Idempotency-Key: {key}")
    @CrmEndpoint(TASKS)
    ExampleDtos.TaskCreated createTask(@Param("key") String idempotencyKey, ExampleDtos.NewTask task);
}
