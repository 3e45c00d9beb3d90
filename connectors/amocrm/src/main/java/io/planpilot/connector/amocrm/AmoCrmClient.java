package io.planpilot.connector.amocrm;

import feign.Param;
import feign.QueryMap;
import feign.RequestLine;
import io.planpilot.connector.amocrm.AmoCrmDtos.Account;
import io.planpilot.connector.amocrm.AmoCrmDtos.Created;
import io.planpilot.connector.amocrm.AmoCrmDtos.CustomFields;
import io.planpilot.connector.amocrm.AmoCrmDtos.Events;
import io.planpilot.connector.amocrm.AmoCrmDtos.Leads;
import io.planpilot.connector.amocrm.AmoCrmDtos.NoteAdd;
import io.planpilot.connector.amocrm.AmoCrmDtos.Notes;
import io.planpilot.connector.amocrm.AmoCrmDtos.Pipelines;
import io.planpilot.connector.amocrm.AmoCrmDtos.TaskAdd;
import io.planpilot.connector.amocrm.AmoCrmDtos.Tasks;
import io.planpilot.connector.amocrm.AmoCrmDtos.Users;
import io.planpilot.connector.support.CrmEndpoint;

import java.util.List;
import java.util.Map;

/**
 * amoCRM / Kommo API v4 at the account's address, with the long-lived token as
 * {@code Authorization: Bearer}. List parameters are PHP-style query keys ({@code filter[updated_at][from]},
 * {@code order[updated_at]}, {@code filter[id][]}), passed as a query map (a list value repeats the key).
 * A list method answers HTTP 204 without a body when nothing matches: the call then returns null.
 */
public interface AmoCrmClient {

    String ACCOUNT = "GET /api/v4/account";
    String PIPELINES = "GET /api/v4/leads/pipelines";
    String USERS = "GET /api/v4/users";
    String LEADS = "GET /api/v4/leads";
    String EVENTS = "GET /api/v4/events";
    String NOTES = "GET /api/v4/leads/notes";
    String LEAD_NOTES = "GET /api/v4/leads/{id}/notes";
    String TASKS = "GET /api/v4/tasks";
    String CUSTOM_FIELDS = "GET /api/v4/leads/custom_fields";
    String ADD_TASKS = "POST /api/v4/tasks";
    String ADD_NOTES = "POST /api/v4/leads/notes";

    @RequestLine("GET /api/v4/account")
    @CrmEndpoint(ACCOUNT)
    Account account();

    /** Every pipeline with its statuses (142 won and 143 lost are in each). */
    @RequestLine("GET /api/v4/leads/pipelines")
    @CrmEndpoint(PIPELINES)
    Pipelines pipelines();

    @RequestLine("GET /api/v4/users")
    @CrmEndpoint(USERS)
    Users users(@QueryMap Map<String, Object> query);

    /** Leads: {@code page}, {@code limit} (at most 250), {@code filter[...]}, {@code order[...]}. */
    @RequestLine("GET /api/v4/leads")
    @CrmEndpoint(LEADS)
    Leads leads(@QueryMap Map<String, Object> query);

    /** Events: at most 100 a page; {@code filter[type]}, {@code filter[created_at][from|to]}, {@code filter[entity_id][]}. */
    @RequestLine("GET /api/v4/events")
    @CrmEndpoint(EVENTS)
    Events events(@QueryMap Map<String, Object> query);

    /** Notes of every lead: {@code filter[note_type][]}, {@code filter[updated_at][from]}, {@code filter[id][]}. */
    @RequestLine("GET /api/v4/leads/notes")
    @CrmEndpoint(NOTES)
    Notes notes(@QueryMap Map<String, Object> query);

    @RequestLine("GET /api/v4/leads/{id}/notes")
    @CrmEndpoint(LEAD_NOTES)
    Notes leadNotes(@Param("id") long leadId, @QueryMap Map<String, Object> query);

    @RequestLine("GET /api/v4/tasks")
    @CrmEndpoint(TASKS)
    Tasks tasks(@QueryMap Map<String, Object> query);

    @RequestLine("GET /api/v4/leads/custom_fields")
    @CrmEndpoint(CUSTOM_FIELDS)
    CustomFields customFields(@QueryMap Map<String, Object> query);

    @RequestLine("POST /api/v4/tasks")
    @CrmEndpoint(ADD_TASKS)
    Created addTasks(List<TaskAdd> tasks);

    @RequestLine("POST /api/v4/leads/notes")
    @CrmEndpoint(ADD_NOTES)
    Created addNotes(List<NoteAdd> notes);
}
