package io.planpilot.bench;

import io.planpilot.core.kpi.CrmChanges;
import io.planpilot.core.kpi.KpiSnapshot;
import io.planpilot.core.kpi.LiveSnapshot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An incremental update of the live snapshot: {@link LiveSnapshot#apply} of a batch of 1,000
 * changed deals (new amounts, stage moves and closes with their history entries) plus ~830 new or
 * changed activities of those deals. The batches are built beforehand and taken in turn, so every
 * invocation applies a batch other than the one before (a batch comes round again after
 * {@value #BATCHES} invocations, as the same deals changing once more).
 *
 * <p>Rows of replaced versions stay in the columns (they die, they are not removed), so the columns
 * grow with every apply and now and then are copied into arrays twice as large: that copy is part
 * of the measured average, as it is in the adapter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class SnapshotUpdateBenchmark {

    static final int BATCHES = 256;

    @Param("1000")
    public int dealsPerBatch;

    private LiveSnapshot live;
    private CrmChanges[] batches;
    private int next;

    @Setup(Level.Trial)
    public void build() {
        BenchData bench = BenchData.generate();
        long started = System.nanoTime();
        live = new LiveSnapshot(bench.data, bench.settings, bench.plan);
        long built = System.nanoTime();
        List<CrmChanges> list = bench.changeBatches(BATCHES, dealsPerBatch);
        batches = list.toArray(new CrmChanges[0]);
        CrmChanges first = batches[0];
        System.out.printf("%n[setup] live snapshot built in %.1f s; a batch: %,d deals, %,d history entries, %,d activities%n",
                (built - started) / 1e9, first.deals().size(), first.transitions().size(), first.activities().size());
    }

    @Benchmark
    public KpiSnapshot apply() {
        CrmChanges batch = batches[next];
        next = (next + 1) % BATCHES;
        return live.apply(batch);
    }
}
