package io.planpilot.tck.example;

import io.planpilot.connector.support.CrmResponseException;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The example CRM's DTOs to the domain, by hand (a real connector may use MapStruct). */
final class ExampleMapper {

    private final String connection;
    private final Map<String, String> dimensions;

    /** @param dimensions dimension key to the name of the deal's custom field that feeds it */
    ExampleMapper(String connection, Map<String, String> dimensions) {
        this.connection = connection;
        this.dimensions = Map.copyOf(dimensions);
    }

    /** The deals of a page; {@code endpoint} and {@code index} name a bad field in the error. */
    List<Deal> deals(String endpoint, List<ExampleDtos.Deal> items) {
        List<Deal> deals = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            deals.add(deal(endpoint, "items[" + i + "]", items.get(i)));
        }
        return deals;
    }

    Deal deal(String endpoint, String path, ExampleDtos.Deal dto) {
        Map<String, String> values = new HashMap<>();
        dimensions.forEach((dimension, field) -> {
            String value = dto.fields() == null ? null : dto.fields().get(field);
            if (value != null && !value.isBlank()) {
                values.put(dimension, value);
            }
        });
        Deal deal = new Deal(connection, dto.id(), dto.title(), dto.pipelineId(), dto.stageId(),
                status(endpoint, path + ".status", dto.status()), dto.value(), dto.currency(), dto.ownerId(),
                instant(dto.createdAt()), instant(dto.closedAt()), null, values, List.of(), null, false,
                instant(dto.modifiedAt()));
        return dto.deletedAt() == null ? deal : deal.markedDeleted();
    }

    List<Pipeline> pipelines(ExampleDtos.Pipelines dto) {
        return dto.items().stream().map(p -> new Pipeline(connection, p.id(), p.name())).toList();
    }

    List<Stage> stages(ExampleDtos.Pipelines dto) {
        List<Stage> stages = new ArrayList<>();
        for (int p = 0; p < dto.items().size(); p++) {
            ExampleDtos.Pipeline pipeline = dto.items().get(p);
            for (int s = 0; s < pipeline.stages().size(); s++) {
                ExampleDtos.Stage stage = pipeline.stages().get(s);
                stages.add(new Stage(connection, pipeline.id(), stage.id(), stage.name(), BigDecimal.valueOf(stage.sort()),
                        status(ExampleClient.PIPELINES, "items[" + p + "].stages[" + s + "].status", stage.status()),
                        stage.probability()));
            }
        }
        return stages;
    }

    List<Rep> reps(ExampleDtos.Users dto) {
        return dto.items().stream().map(u -> new Rep(connection, u.id(), u.name(), u.email(), u.active(), null)).toList();
    }

    private static DealStatus status(String endpoint, String path, String value) {
        if (value != null) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "open": return DealStatus.OPEN;
                case "won": return DealStatus.WON;
                case "lost": return DealStatus.LOST;
                default: break;
            }
        }
        throw new CrmResponseException(ExampleConnectorFactory.TYPE, endpoint, path,
                "expected open, won or lost, got " + (value == null ? "null" : "\"" + value + "\""), null);
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
