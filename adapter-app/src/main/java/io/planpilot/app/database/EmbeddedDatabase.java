package io.planpilot.app.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The zero-setup PostgreSQL: a real server whose files live under {@code ${adapter.data-dir}/postgres}
 * and survive restarts. It is started on a background thread as soon as the configuration is known,
 * so that the rest of the application context is built while PostgreSQL boots; whatever needs the
 * database first calls {@link #awaitReady()}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
    static final String USER = "postgres";
    static final String DATABASE = "postgres";

    private final Path dataDirectory;
    private final int port;
    private final CompletableFuture<EmbeddedPostgres> server;

    private EmbeddedDatabase(Path dataDirectory, int port, CompletableFuture<EmbeddedPostgres> server) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.server = server;
    }

    /** Starts PostgreSQL in the background on a free loopback port; the port is known at once. */
    public static EmbeddedDatabase startInBackground(Path adapterDataDir) {
        Path pgData = adapterDataDir.resolve("postgres").toAbsolutePath();
        Path runtime = adapterDataDir.resolve("postgres-runtime").toAbsolutePath();
        int port = freePort();
        CompletableFuture<EmbeddedPostgres> server = CompletableFuture.supplyAsync(() -> start(pgData, runtime, port),
                runnable -> {
                    Thread thread = new Thread(runnable, "embedded-postgres-start");
                    thread.setDaemon(true);
                    thread.start();
                });
        return new EmbeddedDatabase(pgData, port, server);
    }

    private static EmbeddedPostgres start(Path pgData, Path runtime, int port) {
        try {
            Files.createDirectories(pgData);
            Files.createDirectories(runtime);
            StalePostmaster.clear(pgData);
            long started = System.nanoTime();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(pgData)
                    .setCleanDataDirectory(false)
                    // binaries go under the data dir, not java.io.tmpdir, which may be noexec
                    .setOverrideWorkingDirectory(runtime.toFile())
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setRegisterShutdownHook(true)
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "100")
                    .start();
            log.info("Embedded PostgreSQL is up on 127.0.0.1:{} with data in {} ({} ms)", port, pgData,
                    (System.nanoTime() - started) / 1_000_000);
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException(failureMessage(pgData, e), e);
        }
    }

    private static String failureMessage(Path pgData, IOException e) {
        String reason = Optional.ofNullable(e.getMessage()).orElse(e.getClass().getSimpleName());
        String hint = reason.contains("unshare")
                ? " (running as root needs user namespaces, 'unshare -U'; run as a normal user or set adapter.database.url)"
                : "";
        return "the embedded PostgreSQL in " + pgData + " did not start: " + reason + hint;
    }

    /** Blocks until the server accepts connections; rethrows its start-up failure. */
    public void awaitReady() {
        try {
            server.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the embedded PostgreSQL", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
        }
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String username() {
        return USER;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    public void close() {
        server.thenAccept(postgres -> {
            try {
                postgres.close();
            } catch (IOException e) {
                log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
            }
        }).exceptionally(failure -> null).join();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port for the embedded PostgreSQL", e);
        }
    }

    /**
     * A JVM killed with SIGKILL can leave its postmaster running, or a postmaster.pid behind.
     * A live leftover postmaster of this data directory is stopped; a stale pid file is removed.
     */
    static final class StalePostmaster {
        private StalePostmaster() {
        }

        static void clear(Path pgData) throws IOException {
            Path pidFile = pgData.resolve("postmaster.pid");
            if (!Files.exists(pidFile)) {
                return;
            }
            List<String> lines = Files.readAllLines(pidFile);
            Optional<ProcessHandle> postmaster = lines.isEmpty() ? Optional.empty()
                    : parsePid(lines.get(0)).flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
            if (postmaster.isPresent()) {
                log.warn("Stopping a PostgreSQL left running by an earlier adapter process (pid {})", postmaster.get().pid());
                postmaster.get().destroy(); // SIGTERM: smart shutdown, its clients are gone
                try {
                    postmaster.get().onExit().get(java.util.concurrent.TimeUnit.SECONDS.toMillis(20),
                            java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (Exception e) {
                    postmaster.get().destroyForcibly();
                }
            }
            Files.deleteIfExists(pidFile);
        }

        private static Optional<Long> parsePid(String line) {
            try {
                return Optional.of(Long.parseLong(line.trim()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
    }
}
