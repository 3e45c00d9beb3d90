package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.SettingProblem;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class CsvConnectorPropertiesTest {

    private final CsvConnectorFactory factory = new CsvConnectorFactory();

    private static ConnectionSettings settings(Map<String, String> options) {
        return new ConnectionSettings("crm", "csv", ZoneOffset.UTC, "USD", Map.of(), options);
    }

    @Test
    void aPathAndKnownRenamesAreValid() {
        assertThat(factory.validate(settings(Map.of("path", "exports", "columns.deals.amount", "Deal value",
                "columns.stage_history.entered_at", "When")))).isEmpty();
    }

    @Test
    void aMissingOrBlankPathIsRequired() {
        assertThat(factory.validate(settings(Map.of()))).containsExactly(new SettingProblem("path", "is required"));
        assertThat(factory.validate(settings(Map.of("path", " ")))).containsExactly(new SettingProblem("path", "is required"));
    }

    @Test
    void theFolderIsNotCheckedWhenValidating() {
        assertThat(factory.validate(settings(Map.of("path", "/no/such/folder")))).isEmpty();
    }

    @Test
    void unknownKeysFilesAndColumnsAreProblems() {
        assertThat(factory.validate(settings(Map.of("path", "x", "columns.deals.amout", "Sum",
                "columns.leads.amount", "Sum", "folder", "y", "columns.deals", "z", "columns.deals.amount", " "))))
                .extracting(SettingProblem::key, SettingProblem::problem)
                .containsExactly(
                        tuple("columns.deals", "unknown column of deals.csv"),
                        tuple("columns.deals.amount", "must name the column's header in the file"),
                        tuple("columns.deals.amout", "unknown column of deals.csv"),
                        tuple("columns.leads.amount", "unknown file 'leads' (known: stages, users, deals,"
                                + " stage_history, deal_lines, activities)"),
                        tuple("folder", "unknown option of a csv connection (known: path, actions-file, columns.<file>.<column>)"));
    }

    @Test
    void twoColumnsRenamedToTheSameHeaderAreAProblem() {
        assertThat(factory.validate(settings(Map.of("path", "x", "columns.deals.amount", "Sum",
                "columns.deals.title", "sum"))))
                .containsExactly(new SettingProblem("columns.deals.title", "names the same header 'sum' as columns.deals.amount"));
    }

    @Test
    void aRelativePathResolvesAgainstTheWorkingDirectory() {
        CsvConnectorProperties properties = CsvConnectorProperties.of(settings(Map.of("path", "exports/crm")));

        assertThat(properties.folder()).isEqualTo(Path.of("").toAbsolutePath().resolve("exports/crm"));
    }

    @Test
    void creatingAConnectorWithBadOptionsFails() {
        assertThatThrownBy(() -> factory.create(settings(Map.of("columns.deals.x", "y"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path: is required").hasMessageContaining("columns.deals.x");
    }
}
