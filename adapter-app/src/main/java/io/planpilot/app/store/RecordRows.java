package io.planpilot.app.store;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Domain records as rows of the JSON arrays that {@link UpsertSql} reads with jsonb_to_recordset. */
final class RecordRows {

    private final JsonMapper json;

    RecordRows(JsonMapper json) {
        this.json = json;
    }

    <T> String json(Collection<T> records, Function<T, Map<String, Object>> toRow) {
        List<Map<String, Object>> list = new ArrayList<>(records.size());
        records.forEach(record -> list.add(toRow.apply(record)));
        return json.writeValueAsString(list);
    }

    String json(Object value) {
        return json.writeValueAsString(value);
    }

    Map<String, Object> rep(Rep rep) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", rep.id());
        row.put("name", rep.name());
        row.put("email", rep.email());
        row.put("active", rep.active());
        row.put("team", rep.team());
        return row;
    }

    Map<String, Object> pipeline(Pipeline pipeline) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", pipeline.id());
        row.put("name", pipeline.name());
        return row;
    }

    Map<String, Object> stage(Stage stage) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("pipeline", stage.pipeline());
        row.put("id", stage.id());
        row.put("name", stage.name());
        row.put("sort", number(stage.sort()));
        row.put("semantic", stage.semantic().name());
        row.put("probability", number(stage.probability()));
        return row;
    }

    Map<String, Object> deal(Deal deal) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", deal.id());
        row.put("title", deal.title());
        row.put("pipeline", deal.pipeline());
        row.put("stage", deal.stage());
        row.put("status", deal.status().name());
        row.put("amount", number(deal.amount()));
        row.put("currency", deal.currency());
        row.put("owner", deal.owner());
        row.put("created_at", instant(deal.createdAt()));
        row.put("closed_at", instant(deal.closedAt()));
        row.put("expected_close", deal.expectedClose() == null ? null : deal.expectedClose().toString());
        row.put("dimensions", deal.dimensions());
        List<Map<String, Object>> lines = new ArrayList<>(deal.lines().size());
        for (ProductLine line : deal.lines()) {
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("product", line.product());
            item.put("amount", number(line.amount()));
            lines.add(item);
        }
        row.put("lines", lines);
        row.put("crm_probability", number(deal.crmProbability()));
        row.put("deleted", deal.deleted());
        row.put("updated_at", instant(deal.updatedAt()));
        return row;
    }

    Map<String, Object> transition(StageTransition transition) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", transition.id());
        row.put("deal", transition.deal());
        row.put("stage", transition.stage());
        row.put("entered_at", instant(transition.enteredAt()));
        return row;
    }

    Map<String, Object> activity(Activity activity) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", activity.id());
        row.put("type", activity.type().name());
        row.put("owner", activity.owner());
        row.put("deal", activity.deal());
        row.put("created_at", instant(activity.createdAt()));
        row.put("due_at", instant(activity.dueAt()));
        row.put("completed_at", instant(activity.completedAt()));
        row.put("deleted", activity.deleted());
        return row;
    }

    /** Exact decimal text: PostgreSQL reads it into numeric without a float on the way. */
    private static String number(BigDecimal value) {
        return value == null ? null : value.toPlainString();
    }

    private static String instant(Instant value) {
        return value == null ? null : value.toString();
    }
}
