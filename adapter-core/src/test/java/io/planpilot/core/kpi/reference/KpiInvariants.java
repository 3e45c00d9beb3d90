package io.planpilot.core.kpi.reference;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Properties KPI.md implies that need no reference: additive figures of a breakdown add up to the
 * department, and two adjacent periods add up to their union. Each check returns its violations as
 * lines naming seed, query, dimension and field.
 */
public final class KpiInvariants {

    /** The dimensions whose rows partition the deals (each deal under exactly one key). */
    static final List<Dimension> PARTITIONS = List.of(Dimension.REGION, Dimension.SEGMENT, Dimension.PIPELINE, Dimension.REP);

    static final BigDecimal ABSOLUTE = new BigDecimal("1e-12");

    private KpiInvariants() {
    }

    /**
     * Over region/segment/pipeline/rep: Σ rows of wonAmount, wonCount, lostCount, openCount, openAmount,
     * weightedPipeline = the department's. Over product (a deal counts under each of its products, but
     * its money is split by its scaled lines): only the money, wonAmount, openAmount, weightedPipeline.
     */
    public static List<String> breakdownsAddUp(long seed, KpiQuery q, Kpis kpis) {
        List<String> problems = new ArrayList<>();
        KpiFigures department = kpis.summary(q);
        for (Dimension d : Dimension.values()) {
            if (d == Dimension.DEPARTMENT) {
                continue;
            }
            List<BreakdownRow> rows = kpis.breakdown(q, d);
            String where = "seed=" + seed + " query=" + KpiDiff.describe(q) + " breakdown(" + d + ") summed";
            money(problems, where, "wonAmount", sum(rows, KpiFigures::wonAmount), department.wonAmount());
            money(problems, where, "openAmount", sum(rows, KpiFigures::openAmount), department.openAmount());
            money(problems, where, "weightedPipeline", sum(rows, KpiFigures::weightedPipeline), department.weightedPipeline());
            if (PARTITIONS.contains(d)) {
                count(problems, where, "wonCount", rows.stream().mapToLong(r -> r.figures().wonCount()).sum(), department.wonCount());
                count(problems, where, "lostCount", rows.stream().mapToLong(r -> r.figures().lostCount()).sum(), department.lostCount());
                count(problems, where, "openCount", rows.stream().mapToLong(r -> r.figures().openCount()).sum(), department.openCount());
            }
        }
        return problems;
    }

    /** P split into two adjacent custom ranges: wonAmount, wonCount and lostCount add up (same asOf and connection). */
    public static List<String> adjacentPeriodsAddUp(long seed, KpiQuery q, Kpis kpis) {
        List<String> problems = new ArrayList<>();
        Period p = q.period();
        long days = p.end().toEpochDay() - p.start().toEpochDay();
        if (days < 2) {
            return problems;
        }
        Period first = Period.parse(p.start() + ".." + p.start().plusDays(days / 2 - 1));
        Period second = Period.parse(p.start().plusDays(days / 2) + ".." + p.end().minusDays(1));
        KpiFigures whole = kpis.summary(q);
        KpiFigures a = kpis.summary(new KpiQuery(first, q.asOf(), q.connection()));
        KpiFigures b = kpis.summary(new KpiQuery(second, q.asOf(), q.connection()));
        String where = "seed=" + seed + " query=" + KpiDiff.describe(q) + " split into " + first.label() + " + " + second.label();
        money(problems, where, "wonAmount", a.wonAmount().add(b.wonAmount()), whole.wonAmount());
        count(problems, where, "wonCount", a.wonCount() + b.wonCount(), whole.wonCount());
        count(problems, where, "lostCount", a.lostCount() + b.lostCount(), whole.lostCount());
        return problems;
    }

    private static BigDecimal sum(List<BreakdownRow> rows, Function<KpiFigures, BigDecimal> field) {
        BigDecimal sum = BigDecimal.ZERO;
        for (BreakdownRow row : rows) {
            BigDecimal value = field.apply(row.figures());
            if (value != null) {
                sum = sum.add(value);
            }
        }
        return sum;
    }

    private static void money(List<String> problems, String where, String field, BigDecimal parts, BigDecimal whole) {
        // relative 1e-9, with an absolute floor of 1e-12 for sums of DECIMAL128 parts that should come to 0
        if (whole == null || !(KpiDiff.close(parts, whole) || parts.subtract(whole).abs().compareTo(ABSOLUTE) <= 0)) {
            problems.add(where + " field=" + field + ": parts=" + parts + " whole=" + whole);
        }
    }

    private static void count(List<String> problems, String where, String field, long parts, long whole) {
        if (parts != whole) {
            problems.add(where + " field=" + field + ": parts=" + parts + " whole=" + whole);
        }
    }
}
