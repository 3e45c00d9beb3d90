package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.UnsupportedCapabilityException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A CSV connection with {@code actions-file} takes tasks and comments as rows of that file, each once. */
class CsvActionsFileTest {

    @TempDir
    Path dir;

    private CsvConnector connector(String actionsFile) {
        Map<String, String> options = actionsFile == null ? Map.of("path", dir.toString())
                : Map.of("path", dir.toString(), "actions-file", actionsFile);
        return new CsvConnector(new ConnectionSettings("files", "csv", ZoneOffset.UTC, "USD", Map.of(), options));
    }

    @Test
    void tasksAndCommentsBecomeRowsOnceEachAcrossRestarts() throws IOException {
        Path file = dir.resolve("out").resolve("actions.csv");
        CsvConnector connector = connector(file.toString());
        assertThat(connector.capabilities().tasks()).isTrue();
        assertThat(connector.capabilities().comments()).isTrue();
        assertThat(connector.capabilities().notifications()).isFalse();

        String task = connector.write(new CrmWrite.Task("stale-deal:files:42:2026-10-01", "7", "42", "Call Acme, \"urgent\"",
                "No activity for 20 days.\nCall today.", Instant.parse("2026-11-28T15:00:00Z")));
        String comment = connector.write(new CrmWrite.Comment("large-deal:files:42", "42", "A large deal: consider taking part."));
        String again = connector(file.toString()).write(new CrmWrite.Task("stale-deal:files:42:2026-10-01", "7", "42", "Call Acme",
                "changed text", null));

        assertThat(task).isEqualTo("1");
        assertThat(comment).isEqualTo("2");
        assertThat(again).as("a restarted connector finds the key in the file").isEqualTo("1");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines.get(0)).isEqualTo("id,idempotency_key,kind,assignee,deal_id,title,text,deadline,written_at");
        assertThat(lines.get(1)).startsWith("1,stale-deal:files:42:2026-10-01,TASK,7,42,\"Call Acme, \"\"urgent\"\"\",\"No activity for 20 days.");
        assertThat(String.join("\n", lines)).contains("2026-11-28T15:00:00Z").contains("2,large-deal:files:42,COMMENT,,42,,A large deal");
        assertThat(lines).hasSize(4); // header, the task over two lines, the comment
    }

    @Test
    void withoutAnActionsFileTheConnectionTakesNoWrites() {
        CsvConnector connector = connector(null);

        assertThat(connector.capabilities().tasks()).isFalse();
        assertThatThrownBy(() -> connector.write(new CrmWrite.Comment("k", "42", "text")))
                .isInstanceOf(UnsupportedCapabilityException.class);
    }
}
