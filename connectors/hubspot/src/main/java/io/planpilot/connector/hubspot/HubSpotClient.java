package io.planpilot.connector.hubspot;

import feign.Param;
import feign.QueryMap;
import feign.RequestLine;
import io.planpilot.connector.support.CrmEndpoint;
import io.planpilot.connector.hubspot.HubSpotDtos.AccountDetails;
import io.planpilot.connector.hubspot.HubSpotDtos.AssociationBatchRequest;
import io.planpilot.connector.hubspot.HubSpotDtos.AssociationBatchResult;
import io.planpilot.connector.hubspot.HubSpotDtos.BatchReadRequest;
import io.planpilot.connector.hubspot.HubSpotDtos.BatchResult;
import io.planpilot.connector.hubspot.HubSpotDtos.CreateRequest;
import io.planpilot.connector.hubspot.HubSpotDtos.CrmObject;
import io.planpilot.connector.hubspot.HubSpotDtos.ObjectPage;
import io.planpilot.connector.hubspot.HubSpotDtos.OwnerPage;
import io.planpilot.connector.hubspot.HubSpotDtos.PipelineList;
import io.planpilot.connector.hubspot.HubSpotDtos.PropertyList;
import io.planpilot.connector.hubspot.HubSpotDtos.SearchPage;
import io.planpilot.connector.hubspot.HubSpotDtos.SearchRequest;

import java.util.Map;

/**
 * HubSpot's CRM API in its own terms. Every path starts with a prefix of the connection's
 * {@link HubSpotApiPaths} ({@code crm/v3/objects}, ...), passed as an already encoded path
 * parameter, so the API version is configuration. Endpoint names (in every error message) name the
 * call without its version: {@code GET objects/deals}, {@code POST objects/deals/search}.
 *
 * <p>Lists page with {@code limit} (at most 100) and {@code after} ({@code paging.next.after});
 * search pages with {@code limit} (at most 200) and {@code after} (an offset that stops at 10,000).
 */
public interface HubSpotClient {

    String DEALS_LIST = "GET objects/deals";
    String DEALS_SEARCH = "POST objects/deals/search";
    String DEALS_BATCH_READ = "POST objects/deals/batch/read";
    String ACTIVITIES_LIST = "GET objects/{calls|meetings|emails|tasks}";
    String ACTIVITIES_SEARCH = "POST objects/{calls|meetings|emails|tasks}/search";
    String ASSOCIATIONS_BATCH_READ = "POST associations/{activity}/deals/batch/read";
    String TASKS_CREATE = "POST objects/tasks";
    String TASKS_SEARCH = "POST objects/tasks/search";
    String NOTES_CREATE = "POST objects/notes";
    String NOTES_SEARCH = "POST objects/notes/search";
    String PIPELINES = "GET pipelines/deals";
    String OWNERS = "GET owners";
    String DEAL_PROPERTIES = "GET properties/deals";
    String ACCOUNT_DETAILS = "GET account-info details";

    /** Query: {@code limit}, {@code after}, {@code properties} (comma-separated), {@code archived}, {@code propertiesWithHistory}. */
    @RequestLine("GET /{objects}/deals")
    @CrmEndpoint(DEALS_LIST)
    ObjectPage deals(@Param(value = "objects", encoded = true) String objects, @QueryMap Map<String, Object> query);

    @RequestLine("POST /{objects}/deals/search")
    @CrmEndpoint(DEALS_SEARCH)
    SearchPage searchDeals(@Param(value = "objects", encoded = true) String objects, SearchRequest request);

    /** Deals by id, with {@code propertiesWithHistory}; ids that do not exist (or are archived) are left out. */
    @RequestLine("POST /{objects}/deals/batch/read")
    @CrmEndpoint(DEALS_BATCH_READ)
    BatchResult readDeals(@Param(value = "objects", encoded = true) String objects, BatchReadRequest request);

    /** {@code type}: calls, meetings, emails or tasks; query as {@link #deals}, plus {@code associations=deals}. */
    @RequestLine("GET /{objects}/{type}")
    @CrmEndpoint(ACTIVITIES_LIST)
    ObjectPage activities(@Param(value = "objects", encoded = true) String objects, @Param("type") String type,
                          @QueryMap Map<String, Object> query);

    @RequestLine("POST /{objects}/{type}/search")
    @CrmEndpoint(ACTIVITIES_SEARCH)
    SearchPage searchActivities(@Param(value = "objects", encoded = true) String objects, @Param("type") String type,
                                SearchRequest request);

    /** The deals each given activity is associated with (search answers carry no associations). */
    @RequestLine("POST /{associations}/{type}/deals/batch/read")
    @CrmEndpoint(ASSOCIATIONS_BATCH_READ)
    AssociationBatchResult activityDeals(@Param(value = "associations", encoded = true) String associations,
                                         @Param("type") String type, AssociationBatchRequest request);

    @RequestLine("POST /{objects}/tasks")
    @CrmEndpoint(TASKS_CREATE)
    CrmObject createTask(@Param(value = "objects", encoded = true) String objects, CreateRequest request);

    @RequestLine("POST /{objects}/tasks/search")
    @CrmEndpoint(TASKS_SEARCH)
    SearchPage searchTasks(@Param(value = "objects", encoded = true) String objects, SearchRequest request);

    @RequestLine("POST /{objects}/notes")
    @CrmEndpoint(NOTES_CREATE)
    CrmObject createNote(@Param(value = "objects", encoded = true) String objects, CreateRequest request);

    @RequestLine("POST /{objects}/notes/search")
    @CrmEndpoint(NOTES_SEARCH)
    SearchPage searchNotes(@Param(value = "objects", encoded = true) String objects, SearchRequest request);

    @RequestLine("GET /{pipelines}/deals")
    @CrmEndpoint(PIPELINES)
    PipelineList pipelines(@Param(value = "pipelines", encoded = true) String pipelines);

    /** Query: {@code limit} (at most 500), {@code after}, {@code archived}. */
    @RequestLine("GET /{owners}")
    @CrmEndpoint(OWNERS)
    OwnerPage owners(@Param(value = "owners", encoded = true) String owners, @QueryMap Map<String, Object> query);

    @RequestLine("GET /{properties}/deals")
    @CrmEndpoint(DEAL_PROPERTIES)
    PropertyList dealProperties(@Param(value = "properties", encoded = true) String properties);

    @RequestLine("GET /{accountInfo}")
    @CrmEndpoint(ACCOUNT_DETAILS)
    AccountDetails accountDetails(@Param(value = "accountInfo", encoded = true) String accountInfo);
}
