package io.planpilot.connector.bitrix24;

import feign.RequestLine;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.Batch;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.BatchRequest;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.Comment;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.CommentAdd;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.HistoryItems;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.ListParams;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.ListResult;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.NotifyAdd;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.Result;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.TaskAdd;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.TaskEnvelope;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.TaskListParams;
import io.planpilot.connector.bitrix24.Bitrix24Dtos.Tasks;
import io.planpilot.connector.support.CrmEndpoint;
import tools.jackson.databind.JsonNode;

import java.util.List;

/**
 * Bitrix24's REST API through an incoming webhook, in its own method names. Every call is
 * {@code POST {base-url}{method}.json} with a JSON body (the webhook URL carries the user id and the
 * secret, so no other credentials are sent); the answer is JSON with {@code result} and {@code time}.
 *
 * <p>{@code batch} runs up to 50 commands in one request (one request against the rate limit). A
 * batch is declared once per purpose, each with the name of the method it runs, so that errors name
 * what was read ({@code bitrix24 batch of crm.deal.list: HTTP 503 QUERY_LIMIT_EXCEEDED ...}).
 */
public interface Bitrix24Client {

    String SCOPE = "scope";
    String CATEGORY_LIST = "crm.category.list";
    String STATUS_LIST = "crm.status.list";
    String USER_GET = "user.get";
    String CURRENCY_LIST = "crm.currency.list";
    String DEAL_USERFIELD_LIST = "crm.deal.userfield.list";
    String DEAL_FIELDS = "crm.deal.fields";
    String DEAL_LIST = "crm.deal.list";
    String DEAL_PRODUCTROWS_GET = "crm.deal.productrows.get";
    String ACTIVITY_LIST = "crm.activity.list";
    String STAGEHISTORY_LIST = "crm.stagehistory.list";
    String TASKS_TASK_LIST = "tasks.task.list";
    String TASKS_TASK_ADD = "tasks.task.add";
    String TIMELINE_COMMENT_LIST = "crm.timeline.comment.list";
    String TIMELINE_COMMENT_ADD = "crm.timeline.comment.add";
    String IM_NOTIFY_SYSTEM_ADD = "im.notify.system.add";
    String BATCH = "batch";

    String BATCH_CATALOG = "batch of crm.category.list, crm.status.list, user.get, crm.currency.list, crm.deal.userfield.list";
    String BATCH_STATUS_LIST = "batch of crm.status.list, user.get";
    String BATCH_DEAL_LIST = "batch of crm.deal.list";
    String BATCH_ACTIVITY_LIST = "batch of crm.activity.list";
    String BATCH_STAGEHISTORY_LIST = "batch of crm.stagehistory.list";
    String BATCH_DEAL_PRODUCTROWS_GET = "batch of crm.deal.productrows.get";

    /** The scopes granted to the webhook ({@code crm}, {@code task}, {@code im}, {@code user}, ...); {@code basic} is not listed. */
    @RequestLine("POST /scope.json")
    @CrmEndpoint(SCOPE)
    Result<List<String>> scope(java.util.Map<String, Object> params);

    @RequestLine("POST /crm.deal.fields.json")
    @CrmEndpoint(DEAL_FIELDS)
    Result<java.util.Map<String, Bitrix24Dtos.FieldDescription>> dealFields(java.util.Map<String, Object> params);

    /** Deals: 50 a page; {@code start: -1} with {@code order {ID: ASC}} and {@code filter {">ID": last}} is the fast path. */
    @RequestLine("POST /crm.deal.list.json")
    @CrmEndpoint(DEAL_LIST)
    ListResult<Bitrix24Dtos.Deal> dealList(ListParams params);

    @RequestLine("POST /crm.activity.list.json")
    @CrmEndpoint(ACTIVITY_LIST)
    ListResult<Bitrix24Dtos.Activity> activityList(ListParams params);

    /** Stage history: {@code entityTypeId} 2 for deals; {@code result} is {@code {"items": [...]}}. */
    @RequestLine("POST /crm.stagehistory.list.json")
    @CrmEndpoint(STAGEHISTORY_LIST)
    Result<HistoryItems> stageHistoryList(ListParams params);

    @RequestLine("POST /tasks.task.list.json")
    @CrmEndpoint(TASKS_TASK_LIST)
    Result<Tasks> taskList(TaskListParams params);

    @RequestLine("POST /tasks.task.add.json")
    @CrmEndpoint(TASKS_TASK_ADD)
    Result<TaskEnvelope> taskAdd(TaskAdd task);

    @RequestLine("POST /crm.timeline.comment.list.json")
    @CrmEndpoint(TIMELINE_COMMENT_LIST)
    ListResult<Comment> commentList(ListParams params);

    /** {@code result} is the new comment's id. */
    @RequestLine("POST /crm.timeline.comment.add.json")
    @CrmEndpoint(TIMELINE_COMMENT_ADD)
    Result<String> commentAdd(CommentAdd comment);

    /** {@code result} is the notification's id, or {@code false} when none was created. */
    @RequestLine("POST /im.notify.system.add.json")
    @CrmEndpoint(IM_NOTIFY_SYSTEM_ADD)
    Result<JsonNode> notifySystemAdd(NotifyAdd notification);

    // --- batches, one per purpose ---

    @RequestLine("POST /batch.json")
    @CrmEndpoint(BATCH_CATALOG)
    Batch batchCatalog(BatchRequest request);

    @RequestLine("POST /batch.json")
    @CrmEndpoint(BATCH_STATUS_LIST)
    Batch batchStatusList(BatchRequest request);

    @RequestLine("POST /batch.json")
    @CrmEndpoint(BATCH_DEAL_LIST)
    Batch batchDealList(BatchRequest request);

    @RequestLine("POST /batch.json")
    @CrmEndpoint(BATCH_ACTIVITY_LIST)
    Batch batchActivityList(BatchRequest request);

    @RequestLine("POST /batch.json")
    @CrmEndpoint(BATCH_STAGEHISTORY_LIST)
    Batch batchStageHistoryList(BatchRequest request);

    @RequestLine("POST /batch.json")
    @CrmEndpoint(BATCH_DEAL_PRODUCTROWS_GET)
    Batch batchProductRows(BatchRequest request);
}
