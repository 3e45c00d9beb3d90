package io.planpilot.connector.pipedrive;

import feign.Param;
import feign.QueryMap;
import feign.RequestLine;
import feign.TypedResponse;
import io.planpilot.connector.pipedrive.PipedriveDtos.Activity;
import io.planpilot.connector.pipedrive.PipedriveDtos.ActivityAdd;
import io.planpilot.connector.pipedrive.PipedriveDtos.Deal;
import io.planpilot.connector.pipedrive.PipedriveDtos.DealField;
import io.planpilot.connector.pipedrive.PipedriveDtos.FlowEntry;
import io.planpilot.connector.pipedrive.PipedriveDtos.Me;
import io.planpilot.connector.pipedrive.PipedriveDtos.Note;
import io.planpilot.connector.pipedrive.PipedriveDtos.NoteAdd;
import io.planpilot.connector.pipedrive.PipedriveDtos.Page;
import io.planpilot.connector.pipedrive.PipedriveDtos.Single;
import io.planpilot.connector.pipedrive.PipedriveDtos.User;
import io.planpilot.connector.pipedrive.PipedriveDtos.V1Page;
import io.planpilot.connector.support.CrmEndpoint;

import java.util.Map;

/**
 * Pipedrive's API, the calls the adapter makes: deals, activities, pipelines and stages from API v2
 * (cursor pagination), users, deal fields, the deal flow and notes from API v1 (offset pagination).
 * The token goes in the {@code x-api-token} header. Every answer comes with its headers
 * ({@link TypedResponse}): Pipedrive tells the state of the token's burst window in
 * {@code x-ratelimit-*} on every answer, and the connector slows down on them before a 429.
 */
public interface PipedriveClient {

    String DEALS = "GET /api/v2/deals";
    String ACTIVITIES = "GET /api/v2/activities";
    String PIPELINES = "GET /api/v2/pipelines";
    String STAGES = "GET /api/v2/stages";
    String ADD_ACTIVITY = "POST /api/v2/activities";
    String USERS = "GET /v1/users";
    String USERS_ME = "GET /v1/users/me";
    String DEAL_FIELDS = "GET /v1/dealFields";
    String DEAL_FLOW = "GET /v1/deals/{id}/flow";
    String NOTES = "GET /v1/notes";
    String ADD_NOTE = "POST /v1/notes";

    /** {@code updated_since}, {@code updated_until} (RFC 3339), {@code sort_by}, {@code status}, {@code ids}, {@code limit} (≤ 500), {@code cursor}. */
    @RequestLine("GET /api/v2/deals")
    @CrmEndpoint(DEALS)
    TypedResponse<Page<Deal>> deals(@QueryMap Map<String, Object> query);

    @RequestLine("GET /api/v2/activities")
    @CrmEndpoint(ACTIVITIES)
    TypedResponse<Page<Activity>> activities(@QueryMap Map<String, Object> query);

    @RequestLine("GET /api/v2/pipelines")
    @CrmEndpoint(PIPELINES)
    TypedResponse<Page<PipedriveDtos.Pipeline>> pipelines(@QueryMap Map<String, Object> query);

    @RequestLine("GET /api/v2/stages")
    @CrmEndpoint(STAGES)
    TypedResponse<Page<PipedriveDtos.Stage>> stages(@QueryMap Map<String, Object> query);

    @RequestLine("POST /api/v2/activities")
    @CrmEndpoint(ADD_ACTIVITY)
    TypedResponse<Single<Activity>> addActivity(ActivityAdd activity);

    @RequestLine("GET /v1/users")
    @CrmEndpoint(USERS)
    TypedResponse<V1Page<User>> users();

    @RequestLine("GET /v1/users/me")
    @CrmEndpoint(USERS_ME)
    TypedResponse<Single<Me>> me();

    @RequestLine("GET /v1/dealFields")
    @CrmEndpoint(DEAL_FIELDS)
    TypedResponse<V1Page<DealField>> dealFields(@QueryMap Map<String, Object> query);

    /** {@code items=dealChange}, {@code start}, {@code limit}. */
    @RequestLine("GET /v1/deals/{id}/flow")
    @CrmEndpoint(DEAL_FLOW)
    TypedResponse<V1Page<FlowEntry>> dealFlow(@Param("id") String id, @QueryMap Map<String, Object> query);

    /** {@code deal_id}, {@code start}, {@code limit}, {@code sort}. */
    @RequestLine("GET /v1/notes")
    @CrmEndpoint(NOTES)
    TypedResponse<V1Page<Note>> notes(@QueryMap Map<String, Object> query);

    @RequestLine("POST /v1/notes")
    @CrmEndpoint(ADD_NOTE)
    TypedResponse<Single<Note>> addNote(NoteAdd note);
}
