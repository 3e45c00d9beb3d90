package io.planpilot.core.kpi;

import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * The deals behind a figure, so a person can check it deal by deal: the same scope, statuses and
 * row keys as the figures themselves ({@link KpiEngine#deals}).
 */
public final class DealList {

    private DealList() {
    }

    /** Which deals a figure counts (KPI.md's words). */
    public enum Kind {
        /** WON at t with {@code closedAt} in P: {@code wonAmount}, {@code wonCount}, {@code averageDeal}, cycle. */
        WON,
        /** LOST at t with {@code closedAt} in P: {@code lostCount}. */
        LOST,
        /** Closed (WON or LOST) in P: {@code winRate}. */
        CLOSED,
        /** The open set of P: {@code openCount}, {@code openAmount}, {@code weightedPipeline}, coverage. */
        OPEN,
        /** Created in P (the funnel's cohort). */
        CREATED,
        /** Created in P and reached the given open stage (the funnel's {@code reached}); needs a pipeline row and a stage. */
        REACHED,
        /** Open at t and stale ({@code staleDeals}, data quality's {@code NO_ACTIVITY}). */
        STALE,
        /** Data quality's population: open at t (whatever the expected close), or closed in P. */
        QUALITY,
        /** Every deal that exists at t. */
        ANY
    }

    /**
     * What to list: a set, narrowed to one row of a dimension ({@code key} as in breakdown rows; the
     * department or a null key: every row) and, for {@link Kind#REACHED}, the stage id.
     */
    public record Filter(Kind set, Dimension dimension, String key, String stage) {
        public Filter {
            Objects.requireNonNull(set, "set");
            dimension = dimension == null ? Dimension.DEPARTMENT : dimension;
        }

        public static Filter of(Kind set) {
            return new Filter(set, Dimension.DEPARTMENT, null, null);
        }
    }

    /**
     * One deal as the figure saw it.
     *
     * @param key      the deal's key in answers ({@code <connection>:<id>} when several connections are shown together)
     * @param status   status at t
     * @param stageId  its stage at t (null when unknown)
     * @param amount   in the base currency (under {@code product}, the line's share); null without money
     * @param closedAt null when open at t
     */
    public record Line(String connection, String id, String key, String ownerId, String ownerKey, String ownerName,
                       String pipelineId, String pipelineName, String stageId, String stageName, DealStatus status,
                       BigDecimal amount, Instant createdAt, Instant closedAt, LocalDate expectedClose, boolean stale) {
    }

    static List<Line> list(Scope scope, Filter filter) {
        Dimension dimension = filter.dimension();
        boolean everyRow = dimension == Dimension.DEPARTMENT || filter.key() == null;
        int stageRank = -1;
        if (filter.set() == Kind.REACHED) {
            if (dimension != Dimension.PIPELINE || filter.key() == null || filter.stage() == null) {
                throw new KpiParameterException("stage", "reached deals need a pipeline and a stage");
            }
        }
        DealColumns deals = scope.deals;
        Catalog catalog = scope.catalog;
        List<Line> lines = new java.util.ArrayList<>();
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (!scope.exists(row) || !inSet(scope, filter, row)) {
                continue;
            }
            BigDecimal amount = deals.amount[row];
            if (!everyRow) {
                if (dimension == Dimension.PRODUCT) {
                    int line = lineOf(scope, row, filter.key());
                    if (line < 0) {
                        continue;
                    }
                    amount = deals.lineAmounts[row][line];
                } else if (!filter.key().equals(scope.keys.key(dimension, DimensionValues.of(deals, dimension, row)))) {
                    continue;
                }
            }
            if (filter.set() == Kind.REACHED) {
                Catalog.PipelineInfo pipeline = catalog.pipelines.get(deals.pipeline[row]);
                stageRank = rankOf(catalog, pipeline, filter.stage());
                if (stageRank < 0 || scope.reachedRank(row) < stageRank) {
                    continue;
                }
            }
            lines.add(line(scope, row, amount));
        }
        lines.sort(java.util.Comparator.comparing(Line::key));
        return lines;
    }

    private static boolean inSet(Scope scope, Filter filter, int row) {
        byte status = scope.statusAt(row);
        boolean closedInPeriod = scope.closedIn(row, scope.periodStart, scope.periodEnd);
        return switch (filter.set()) {
            case WON -> status == DealColumns.WON && closedInPeriod;
            case LOST -> status == DealColumns.LOST && closedInPeriod;
            case CLOSED -> closedInPeriod;
            case OPEN -> scope.inOpenSet(row);
            case CREATED, REACHED -> scope.createdIn(row, scope.periodStart, scope.periodEnd);
            case STALE -> status == DealColumns.OPEN && scope.stale(row);
            case QUALITY -> status == DealColumns.OPEN || closedInPeriod;
            case ANY -> true;
        };
    }

    private static int lineOf(Scope scope, int row, String product) {
        int[] products = scope.deals.lineProducts[row];
        for (int line = 0; line < products.length; line++) {
            if (product.equals(scope.keys.key(Dimension.PRODUCT, products[line]))) {
                return line;
            }
        }
        return -1;
    }

    private static int rankOf(Catalog catalog, Catalog.PipelineInfo pipeline, String stageId) {
        for (int stage : pipeline.openStages()) {
            Catalog.StageInfo info = catalog.stages.get(stage);
            if (info.id().equals(stageId)) {
                return info.openRank();
            }
        }
        return -1;
    }

    private static Line line(Scope scope, int row, BigDecimal amount) {
        DealColumns deals = scope.deals;
        Catalog catalog = scope.catalog;
        int owner = deals.owner[row];
        int stage = scope.stageAt(row);
        Catalog.StageInfo info = stage < 0 ? null : catalog.stages.get(stage);
        Catalog.PipelineInfo pipeline = catalog.pipelines.get(deals.pipeline[row]);
        byte status = scope.statusAt(row);
        int expected = deals.expectedClose[row];
        return new Line(catalog.connections.get(deals.connection[row]), deals.id[row],
                scope.keys.dealId(deals.connection[row], deals.id[row]),
                owner < 0 ? null : catalog.reps.get(owner).id(), scope.keys.repKey(owner), scope.keys.repName(owner),
                pipeline.id(), pipeline.name(), info == null ? null : info.id(), info == null ? null : info.name(),
                status == DealColumns.WON ? DealStatus.WON : status == DealColumns.LOST ? DealStatus.LOST : DealStatus.OPEN,
                amount, Micros.instant(deals.created[row]),
                status == DealColumns.OPEN ? null : Micros.instant(deals.closed[row]),
                expected == DealColumns.NO_DATE ? null : LocalDate.ofEpochDay(expected),
                status == DealColumns.OPEN && scope.stale(row));
    }
}
