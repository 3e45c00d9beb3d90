package io.planpilot.app.store;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import io.planpilot.core.kpi.CrmCurrencies;
import io.planpilot.core.kpi.CrmData;
import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads what the KPI engine needs of the configured connections from the store. */
@Repository
public class CrmDataLoader {

    private static final TypeReference<Map<String, String>> DIMENSIONS = new TypeReference<>() {
    };
    private static final TypeReference<List<Map<String, Object>>> LINES = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> NAMES = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, Object>> CURRENCIES = new TypeReference<>() {
    };

    private final DatabaseClient db;
    private final JsonMapper json;

    public CrmDataLoader(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Everything of these connections, deleted deals and activities left out. */
    public CrmData load(Collection<String> connections) {
        String[] ids = connections.toArray(String[]::new);
        List<Pipeline> pipelines = query("select * from pipeline where connection = any(:c)", ids,
                row -> new Pipeline(text(row, "connection"), text(row, "id"), text(row, "name")));
        List<Stage> stages = query("select * from stage where connection = any(:c)", ids,
                row -> new Stage(text(row, "connection"), text(row, "pipeline"), text(row, "id"), text(row, "name"),
                        row.get("sort", BigDecimal.class), DealStatus.valueOf(text(row, "semantic")),
                        row.get("probability", BigDecimal.class)));
        List<Rep> reps = query("select * from rep where connection = any(:c)", ids,
                row -> new Rep(text(row, "connection"), text(row, "id"), text(row, "name"), text(row, "email"),
                        Boolean.TRUE.equals(row.get("active", Boolean.class)), text(row, "team")));
        List<Deal> deals = query("""
                        select connection, id, title, pipeline, stage, status, amount, currency, owner, created_at, closed_at,
                               expected_close, cast(dimensions as text) as dimensions, cast(lines as text) as lines,
                               crm_probability, updated_at
                        from deal where connection = any(:c) and not deleted""", ids, this::deal);
        List<StageTransition> transitions = query("select * from stage_transition where connection = any(:c)", ids,
                row -> new StageTransition(text(row, "connection"), text(row, "id"), text(row, "deal"), text(row, "stage"),
                        row.get("entered_at", Instant.class)));
        List<Activity> activities = query("select * from activity where connection = any(:c) and not deleted", ids,
                row -> new Activity(text(row, "connection"), text(row, "id"), ActivityType.valueOf(text(row, "type")),
                        text(row, "owner"), text(row, "deal"), row.get("created_at", Instant.class),
                        row.get("due_at", Instant.class), row.get("completed_at", Instant.class), false));
        Map<String, Set<String>> mapped = new HashMap<>();
        query("select connection, cast(mapped_dimensions as text) as dimensions from connection_profile where connection = any(:c)", ids,
                row -> Map.entry(text(row, "connection"), Set.copyOf(json.readValue(text(row, "dimensions"), NAMES))))
                .forEach(entry -> mapped.put(entry.getKey(), entry.getValue()));
        Map<String, CrmCurrencies> currencies = new HashMap<>();
        query("select connection, cast(currencies as text) as currencies from connection_profile where connection = any(:c) and currencies is not null", ids,
                row -> Map.entry(text(row, "connection"), json.readValue(text(row, "currencies"), CURRENCIES)))
                .forEach(entry -> {
                    Map<String, Object> value = entry.getValue();
                    @SuppressWarnings("unchecked")
                    Map<String, String> rates = (Map<String, String>) value.getOrDefault("rates", Map.of());
                    Map<String, BigDecimal> exact = new HashMap<>();
                    rates.forEach((code, rate) -> exact.put(code, new BigDecimal(rate)));
                    currencies.put(entry.getKey(), new CrmCurrencies((String) value.get("baseCurrency"), exact));
                });
        return new CrmData(pipelines, stages, reps, deals, transitions, activities, currencies, mapped);
    }

    private Deal deal(Readable row) {
        List<ProductLine> lines = json.readValue(text(row, "lines"), LINES).stream()
                .map(line -> new ProductLine((String) line.get("product"), new BigDecimal(line.get("amount").toString())))
                .toList();
        LocalDate expectedClose = row.get("expected_close", LocalDate.class);
        return new Deal(text(row, "connection"), text(row, "id"), text(row, "title"), text(row, "pipeline"),
                text(row, "stage"), DealStatus.valueOf(text(row, "status")), row.get("amount", BigDecimal.class),
                text(row, "currency"), text(row, "owner"), row.get("created_at", Instant.class),
                row.get("closed_at", Instant.class), expectedClose, json.readValue(text(row, "dimensions"), DIMENSIONS),
                lines, row.get("crm_probability", BigDecimal.class), false, row.get("updated_at", Instant.class));
    }

    private <T> List<T> query(String sql, String[] connections, java.util.function.Function<Readable, T> mapper) {
        return db.sql(sql).bind("c", connections).map(mapper::apply).all().collectList().block();
    }

    private static String text(Readable row, String column) {
        return row.get(column, String.class);
    }
}
