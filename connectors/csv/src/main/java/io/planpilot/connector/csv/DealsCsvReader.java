package io.planpilot.connector.csv;

import io.planpilot.core.connector.SyncWarning;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Money;
import io.planpilot.core.domain.Stage;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads deals.csv: {@code id}, {@code title}, {@code pipeline}, {@code stage}, {@code amount},
 * {@code currency}, {@code owner}, {@code created_at}, {@code closed_at}, {@code expected_close},
 * {@code updated_at}, and the dimension columns.
 * <ul>
 *   <li>The status is the {@code semantic} of the deal's (pipeline, stage) in stages.csv; a deal in
 *       a stage that stages.csv lacks is skipped with a warning.</li>
 *   <li>A WON or LOST deal without {@code closed_at} is imported with a warning, closed at
 *       {@code updated_at}, else {@code created_at}. An open deal has no {@code closedAt}, and its
 *       {@code closed_at} cell is not read at all.</li>
 *   <li>Dimensions: {@code region}, {@code segment} and {@code product} read the columns of those
 *       names unless the connection's {@code dimensions} maps that dimension; every mapped dimension
 *       (any key) reads the header the mapping names, which wins. A mapped header missing from the
 *       file is one warning, and that dimension stays without values.</li>
 *   <li>The lines are the deal's rows of deal_lines.csv; the CRM probability is left null (CSV keeps
 *       probabilities on the stages).</li>
 * </ul>
 * A row that does not parse is skipped with a warning, but its id (when readable) is still listed,
 * so the stored deal stays as it was. A second row with the same id is skipped with a warning.
 */
final class DealsCsvReader {

    static final List<String> STANDARD_DIMENSIONS = List.of("region", "segment", "product");

    private static final String ID = "id";
    private static final String TITLE = "title";
    private static final String PIPELINE = "pipeline";
    private static final String STAGE = "stage";
    private static final String AMOUNT = "amount";
    private static final String CURRENCY = "currency";
    private static final String OWNER = "owner";
    private static final String CREATED_AT = "created_at";
    private static final String CLOSED_AT = "closed_at";
    private static final String EXPECTED_CLOSE = "expected_close";
    private static final String UPDATED_AT = "updated_at";

    private final String connection;
    private final CsvTimeParser times;
    private final String baseCurrency;
    private final Map<String, String> dimensionMapping;

    /**
     * @param dimensionMapping the connection's {@code dimensions}: dimension key to header in deals.csv
     */
    DealsCsvReader(String connection, CsvTimeParser times, String baseCurrency, Map<String, String> dimensionMapping) {
        this.connection = connection;
        this.times = times;
        this.baseCurrency = Money.normalizeCurrency(baseCurrency);
        this.dimensionMapping = new TreeMap<>();
        dimensionMapping.forEach((key, header) -> {
            if (header != null && !header.isBlank()) {
                this.dimensionMapping.put(key, header.trim());
            }
        });
    }

    /**
     * Streams the deals into {@code out}, with the warnings of bad rows.
     *
     * @return the id of every row whose id could be read, good or bad
     */
    Set<String> read(CsvTable table, StageCatalog stages, DealLinesCsvReader.DealLines lines, SyncPageAssembler out) {
        List<DimensionColumn> dimensions = dimensionColumns(table.header(), out);
        // a configured mapping counts as mapped even when its column is missing: its deals lack the value
        java.util.Set<String> mapped = new java.util.TreeSet<>(dimensionMapping.keySet());
        dimensions.forEach(column -> mapped.add(column.key()));
        out.mappedDimensions(mapped);
        return IdentifiedRows.read(table, ID, "deal", out::warning, 
                row -> out.deal(deal(row, stages, lines, dimensions, out)));
    }

    private Deal deal(CsvRow row, StageCatalog stages, DealLinesCsvReader.DealLines lines,
                      List<DimensionColumn> dimensionColumns, SyncPageAssembler out) {
        String id = row.required(ID);
        String pipeline = row.required(PIPELINE);
        String stageId = row.required(STAGE);
        Stage stage = stages.stage(pipeline, stageId);
        if (stage == null) {
            throw new BadCellException(STAGE, "unknown stage '" + stageId + "' of pipeline '" + pipeline
                    + "' (not in stages.csv)");
        }
        Instant createdAt = row.present(CREATED_AT, row.instant(CREATED_AT, times));
        Instant updatedAt = row.instant(UPDATED_AT, times);
        BigDecimal amount = row.decimal(AMOUNT);
        String currency = row.text(CURRENCY);
        LocalDate expectedClose = row.date(EXPECTED_CLOSE, times);
        Map<String, String> dimensions = new HashMap<>();
        for (DimensionColumn column : dimensionColumns) {
            String value = row.at(column.index());
            if (value != null) {
                dimensions.put(column.key(), value);
            }
        }
        DealStatus status = stage.semantic();
        Instant closedAt = null;
        if (status.isClosed()) {
            closedAt = row.instant(CLOSED_AT, times);
            if (closedAt == null) {
                closedAt = updatedAt != null ? updatedAt : createdAt;
                out.warning(row.warning(CLOSED_AT, "missing for a " + status + " deal; counted as closed at "
                        + (updatedAt != null ? "updated_at" : "created_at") + " (" + closedAt + ")"));
            }
        }
        return new Deal(connection, id, row.text(TITLE), pipeline, stageId, status, amount,
                currency == null ? baseCurrency : Money.normalizeCurrency(currency), row.text(OWNER), createdAt,
                closedAt, expectedClose, dimensions, lines.of(id), null, false, updatedAt);
    }

    private List<DimensionColumn> dimensionColumns(CsvHeader header, SyncPageAssembler out) {
        List<DimensionColumn> columns = new ArrayList<>();
        for (String dimension : STANDARD_DIMENSIONS) {
            Integer index = header.indexOfColumn(dimension);
            if (!dimensionMapping.containsKey(dimension) && index != null) {
                columns.add(new DimensionColumn(dimension, index));
            }
        }
        dimensionMapping.forEach((dimension, name) -> {
            Integer index = header.indexOfHeader(name);
            if (index == null) {
                index = header.indexOfColumn(name);
            }
            if (index == null) {
                out.warning(new SyncWarning(CsvFile.DEALS.fileName(), 1L, name, "mapped column not in header;"
                        + " dimension '" + dimension + "' (dimensions." + dimension + ") has no values"));
            } else {
                columns.add(new DimensionColumn(dimension, index));
            }
        });
        return columns;
    }

    private record DimensionColumn(String key, Integer index) {
    }
}
