package io.planpilot.bench;

import io.planpilot.core.kpi.CrmChanges;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiSnapshot;
import io.planpilot.core.kpi.LiveSnapshot;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.List;

/**
 * The heap a built snapshot of the generated department keeps, and the time to build it. Not a
 * JMH benchmark: one build, then the CrmData lists are dropped and the heap that is still in use
 * after full collections is what the snapshot retains.
 *
 * <pre>java -Xmx4g -cp bench/target/benchmarks.jar io.planpilot.bench.SnapshotMemory</pre>
 *
 * With {@code -Dbench.histogram=true} it also prints the top of the class histogram of what the
 * LiveSnapshot retains.
 *
 * Prints, in MiB: the heap of the CrmData lists, of a {@link KpiSnapshot} alone
 * ({@code KpiSnapshot.of}), and of a {@link LiveSnapshot} (the snapshot plus the writer that keeps
 * it current: what the adapter holds), and the build times.
 */
public final class SnapshotMemory {

    private SnapshotMemory() {
    }

    public static void main(String[] args) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.out.printf("max heap %,d MiB%n", Runtime.getRuntime().maxMemory() >> 20);
        long empty = usedAfterGc(memory);

        long started = System.nanoTime();
        BenchData bench = BenchData.generate();
        long generated = System.nanoTime();
        long withData = usedAfterGc(memory);
        System.out.printf("generated %,d deals, %,d activities, %,d history entries in %.1f s; CrmData and plan: %,d MiB%n",
                bench.data.deals().size(), bench.data.activities().size(), bench.data.transitions().size(),
                (generated - started) / 1e9, (withData - empty) >> 20);

        // 1. KpiSnapshot.of: the snapshot alone
        started = System.nanoTime();
        KpiSnapshot snapshot = KpiSnapshot.of(bench.data, bench.settings, bench.plan);
        double buildSeconds = (System.nanoTime() - started) / 1e9;
        // three change batches for step 2, made while the data is here (~1 MiB each, counted in the figures below)
        List<CrmChanges> batches = bench.changeBatches(3, 1_000);
        var settings = bench.settings;
        var plan = bench.plan;
        var data = bench.data;
        bench = null;
        long withBoth = usedAfterGc(memory);
        data = null;
        long snapshotOnly = usedAfterGc(memory);
        System.out.printf("KpiSnapshot.of: built in %.1f s; heap while CrmData still held: %,d MiB; "
                        + "retained by the KpiSnapshot alone (CrmData dropped): %,d MiB%n",
                buildSeconds, (withBoth - empty) >> 20, (snapshotOnly - empty) >> 20);
        long dealsAlive = snapshot.dealCount();
        if (args.length > 0 && args[0].equals("--snapshot-only")) {
            System.out.println("deals alive " + dealsAlive);
            return;
        }
        snapshot = null;
        usedAfterGc(memory);

        // 2. LiveSnapshot: the snapshot and its writer (what the adapter keeps), and its first updates
        bench = BenchData.generate();
        started = System.nanoTime();
        LiveSnapshot live = new LiveSnapshot(bench.data, bench.settings, bench.plan);
        double liveSeconds = (System.nanoTime() - started) / 1e9;
        bench = null;
        long liveOnly = usedAfterGc(memory);
        System.out.printf("LiveSnapshot: built in %.1f s; retained by the LiveSnapshot (snapshot + writer, CrmData dropped): %,d MiB%n",
                liveSeconds, (liveOnly - empty) >> 20);
        if (Boolean.getBoolean("bench.histogram")) {
            histogram(25);
        }
        for (int i = 0; i < batches.size(); i++) {
            started = System.nanoTime();
            live.apply(batches.get(i));
            System.out.printf("apply #%d of 1,000 changed deals on a fresh LiveSnapshot: %.1f ms%n", i + 1, (System.nanoTime() - started) / 1e6);
        }
        long afterApply = usedAfterGc(memory);
        System.out.printf("retained by the LiveSnapshot after 3 applies: %,d MiB%n", (afterApply - empty) >> 20);
        System.out.println("(check) summary wonCount " + new KpiEngine(live.current()).summary(BenchData.QUERY).wonCount()
                + ", deals alive " + dealsAlive);
    }

    /** The top of the heap's class histogram (live objects), as {@code jcmd <pid> GC.class_histogram} prints it. */
    private static void histogram(int lines) {
        try {
            Object text = ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            String[] rows = text.toString().split("\n");
            for (int i = 0; i < Math.min(lines + 2, rows.length); i++) {
                System.out.println("  " + rows[i]);
            }
        } catch (Exception e) {
            System.out.println("no class histogram: " + e);
        }
    }

    private static long usedAfterGc(MemoryMXBean memory) {
        for (int i = 0; i < 4; i++) {
            System.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
