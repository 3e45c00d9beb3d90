package io.planpilot.core.kpi;

import io.planpilot.bench.BenchData;
import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Where a KPI request's time goes: the engine's steps timed one by one on the generated
 * department. A white-box tool: it lives in the engine's package (in the bench module only) to call
 * its package-private steps, so it follows the engine's internals and may need adjusting when they
 * change. Also times lean scans of the same columns with primitive accumulators, the floor a
 * single pass over the snapshot costs.
 *
 * <pre>java -Xmx6g -cp bench/target/benchmarks.jar io.planpilot.core.kpi.EngineProfile</pre>
 */
public final class EngineProfile {

    private static final int WARMUP = 12;
    private static final int RUNS = 15;

    private EngineProfile() {
    }

    public static void main(String[] args) throws Exception {
        BenchData bench = BenchData.generate();
        KpiSnapshot snapshot = KpiSnapshot.of(bench.data, bench.settings, bench.plan);
        bench = null;
        System.gc();
        KpiQuery query = BenchData.QUERY;
        KpiEngine engine = new KpiEngine(snapshot);
        Map<String, Callable<Object>> steps = new LinkedHashMap<>();

        steps.put("engine.summary (all)", () -> engine.summary(query));
        steps.put("  new Scope", () -> new Scope(snapshot, query));
        steps.put("  StageProbabilities.learn (1 scan: lookback deals, reachedRank)", () -> {
            Scope scope = new Scope(snapshot, query);
            StageProbabilities p = new StageProbabilities(scope);
            return p.of(firstOpenRow(scope));
        });
        for (Dimension d : List.of(Dimension.DEPARTMENT, Dimension.REGION, Dimension.PRODUCT, Dimension.REP)) {
            steps.put("  RowTallies(" + d.key() + "), probabilities learned beforehand", timedTallies(snapshot, query, d));
        }
        steps.put("lean: open set, Σ amount × learned p(s) (34-digit p, DECIMAL128)", preparedTiming(() -> {
            Scope scope = new Scope(snapshot, query);
            StageProbabilities p = new StageProbabilities(scope);
            p.of(firstOpenRow(scope));
            return () -> leanWeighted(snapshot, scope, p);
        }));
        steps.put("lean: open set, Σ amount × CRM p(s) (2-digit p, DECIMAL128)", preparedTiming(() -> {
            Scope scope = new Scope(snapshot, query);
            return () -> leanWeighted(snapshot, scope, null);
        }));
        steps.put("  KpiEngine.rows(department)", () -> KpiEngine.rows(new Scope(snapshot, query), Dimension.DEPARTMENT));
        steps.put("engine.breakdown(region)", () -> engine.breakdown(query, Dimension.REGION));
        steps.put("engine.breakdown(product)", () -> engine.breakdown(query, Dimension.PRODUCT));
        steps.put("engine.funnel(p1)", () -> engine.funnel(query, "p1"));
        steps.put("engine.capacity(region)", () -> engine.capacity(query, Dimension.REGION));
        steps.put("  KpiEngine.rows(region)", () -> KpiEngine.rows(new Scope(snapshot, query), Dimension.REGION));
        steps.put("  new CapacityReport(region) = scanDeals + scanActivities (rows given)", timedCapacity(snapshot, query));
        steps.put("engine.reps", () -> engine.reps(query));
        steps.put("  KpiEngine.rows(rep) (incl. RepReport.repsToShow)", () -> KpiEngine.rows(new Scope(snapshot, query), Dimension.REP));
        steps.put("  RepReport.repsToShow (5M activities)", () -> RepReport.repsToShow(new Scope(snapshot, query)));
        steps.put("  new RepReport = countActivities + countStaleDeals (rows given)", timedRepReport(snapshot, query));
        steps.put("lean: deal scan, primitive counts (exists, closed in P/L, open set)", () -> leanDealScan(snapshot, query));
        steps.put("lean: deal scan + BigDecimal.add of won amounts in P and L, open amounts", () -> leanDealScanWithMoney(snapshot, query));
        steps.put("lean: activity scan, done in L per owner into int[] (5M rows)", () -> leanActivityScan(snapshot, query));

        System.out.printf("%-80s %10s %10s %10s%n", "step", "median ms", "min ms", "max ms");
        for (Map.Entry<String, Callable<Object>> step : steps.entrySet()) {
            double[] t = time(step.getValue());
            System.out.printf("%-80s %10.1f %10.1f %10.1f%n", step.getKey(), t[0], t[1], t[2]);
        }
    }

    /** A holder so that only the measured part runs inside the timing. */
    private interface Prepared {
        Object run();
    }

    private static Callable<Object> timedTallies(KpiSnapshot snapshot, KpiQuery query, Dimension dimension) {
        return preparedTiming(() -> {
            Scope scope = new Scope(snapshot, query);
            StageProbabilities p = new StageProbabilities(scope);
            p.of(firstOpenRow(scope));
            return () -> new RowTallies(scope, dimension, p);
        });
    }

    private static Callable<Object> timedCapacity(KpiSnapshot snapshot, KpiQuery query) {
        return preparedTiming(() -> {
            Scope scope = new Scope(snapshot, query);
            Map<String, KpiEngine.Row> rows = KpiEngine.rows(scope, Dimension.REGION);
            return () -> new CapacityReport(scope, Dimension.REGION, rows);
        });
    }

    private static Callable<Object> timedRepReport(KpiSnapshot snapshot, KpiQuery query) {
        return preparedTiming(() -> {
            Scope scope = new Scope(snapshot, query);
            Map<String, KpiEngine.Row> rows = KpiEngine.rows(scope, Dimension.REP);
            return () -> new RepReport(scope, rows);
        });
    }

    /** Marks a step whose preparation is not timed: {@link #time} calls prepare, then times run. */
    private static Callable<Object> preparedTiming(Callable<Prepared> prepare) {
        return new PreparedStep(prepare);
    }

    private record PreparedStep(Callable<Prepared> prepare) implements Callable<Object> {
        @Override
        public Object call() throws Exception {
            return prepare.call().run();
        }
    }

    private static double[] time(Callable<Object> step) throws Exception {
        double[] millis = new double[RUNS];
        Object sink = null;
        for (int i = 0; i < WARMUP + RUNS; i++) {
            Prepared run;
            if (step instanceof PreparedStep prepared) {
                run = prepared.prepare().call();
            } else {
                run = () -> {
                    try {
                        return step.call();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                };
            }
            long start = System.nanoTime();
            sink = run.run();
            long took = System.nanoTime() - start;
            if (i >= WARMUP) {
                millis[i - WARMUP] = took / 1e6;
            }
        }
        if (sink == null) {
            System.out.print("");
        }
        double[] sorted = millis.clone();
        Arrays.sort(sorted);
        return new double[] {sorted[RUNS / 2], sorted[0], sorted[RUNS - 1]};
    }

    private static int firstOpenRow(Scope scope) {
        for (int row = 0; row < scope.snapshot.dealCount; row++) {
            if (scope.exists(row) && scope.inOpenSet(row)) {
                return row;
            }
        }
        return 0;
    }

    /**
     * The open set's Σ amount and Σ amount × p(s), p from {@code probabilities} (learned: 34-digit
     * quotients) or the stage's CRM probability (2 digits) when null.
     */
    static BigDecimal[] leanWeighted(KpiSnapshot snapshot, Scope scope, StageProbabilities probabilities) {
        BigDecimal open = BigDecimal.ZERO;
        BigDecimal weighted = BigDecimal.ZERO;
        for (int row = 0; row < snapshot.dealCount; row++) {
            if (!scope.exists(row) || !scope.inOpenSet(row)) {
                continue;
            }
            BigDecimal p = probabilities != null ? probabilities.of(row)
                    : scope.catalog.stages.get(scope.stageAt(row)).probability();
            BigDecimal amount = snapshot.deals.amount[row];
            if (amount != null) {
                open = open.add(amount);
                weighted = weighted.add(amount.multiply(p, java.math.MathContext.DECIMAL128));
            }
        }
        return new BigDecimal[] {open, weighted};
    }

    static long[] leanDealScan(KpiSnapshot snapshot, KpiQuery query) {
        Scope scope = new Scope(snapshot, query);
        long[] counts = new long[6];
        for (int row = 0; row < snapshot.dealCount; row++) {
            if (!scope.exists(row)) {
                continue;
            }
            if (scope.createdIn(row, scope.periodStart, scope.periodEnd)) {
                counts[0]++;
            }
            if (scope.closedIn(row, scope.periodStart, scope.periodEnd)) {
                counts[scope.statusAt(row) == DealColumns.WON ? 1 : 2]++;
            }
            if (scope.closedIn(row, scope.lookbackStart, scope.lookbackEnd)) {
                counts[scope.statusAt(row) == DealColumns.WON ? 3 : 4]++;
            }
            if (scope.inOpenSet(row)) {
                counts[5]++;
            }
        }
        return counts;
    }

    static BigDecimal[] leanDealScanWithMoney(KpiSnapshot snapshot, KpiQuery query) {
        Scope scope = new Scope(snapshot, query);
        BigDecimal won = BigDecimal.ZERO;
        BigDecimal wonL = BigDecimal.ZERO;
        BigDecimal open = BigDecimal.ZERO;
        for (int row = 0; row < snapshot.dealCount; row++) {
            if (!scope.exists(row)) {
                continue;
            }
            BigDecimal amount = snapshot.deals.amount[row];
            if (amount == null) {
                continue;
            }
            boolean isWon = scope.statusAt(row) == DealColumns.WON;
            if (isWon && scope.closedIn(row, scope.periodStart, scope.periodEnd)) {
                won = won.add(amount);
            }
            if (isWon && scope.closedIn(row, scope.lookbackStart, scope.lookbackEnd)) {
                wonL = wonL.add(amount);
            }
            if (scope.inOpenSet(row)) {
                open = open.add(amount);
            }
        }
        return new BigDecimal[] {won, wonL, open};
    }

    static long[] leanActivityScan(KpiSnapshot snapshot, KpiQuery query) {
        Scope scope = new Scope(snapshot, query);
        ActivityColumns a = snapshot.activities;
        long[] done = new long[scope.catalog.reps.size() + 1];
        for (int row = 0; row < snapshot.activityCount; row++) {
            long completed = a.completed[row];
            if (completed == Micros.NONE || completed > scope.t || !scope.activityInScope(row)) {
                continue;
            }
            if (completed >= scope.lookbackStart && completed < scope.lookbackEnd) {
                done[a.owner[row] + 1]++;
            }
        }
        return done;
    }
}
