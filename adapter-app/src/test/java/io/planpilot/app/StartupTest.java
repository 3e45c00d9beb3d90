package io.planpilot.app;

import io.planpilot.app.store.CrmRecordStore;
import io.planpilot.app.sync.Connections;
import io.planpilot.app.sync.SyncRun;
import io.planpilot.app.sync.SyncRunStore;
import io.planpilot.app.sync.SyncService;
import io.planpilot.core.connector.SyncMode;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Whole starts of the adapter: restarts on one data directory, and a start that a bad config stops. */
class StartupTest {

    @Test
    void aRestartKeepsTheStoredDataAndTheGeneratedToken() throws IOException {
        Path dataDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "restart-");
        SmallExport export = SmallExport.createIn(dataDir.resolve("export"));

        try (ConfigurableApplicationContext app = start(dataDir, export)) {
            SyncRun run = fullSync(app);
            assertThat(run.status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        }
        String token = Files.readString(dataDir.resolve("admin-token"));

        try (ConfigurableApplicationContext app = start(dataDir, export)) {
            CrmRecordStore.RecordCounts counts = app.getBean(CrmRecordStore.class).counts("small").block();
            assertThat(counts).isEqualTo(new CrmRecordStore.RecordCounts(4, 3, 2));
            assertThat(app.getBean(SyncRunStore.class).latest("small").block().status()).isEqualTo(SyncRun.Status.SUCCEEDED);
        }
        assertThat(Files.readString(dataDir.resolve("admin-token"))).isEqualTo(token).isNotBlank();
    }

    @Test
    void aBadConfigurationStopsTheStartWithOneLinePerProblemAndExitStatus1() throws Exception {
        Path workDir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "badconfig-");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PlanPilotApplication.class.getName(),
                "--adapter.data-dir=" + workDir.resolve("data"),
                "--adapter.colour=blue",
                "--adapter.time-zone=Mars/Olympus",
                "--adapter.connections.crm.type=salesforce",
                "--adapter.connections.files.type=csv")
                .directory(workDir.toFile())
                .redirectOutput(workDir.resolve("stdout.txt").toFile())
                .redirectError(workDir.resolve("stderr.txt").toFile())
                .start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        List<String> stderr = Files.readAllLines(workDir.resolve("stderr.txt"), StandardCharsets.UTF_8);
        String stdout = Files.readString(workDir.resolve("stdout.txt"));
        assertThat(process.exitValue()).isEqualTo(1);
        assertThat(stderr).containsExactlyInAnyOrder(
                "adapter.time-zone: must be a time zone id such as UTC or Europe/Moscow (got 'Mars/Olympus')",
                "adapter.connections.crm.type: unknown connection type 'salesforce' (one of [amocrm, bitrix24, csv, hubspot, pipedrive])",
                "adapter.connections.files.path: is required",
                "adapter.colour: unknown key");
        assertThat(stdout + String.join("\n", stderr)).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.exists(workDir.resolve("data").resolve("postgres"))).as("no database started").isFalse();
    }

    private static ConfigurableApplicationContext start(Path dataDir, SmallExport export) {
        return new SpringApplicationBuilder(PlanPilotApplication.class).run(
                "--server.port=0",
                "--adapter.data-dir=" + dataDir,
                "--adapter.connections.small.type=csv",
                "--adapter.connections.small.path=" + export.folder(),
                "--adapter.connections.small.sync-interval=0");
    }

    private static SyncRun fullSync(ConfigurableApplicationContext app) {
        Connections.Connection small = app.getBean(Connections.class).find("small").orElseThrow();
        SyncRunStore runs = app.getBean(SyncRunStore.class);
        SyncRun started = runs.start("small", SyncMode.FULL).block().run();
        return app.getBean(SyncService.class).execute(small, started);
    }
}
