package io.planpilot.bench;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.CapacityRow;
import io.planpilot.core.kpi.Funnel;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSnapshot;
import io.planpilot.core.kpi.RepFigures;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One KPI request on a built snapshot of the generated department (1,000,000 deals, 5,000,000
 * activities): period 2026-11 as of 2026-11-20T12:00:00Z, all connections. The snapshot is built
 * once per fork; only the query is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class KpiEngineBenchmark {

    private KpiEngine engine;
    private final KpiQuery query = BenchData.QUERY;

    @Setup(Level.Trial)
    public void build() {
        long started = System.nanoTime();
        BenchData bench = BenchData.generate();
        long generated = System.nanoTime();
        KpiSnapshot snapshot = KpiSnapshot.of(bench.data, bench.settings, bench.plan);
        long built = System.nanoTime();
        engine = new KpiEngine(snapshot);
        System.out.printf("%n[setup] generated %,d deals / %,d activities / %,d history entries in %.1f s; snapshot built in %.1f s%n",
                bench.data.deals().size(), bench.data.activities().size(), bench.data.transitions().size(),
                (generated - started) / 1e9, (built - generated) / 1e9);
        KpiFigures summary = engine.summary(query);
        System.out.println("[setup] summary: " + summary);
    }

    @Benchmark
    public KpiFigures summary() {
        return engine.summary(query);
    }

    @Benchmark
    public List<BreakdownRow> breakdownRegion() {
        return engine.breakdown(query, Dimension.REGION);
    }

    @Benchmark
    public List<BreakdownRow> breakdownProduct() {
        return engine.breakdown(query, Dimension.PRODUCT);
    }

    @Benchmark
    public Funnel funnel() {
        return engine.funnel(query, "p1");
    }

    @Benchmark
    public List<CapacityRow> capacityRegion() {
        return engine.capacity(query, Dimension.REGION);
    }

    @Benchmark
    public List<RepFigures> reps() {
        return engine.reps(query);
    }
}
