package io.planpilot.core.kpi.reference;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.CapacityRow;
import io.planpilot.core.kpi.DataQuality;
import io.planpilot.core.kpi.Funnel;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.RepFigures;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Compares what a {@link Kpis} under test answers with what the reference answers, collecting every
 * mismatch as one line that names the seed, the query, the call, the row key and the field.
 * BigDecimals are equal when both are null, or |a − b| <= 1e-9 × max(|a|, |b|) (so two zeros are
 * equal); everything else must be equal exactly. Data-quality items are compared as a multiset
 * (each difference named) and, when they agree, in order.
 */
public final class KpiDiff {

    static final BigDecimal RELATIVE = new BigDecimal("1e-9");

    private final long seed;
    private final List<String> mismatches = new ArrayList<>();
    private String where = "";

    public KpiDiff(long seed) {
        this.seed = seed;
    }

    public List<String> mismatches() {
        return List.copyOf(mismatches);
    }

    public boolean isEmpty() {
        return mismatches.isEmpty();
    }

    /** The failure message: how many, and the first {@code limit} mismatches. */
    public String report(int limit) {
        StringBuilder sb = new StringBuilder();
        sb.append(mismatches.size()).append(" mismatch(es) with the reference (KPI.md via reference/ReferenceKpis):\n");
        mismatches.stream().limit(limit).forEach(m -> sb.append("  ").append(m).append('\n'));
        if (mismatches.size() > limit) {
            sb.append("  ... and ").append(mismatches.size() - limit).append(" more\n");
        }
        return sb.toString();
    }

    public static String describe(KpiQuery q) {
        return "{period=" + q.period().label() + " [" + q.period().start() + ", " + q.period().end() + "), asOf=" + q.asOf()
                + ", connection=" + q.connection() + "}";
    }

    public static boolean close(BigDecimal a, BigDecimal b) {
        if (a == null || b == null) {
            return a == b;
        }
        BigDecimal scale = a.abs().max(b.abs());
        return a.subtract(b).abs().compareTo(scale.multiply(RELATIVE)) <= 0;
    }

    // ------------------------------------------------------------------ everything for one query

    /** Every call of KPI.md for one query; funnels for each given pipeline key (null: the only pipeline). */
    public void compareAll(KpiQuery q, List<String> pipelineKeys, Kpis tested, Kpis reference) {
        call(q, "summary", () -> tested.summary(q), () -> reference.summary(q),
                (a, b) -> figures("(all)", a, b));
        for (Dimension d : Dimension.values()) {
            call(q, "breakdown(" + d + ")", () -> tested.breakdown(q, d), () -> reference.breakdown(q, d), this::breakdown);
        }
        for (String pipeline : pipelineKeys) {
            call(q, "funnel(" + pipeline + ")", () -> tested.funnel(q, pipeline), () -> reference.funnel(q, pipeline),
                    this::funnel);
        }
        call(q, "reps", () -> tested.reps(q), () -> reference.reps(q), this::reps);
        for (Dimension d : List.of(Dimension.DEPARTMENT, Dimension.REGION, Dimension.REP)) {
            call(q, "capacity(" + d + ")", () -> tested.capacity(q, d), () -> reference.capacity(q, d), this::capacity);
        }
        call(q, "dataQuality", () -> tested.dataQuality(q), () -> reference.dataQuality(q), this::dataQuality);
    }

    public interface Check<T> {
        void compare(T tested, T reference);
    }

    /** Runs both; when the reference throws, the one tested must throw the same kind of exception. */
    public <T> void call(KpiQuery q, String call, Supplier<T> tested, Supplier<T> reference, Check<T> check) {
        where = "seed=" + seed + " query=" + describe(q) + " call=" + call;
        T expected;
        try {
            expected = reference.get();
        } catch (RuntimeException e) {
            try {
                tested.get();
                add("", "exception", "(none)", e.getClass().getSimpleName() + ": " + e.getMessage());
            } catch (RuntimeException actual) {
                if (!e.getClass().equals(actual.getClass())) {
                    add("", "exception", actual.getClass().getSimpleName() + ": " + actual.getMessage(),
                            e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            }
            return;
        }
        T actual;
        try {
            actual = tested.get();
        } catch (RuntimeException e) {
            add("", "exception", e.getClass().getName() + ": " + e.getMessage(), "(none)");
            return;
        }
        check.compare(actual, expected);
    }

    // ------------------------------------------------------------------ the records

    void figures(String row, KpiFigures a, KpiFigures b) {
        if (a == null || b == null) {
            exact(row, "figures", a, b);
            return;
        }
        dec(row, "wonAmount", a.wonAmount(), b.wonAmount());
        exact(row, "wonCount", a.wonCount(), b.wonCount());
        exact(row, "lostCount", a.lostCount(), b.lostCount());
        dec(row, "winRate", a.winRate(), b.winRate());
        dec(row, "averageDeal", a.averageDeal(), b.averageDeal());
        dec(row, "cycleDaysMean", a.cycleDaysMean(), b.cycleDaysMean());
        dec(row, "cycleDaysMedian", a.cycleDaysMedian(), b.cycleDaysMedian());
        dec(row, "plan", a.plan(), b.plan());
        dec(row, "attainment", a.attainment(), b.attainment());
        exact(row, "openCount", a.openCount(), b.openCount());
        dec(row, "openAmount", a.openAmount(), b.openAmount());
        dec(row, "weightedPipeline", a.weightedPipeline(), b.weightedPipeline());
        dec(row, "forecast", a.forecast(), b.forecast());
        dec(row, "coverage", a.coverage(), b.coverage());
        dec(row, "velocityPerDay", a.velocityPerDay(), b.velocityPerDay());
    }

    void breakdown(List<BreakdownRow> a, List<BreakdownRow> b) {
        rows(a, b, BreakdownRow::key, (x, y) -> {
            exact(x.key(), "name", x.name(), y.name());
            figures(x.key(), x.figures(), y.figures());
        });
    }

    void funnel(Funnel a, Funnel b) {
        exact("", "pipeline", a.pipeline(), b.pipeline());
        exact("", "won", a.won(), b.won());
        dec("", "funnelWinRate", a.funnelWinRate(), b.funnelWinRate());
        rows(a.stages(), b.stages(), Funnel.Step::id, (x, y) -> {
            exact(x.id(), "name", x.name(), y.name());
            exact(x.id(), "reached", x.reached(), y.reached());
            dec(x.id(), "conversionToNext", x.conversionToNext(), y.conversionToNext());
            dec(x.id(), "medianDaysInStage", x.medianDaysInStage(), y.medianDaysInStage());
        });
    }

    void reps(List<RepFigures> a, List<RepFigures> b) {
        rows(a, b, RepFigures::key, (x, y) -> {
            String k = x.key();
            exact(k, "name", x.name(), y.name());
            dec(k, "wonAmount", x.wonAmount(), y.wonAmount());
            exact(k, "wonCount", x.wonCount(), y.wonCount());
            dec(k, "winRate", x.winRate(), y.winRate());
            exact(k, "activitiesDone", x.activitiesDone(), y.activitiesDone());
            dec(k, "activitiesPerWon", x.activitiesPerWon(), y.activitiesPerWon());
            dec(k, "taskCompletion", x.taskCompletion(), y.taskCompletion());
            exact(k, "overdueTasks", x.overdueTasks(), y.overdueTasks());
            exact(k, "staleDeals", x.staleDeals(), y.staleDeals());
        });
    }

    void capacity(List<CapacityRow> a, List<CapacityRow> b) {
        rows(a, b, CapacityRow::key, (x, y) -> {
            String k = x.key();
            exact(k, "name", x.name(), y.name());
            dec(k, "plan", x.plan(), y.plan());
            dec(k, "wonAmount", x.wonAmount(), y.wonAmount());
            dec(k, "averageDealL", x.averageDealL(), y.averageDealL());
            dec(k, "winRateL", x.winRateL(), y.winRateL());
            dec(k, "activitiesPerWonL", x.activitiesPerWonL(), y.activitiesPerWonL());
            dec(k, "activitiesPerRepDayL", x.activitiesPerRepDayL(), y.activitiesPerRepDayL());
            dec(k, "remaining", x.remaining(), y.remaining());
            exact(k, "winsNeeded", x.winsNeeded(), y.winsNeeded());
            dec(k, "expectedWinsFromPipeline", x.expectedWinsFromPipeline(), y.expectedWinsFromPipeline());
            exact(k, "opportunitiesNeeded", x.opportunitiesNeeded(), y.opportunitiesNeeded());
            dec(k, "activitiesNeeded", x.activitiesNeeded(), y.activitiesNeeded());
            exact(k, "workingDaysLeft", x.workingDaysLeft(), y.workingDaysLeft());
            exact(k, "repsActive", x.repsActive(), y.repsActive());
            dec(k, "activitiesAvailable", x.activitiesAvailable(), y.activitiesAvailable());
            exact(k, "repsNeeded", x.repsNeeded(), y.repsNeeded());
            exact(k, "gapReps", x.gapReps(), y.gapReps());
            dec(k, "achievable", x.achievable(), y.achievable());
            exact(k, "verdict", x.verdict(), y.verdict());
            exact(k, "reason", x.reason(), y.reason());
        });
    }

    void dataQuality(DataQuality a, DataQuality b) {
        counts("(counts)", a.counts(), b.counts());
        for (String rep : new TreeSet<>(union(a.byRep().keySet(), b.byRep().keySet()))) {
            Map<String, Long> x = a.byRep().get(rep);
            Map<String, Long> y = b.byRep().get(rep);
            if (x == null || y == null) {
                add("byRep " + rep, "present", x != null, y != null);
            } else {
                counts("byRep " + rep, x, y);
            }
        }
        Comparator<DataQuality.Item> order = Comparator.comparing(DataQuality.Item::dealId)
                .thenComparing(DataQuality.Item::issue).thenComparing(i -> String.valueOf(i.rep()));
        List<DataQuality.Item> extra = new ArrayList<>(a.items());
        List<DataQuality.Item> missing = new ArrayList<>(b.items());
        for (DataQuality.Item item : b.items()) {
            if (extra.remove(item)) {
                missing.remove(item);
            }
        }
        extra.sort(order);
        missing.sort(order);
        for (DataQuality.Item item : extra) {
            add("item " + item.dealId(), "item " + item.issue() + " (rep " + item.rep() + ")", "listed", "not listed");
        }
        for (DataQuality.Item item : missing) {
            add("item " + item.dealId(), "item " + item.issue() + " (rep " + item.rep() + ")", "not listed", "listed");
        }
        // the same items: then in the same order (docs/kpi.md: by deal id, each deal's issues in the order of the counts)
        if (extra.isEmpty() && missing.isEmpty()) {
            for (int i = 0; i < a.items().size(); i++) {
                if (!a.items().get(i).equals(b.items().get(i))) {
                    add("items[" + i + "]", "item order", a.items().get(i), b.items().get(i));
                    break;
                }
            }
        }
    }

    private void counts(String row, Map<String, Long> a, Map<String, Long> b) {
        for (String issue : new TreeSet<>(union(a.keySet(), b.keySet()))) {
            exact(row, issue, a.get(issue), b.get(issue));
        }
    }

    private static <T> List<T> union(java.util.Collection<T> a, java.util.Collection<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Rows by key: the key lists first (missing / extra / order), then each row present in both. */
    private <T> void rows(List<T> a, List<T> b, Function<T, String> key, Check<T> each) {
        List<String> ka = a.stream().map(key).toList();
        List<String> kb = b.stream().map(key).toList();
        if (!ka.equals(kb)) {
            List<String> missing = new ArrayList<>(kb);
            missing.removeAll(ka);
            List<String> extra = new ArrayList<>(ka);
            extra.removeAll(kb);
            add("", "row keys", ka + (extra.isEmpty() ? "" : " extra " + extra),
                    kb + (missing.isEmpty() ? "" : " missing in tested " + missing));
        }
        for (T x : a) {
            for (T y : b) {
                if (Objects.equals(key.apply(x), key.apply(y))) {
                    each.compare(x, y);
                    break;
                }
            }
        }
    }

    private void dec(String row, String field, BigDecimal a, BigDecimal b) {
        if (!close(a, b)) {
            add(row, field, a == null ? null : a.toPlainString(), b == null ? null : b.toPlainString());
        }
    }

    private void exact(String row, String field, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            add(row, field, a, b);
        }
    }

    private void add(String row, String field, Object tested, Object reference) {
        mismatches.add(where + (row.isEmpty() ? "" : " row=" + row) + " field=" + field
                + ": tested=" + tested + " reference=" + reference);
    }
}
