package io.planpilot.app.database;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class StalePostmasterTest {

    @Test
    void aPidFileOfAProcessThatIsGoneIsRemoved(@TempDir Path pgData) throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        Files.writeString(pgData.resolve("postmaster.pid"), gone.pid() + "\n" + pgData + "\n");

        EmbeddedDatabase.StalePostmaster.clear(pgData);

        assertThat(pgData.resolve("postmaster.pid")).doesNotExist();
    }

    @Test
    void aPidFileNamingAnotherLiveProgramLeavesThatProgramAlone(@TempDir Path pgData) throws Exception {
        Process other = new ProcessBuilder("sleep", "30").start();
        try {
            Files.writeString(pgData.resolve("postmaster.pid"), other.pid() + "\n");

            EmbeddedDatabase.StalePostmaster.clear(pgData);

            assertThat(other.isAlive()).isTrue();
            assertThat(pgData.resolve("postmaster.pid")).doesNotExist();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void noPidFileIsNothingToDo(@TempDir Path pgData) throws Exception {
        EmbeddedDatabase.StalePostmaster.clear(pgData);

        assertThat(pgData.resolve("postmaster.pid")).doesNotExist();
    }
}
