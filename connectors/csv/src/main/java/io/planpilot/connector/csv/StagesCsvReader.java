package io.planpilot.connector.csv;

import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Stage;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads stages.csv: {@code pipeline}, {@code pipeline_name}, {@code stage}, {@code name},
 * {@code sort}, {@code semantic}, {@code probability}. The pipelines are the distinct
 * {@code pipeline} values, named by the first non-empty {@code pipeline_name} (else their id). A
 * probability outside 0..1 is a warning and the stage is kept without one; any other bad row is
 * skipped with a warning, as is a second row for the same (pipeline, stage).
 */
final class StagesCsvReader {

    private static final String PIPELINE = "pipeline";
    private static final String PIPELINE_NAME = "pipeline_name";
    private static final String STAGE = "stage";
    private static final String NAME = "name";
    private static final String SORT = "sort";
    private static final String SEMANTIC = "semantic";
    private static final String PROBABILITY = "probability";

    private final String connection;

    StagesCsvReader(String connection) {
        this.connection = connection;
    }

    StageCatalog read(CsvTable table) {
        Map<String, String> pipelineNames = new LinkedHashMap<>();
        Map<String, Long> lineOfStage = new HashMap<>();
        List<Stage> stages = new ArrayList<>();
        List<SyncWarning> warnings = new ArrayList<>();
        table.forEachRow(row -> {
            String shape = row.shapeProblem();
            if (shape != null) {
                warnings.add(row.warning(null, shape));
                return;
            }
            try {
                String pipeline = row.required(PIPELINE);
                String id = row.required(STAGE);
                BigDecimal sort = row.present(SORT, row.decimal(SORT));
                DealStatus semantic = row.present(SEMANTIC, row.constant(SEMANTIC, DealStatus.class));
                BigDecimal probability = row.decimal(PROBABILITY);
                Long first = lineOfStage.putIfAbsent(pipeline + "\n" + id, row.line());
                if (first != null) {
                    warnings.add(row.warning(STAGE, "stage '" + id + "' of pipeline '" + pipeline
                            + "' is already on line " + first + "; this row is skipped"));
                    return;
                }
                if (probability != null && (probability.signum() < 0 || probability.compareTo(BigDecimal.ONE) > 0)) {
                    warnings.add(row.warning(PROBABILITY, "not between 0 and 1: '" + row.text(PROBABILITY)
                            + "'; the stage is kept without a probability"));
                    probability = null;
                }
                String pipelineName = row.text(PIPELINE_NAME);
                pipelineNames.merge(pipeline, pipelineName == null ? "" : pipelineName,
                        (known, next) -> known.isEmpty() ? next : known);
                stages.add(new Stage(connection, pipeline, id, row.text(NAME), sort, semantic, probability));
            } catch (BadCellException e) {
                warnings.add(row.warning(e));
            }
        });
        List<Pipeline> pipelines = new ArrayList<>();
        pipelineNames.forEach((id, name) -> pipelines.add(new Pipeline(connection, id, name)));
        return new StageCatalog(pipelines, stages, warnings);
    }
}
