package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.domain.PlanTarget;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sales plan: month targets by dimension key. A period's plan for a key is the sum of the
 * months inside it, a partial month pro rata by calendar days (KPI.md, "plan").
 */
final class PlanBook {

    private final List<PlanTarget> targets;
    private final Catalog catalog;

    PlanBook(List<PlanTarget> targets, Catalog catalog) {
        this.targets = List.copyOf(targets);
        this.catalog = catalog;
    }

    /**
     * The plan of every key of a dimension that has a target in the period, by row key.
     *
     * @param connection the connection asked for (its own rows apply), or -1 for all together
     *                   (rows without a connection apply)
     * @param connectionId the id of the connection asked for, or null for all together
     */
    Map<String, BigDecimal> plans(Period period, Dimension dimension, int connection, String connectionId, RowKeys keys) {
        Map<String, BigDecimal> plans = new TreeMap<>();
        for (PlanTarget target : targets) {
            if (target.dimension() != dimension || !java.util.Objects.equals(target.connection(), connectionId)) {
                continue;
            }
            BigDecimal share = share(target.month(), period);
            if (share == null) {
                continue;
            }
            String key = rowKey(target, dimension, connection, keys);
            plans.merge(key, target.amount().multiply(share, MathContext.DECIMAL128), BigDecimal::add);
        }
        return plans;
    }

    /** Days of the month inside the period / days of the month; null when none are. */
    private static BigDecimal share(YearMonth month, Period period) {
        LocalDate from = max(month.atDay(1), period.start());
        LocalDate to = min(month.plusMonths(1).atDay(1), period.end());
        if (!from.isBefore(to)) {
            return null;
        }
        long inside = to.toEpochDay() - from.toEpochDay();
        return BigDecimal.valueOf(inside).divide(BigDecimal.valueOf(month.lengthOfMonth()), MathContext.DECIMAL128);
    }

    private String rowKey(PlanTarget target, Dimension dimension, int connection, RowKeys keys) {
        return switch (dimension) {
            case DEPARTMENT -> RowKeys.ALL;
            case REP -> {
                int rep = findRep(target.key(), connection);
                yield rep < 0 ? target.key() : keys.repKey(rep);
            }
            case PIPELINE -> {
                int pipeline = findPipeline(target.key(), connection);
                yield pipeline < 0 ? target.key() : keys.pipelineKey(pipeline);
            }
            default -> target.key().isEmpty() ? Dimension.NONE : target.key();
        };
    }

    /**
     * A plan file names a rep by CRM user id, else e-mail, else display name (both
     * case-insensitive, unique among the users), or as {@code <connection>:<id>}; -1 when none fits.
     */
    int findRep(String key, int connection) {
        List<Integer> byId = new ArrayList<>();
        List<Integer> byEmail = new ArrayList<>();
        List<Integer> byName = new ArrayList<>();
        for (int r = 0; r < catalog.reps.size(); r++) {
            Catalog.RepInfo rep = catalog.reps.get(r);
            if (connection >= 0 && rep.connection() != connection) {
                continue;
            }
            if (rep.id().equals(key) || (connection < 0 && (catalog.connections.get(rep.connection()) + ":" + rep.id()).equals(key))) {
                byId.add(r);
            }
            if (rep.email() != null && rep.email().equalsIgnoreCase(key)) {
                byEmail.add(r);
            }
            if (rep.name() != null && rep.name().toLowerCase(Locale.ROOT).equals(key.toLowerCase(Locale.ROOT))) {
                byName.add(r);
            }
        }
        for (List<Integer> matches : List.of(byId, byEmail, byName)) {
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.size() > 1) {
                return -1;
            }
        }
        return -1;
    }

    private int findPipeline(String key, int connection) {
        int found = -1;
        for (int p = 0; p < catalog.pipelines.size(); p++) {
            Catalog.PipelineInfo pipeline = catalog.pipelines.get(p);
            if (connection >= 0 && pipeline.connection() != connection) {
                continue;
            }
            boolean matches = pipeline.id().equals(key)
                    || (connection < 0 && (catalog.connections.get(pipeline.connection()) + ":" + pipeline.id()).equals(key));
            if (matches) {
                if (found >= 0) {
                    return -1;
                }
                found = p;
            }
        }
        return found;
    }

    private static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    private static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }
}
