package io.planpilot.bench;

import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.Dimension;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiSnapshot;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.StringReader;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The engine next to SQL on the same data, in one run: the generated deals are loaded into an
 * embedded PostgreSQL 17 (COPY) and an in-memory DuckDB (appender), and three aggregates are timed
 * on each, with {@code System.nanoTime} over warm repetitions:
 * <ol>
 *   <li>summary: won amount, won count and lost count of the deals closed in 2026-11 as of t;</li>
 *   <li>breakdown: the won amount of 2026-11 by region;</li>
 *   <li>open set: count and amount of the deals open at t with an expected close in 2026-11 or none.</li>
 * </ol>
 * The engine answers 1 and 3 with {@code summary} and 2 with {@code breakdown(region)}, each of
 * which computes every KPI of KPI.md for its rows (the SQL computes only these aggregates). The
 * answers are compared, so each side is checked against the other.
 *
 * <pre>java -Xmx6g -cp bench/target/benchmarks.jar io.planpilot.bench.SqlComparison [repetitions]</pre>
 */
public final class SqlComparison {

    private static final int WARMUP = Integer.getInteger("bench.warmup", 10);

    private SqlComparison() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"));
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path dir = Path.of(System.getProperty("bench.dir", "bench/target")).toAbsolutePath();

        long started = System.nanoTime();
        BenchData bench = BenchData.generate();
        System.out.printf("generated %,d deals in %.1f s%n", bench.data.deals().size(), seconds(started));
        started = System.nanoTime();
        KpiEngine engine = new KpiEngine(KpiSnapshot.of(bench.data, bench.settings, bench.plan));
        double snapshotSeconds = seconds(started);
        System.out.printf("engine: snapshot built in %.1f s%n", snapshotSeconds);

        Path pgData = dir.resolve("pg-data");
        Path pgRuntime = dir.resolve("pg-runtime");
        Files.createDirectories(pgRuntime);
        started = System.nanoTime();
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(pgData)
                .setCleanDataDirectory(true)
                .setOverrideWorkingDirectory(pgRuntime.toFile())
                .setPGStartupWait(Duration.ofSeconds(120))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("shared_buffers", "1GB")
                .setServerConfig("work_mem", "64MB")
                .setServerConfig("max_parallel_workers_per_gather", "2")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("max_wal_size", "4GB")
                .start();
             Connection pg = postgres.getPostgresDatabase().getConnection();
             Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            System.out.printf("PostgreSQL started in %.1f s (%s)%n", seconds(started), version(pg));
            started = System.nanoTime();
            loadPostgres(pg, bench.data.deals());
            double pgLoad = seconds(started);
            System.out.printf("PostgreSQL: %,d deals loaded (COPY, index on closed_at, VACUUM ANALYZE) in %.1f s%n",
                    count(pg), pgLoad);
            started = System.nanoTime();
            loadDuckDb(duck, bench.data.deals());
            double duckLoad = seconds(started);
            System.out.printf("DuckDB %s: %,d deals loaded (appender) in %.1f s%n", version(duck), count(duck), duckLoad);
            bench = null; // only the snapshot and the databases hold the data from here on
            System.gc();

            List<Row> results = new ArrayList<>();
            results.add(compare("summary: won amount, won count, lost count of 2026-11 as of t", repetitions,
                    () -> summaryOfEngine(engine), () -> query(pg, SUMMARY_SQL), () -> query(duck, SUMMARY_SQL)));
            results.add(compare("breakdown: won amount by region, 2026-11 as of t", repetitions,
                    () -> regionsOfEngine(engine), () -> query(pg, REGION_SQL), () -> query(duck, REGION_SQL)));
            results.add(compare("open set of 2026-11 at t: count and amount", repetitions,
                    () -> openSetOfEngine(engine), () -> query(pg, OPEN_SQL), () -> query(duck, OPEN_SQL)));

            System.out.printf("%n| query | engine ms | PostgreSQL ms | DuckDB ms | engine vs PostgreSQL | engine vs DuckDB |%n");
            System.out.println("| --- | --- | --- | --- | --- | --- |");
            for (Row row : results) {
                System.out.printf("| %s | %.1f | %.1f | %.1f | %s | %s |%n", row.name, row.engine.median(), row.postgres.median(),
                        row.duckdb.median(), versus(row.engine, row.postgres), versus(row.engine, row.duckdb));
            }
            System.out.printf("(medians of %d timed repetitions after %d warm-up ones; load: snapshot %.1f s, PostgreSQL %.1f s, "
                    + "DuckDB %.1f s)%n", repetitions, WARMUP, snapshotSeconds, pgLoad, duckLoad);
        }
    }

    // ---- the SQL (the same text for PostgreSQL and DuckDB)

    static final String T = "TIMESTAMP '2026-11-20 12:00:00'";
    static final String FROM = "TIMESTAMP '2026-11-01 00:00:00'";
    static final String TO = "TIMESTAMP '2026-12-01 00:00:00'";

    static final String SUMMARY_SQL = """
            SELECT coalesce(sum(amount) FILTER (WHERE status = 'WON'), 0), count(*) FILTER (WHERE status = 'WON'),
                   count(*) FILTER (WHERE status = 'LOST')
            FROM deals
            WHERE created_at <= %1$s AND closed_at <= %1$s AND closed_at >= %2$s AND closed_at < %3$s
            """.formatted(T, FROM, TO);

    static final String REGION_SQL = """
            SELECT coalesce(region, '(none)') AS region, coalesce(sum(amount), 0)
            FROM deals
            WHERE status = 'WON' AND created_at <= %1$s AND closed_at <= %1$s AND closed_at >= %2$s AND closed_at < %3$s
            GROUP BY 1 ORDER BY 1
            """.formatted(T, FROM, TO);

    static final String OPEN_SQL = """
            SELECT count(*), coalesce(sum(amount), 0)
            FROM deals
            WHERE created_at <= %1$s AND (closed_at IS NULL OR closed_at > %1$s)
              AND (expected_close IS NULL OR (expected_close >= DATE '2026-11-01' AND expected_close < DATE '2026-12-01'))
            """.formatted(T);

    // ---- the engine's answers, in the shape of the SQL's

    static List<List<String>> summaryOfEngine(KpiEngine engine) {
        KpiFigures f = engine.summary(BenchData.QUERY);
        return List.of(List.of(plain(f.wonAmount()), Long.toString(f.wonCount()), Long.toString(f.lostCount())));
    }

    static List<List<String>> regionsOfEngine(KpiEngine engine) {
        List<List<String>> rows = new ArrayList<>();
        for (BreakdownRow row : engine.breakdown(BenchData.QUERY, Dimension.REGION)) {
            if (row.figures().wonCount() > 0) {
                rows.add(List.of(row.key(), plain(row.figures().wonAmount())));
            }
        }
        return rows;
    }

    static List<List<String>> openSetOfEngine(KpiEngine engine) {
        KpiFigures f = engine.summary(BenchData.QUERY);
        return List.of(List.of(Long.toString(f.openCount()), plain(f.openAmount())));
    }

    // ---- loading

    static final String CREATE = """
            CREATE TABLE deals (id VARCHAR NOT NULL, pipeline VARCHAR NOT NULL, status VARCHAR NOT NULL, owner VARCHAR,
              region VARCHAR, segment VARCHAR, created_at TIMESTAMP NOT NULL, closed_at TIMESTAMP, expected_close DATE,
              amount DECIMAL(18,4))
            """;

    /** A deal's amount in the base currency, as the engine computes it (KPI.md, "Amount"). */
    static BigDecimal baseAmount(Deal deal) {
        BigDecimal raw = deal.amount();
        if (raw == null && !deal.lines().isEmpty()) {
            raw = deal.lines().stream().map(ProductLine::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
        }
        if (raw == null) {
            return null;
        }
        BigDecimal rate = deal.currency().equals("USD") ? BigDecimal.ONE : BenchData.RATES.get(deal.currency());
        return rate == null ? null : raw.multiply(rate, MathContext.DECIMAL128).setScale(4);
    }

    static void loadPostgres(Connection pg, List<Deal> deals) throws Exception {
        try (Statement st = pg.createStatement()) {
            st.execute(CREATE);
        }
        CopyManager copy = pg.unwrap(PGConnection.class).getCopyAPI();
        StringBuilder csv = new StringBuilder(16 << 20);
        for (int i = 0; i < deals.size(); i++) {
            Deal d = deals.get(i);
            csv.append(d.id()).append(',').append(d.pipeline()).append(',').append(d.status().name()).append(',');
            field(csv, d.owner());
            field(csv, d.dimensions().get("region"));
            field(csv, d.dimensions().get("segment"));
            csv.append(timestamp(d.createdAt())).append(',');
            csv.append(d.closedAt() == null ? "" : timestamp(d.closedAt())).append(',');
            csv.append(d.expectedClose() == null ? "" : d.expectedClose().toString()).append(',');
            BigDecimal amount = baseAmount(d);
            csv.append(amount == null ? "" : amount.toPlainString()).append('\n');
            if ((i + 1) % 100_000 == 0 || i == deals.size() - 1) {
                copy.copyIn("COPY deals FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
                csv.setLength(0);
            }
        }
        try (Statement st = pg.createStatement()) {
            st.execute("CREATE INDEX deals_closed_at ON deals (closed_at)");
            st.execute("VACUUM ANALYZE deals");
        }
    }

    private static void field(StringBuilder csv, String value) {
        if (value != null) {
            csv.append('"').append(value.replace("\"", "\"\"")).append('"');
        }
        csv.append(',');
    }

    private static String timestamp(Instant instant) {
        return instant.toString().replace('T', ' ').replace("Z", "");
    }

    static void loadDuckDb(Connection duck, List<Deal> deals) throws SQLException {
        try (Statement st = duck.createStatement()) {
            st.execute(CREATE);
        }
        try (DuckDBAppender appender = duck.unwrap(DuckDBConnection.class).createAppender("main", "deals")) {
            for (Deal d : deals) {
                appender.beginRow();
                appender.append(d.id());
                appender.append(d.pipeline());
                appender.append(d.status().name());
                appendOrNull(appender, d.owner());
                appendOrNull(appender, d.dimensions().get("region"));
                appendOrNull(appender, d.dimensions().get("segment"));
                appender.appendEpochMicros(micros(d.createdAt()));
                if (d.closedAt() == null) {
                    appender.appendNull();
                } else {
                    appender.appendEpochMicros(micros(d.closedAt()));
                }
                if (d.expectedClose() == null) {
                    appender.appendNull();
                } else {
                    appender.append(d.expectedClose());
                }
                BigDecimal amount = baseAmount(d);
                if (amount == null) {
                    appender.appendNull();
                } else {
                    appender.append(amount);
                }
                appender.endRow();
            }
        }
    }

    private static void appendOrNull(DuckDBAppender appender, String value) throws SQLException {
        if (value == null) {
            appender.appendNull();
        } else {
            appender.append(value);
        }
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    // ---- timing

    record Timings(double[] millis) {
        double median() {
            double[] sorted = millis.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }

        double mean() {
            return Arrays.stream(millis).average().orElse(Double.NaN);
        }

        double min() {
            return Arrays.stream(millis).min().orElse(Double.NaN);
        }

        double max() {
            return Arrays.stream(millis).max().orElse(Double.NaN);
        }
    }

    /** "2.5× faster" or "3.1× slower": the engine's median against the other side's. */
    static String versus(Timings engine, Timings other) {
        double ratio = other.median() / engine.median();
        return ratio >= 1 ? String.format("%.1f× faster", ratio) : String.format("%.1f× slower", 1 / ratio);
    }

    record Row(String name, Timings engine, Timings postgres, Timings duckdb) {
    }

    static Row compare(String name, int repetitions, Callable<List<List<String>>> engine, Callable<List<List<String>>> postgres,
                       Callable<List<List<String>>> duckdb) throws Exception {
        System.out.printf("%n%s%n", name);
        Map<String, Callable<List<List<String>>>> sides = new LinkedHashMap<>();
        sides.put("engine", engine);
        sides.put("PostgreSQL", postgres);
        sides.put("DuckDB", duckdb);
        Map<String, Timings> timings = new LinkedHashMap<>();
        Map<String, List<List<String>>> answers = new TreeMap<>();
        for (Map.Entry<String, Callable<List<List<String>>>> side : sides.entrySet()) {
            List<List<String>> answer = null;
            for (int i = 0; i < WARMUP; i++) {
                answer = side.getValue().call();
            }
            double[] millis = new double[repetitions];
            for (int i = 0; i < repetitions; i++) {
                long start = System.nanoTime();
                answer = side.getValue().call();
                millis[i] = (System.nanoTime() - start) / 1e6;
            }
            Timings t = new Timings(millis);
            timings.put(side.getKey(), t);
            answers.put(side.getKey(), answer);
            System.out.printf("  %-10s median %8.2f ms  mean %8.2f  min %8.2f  max %8.2f   answer %s%n", side.getKey(), t.median(),
                    t.mean(), t.min(), t.max(), abbreviate(answer));
        }
        List<List<String>> expected = answers.get("engine");
        answers.forEach((side, answer) -> {
            if (!same(expected, answer)) {
                System.out.printf("  !! %s disagrees with the engine%n", side);
            }
        });
        return new Row(name, timings.get("engine"), timings.get("PostgreSQL"), timings.get("DuckDB"));
    }

    /** Equal cell by cell, numbers by value (1e-9 relative), text exactly. */
    static boolean same(List<List<String>> a, List<List<String>> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int r = 0; r < a.size(); r++) {
            List<String> x = a.get(r);
            List<String> y = b.get(r);
            if (x.size() != y.size()) {
                return false;
            }
            for (int c = 0; c < x.size(); c++) {
                if (!x.get(c).equals(y.get(c))) {
                    try {
                        BigDecimal p = new BigDecimal(x.get(c));
                        BigDecimal q = new BigDecimal(y.get(c));
                        BigDecimal diff = p.subtract(q).abs();
                        if (diff.compareTo(p.abs().max(BigDecimal.ONE).multiply(new BigDecimal("1e-9"))) > 0) {
                            return false;
                        }
                    } catch (NumberFormatException e) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    static List<List<String>> query(Connection connection, String sql) throws SQLException {
        List<List<String>> rows = new ArrayList<>();
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int c = 1; c <= columns; c++) {
                    Object value = rs.getObject(c);
                    row.add(value instanceof BigDecimal d ? plain(d) : String.valueOf(value));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String plain(BigDecimal value) {
        return value == null ? "null" : value.stripTrailingZeros().toPlainString();
    }

    private static String abbreviate(List<List<String>> answer) {
        String text = String.valueOf(answer);
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }

    private static long count(Connection connection) throws SQLException {
        return Long.parseLong(query(connection, "SELECT count(*) FROM deals").get(0).get(0));
    }

    private static String version(Connection connection) throws SQLException {
        return query(connection, "SELECT version()").get(0).get(0);
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
