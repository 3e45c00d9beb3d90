package io.planpilot.app.config;

import io.planpilot.core.rules.RuleContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RulesFileTest {

    private static final RuleContext DEMO = new RuleContext(Set.of("demo"), "ru", "", 14, ZoneId.of("UTC"));

    @TempDir
    Path dir;

    @Test
    void theShippedRulesFileIsValidAndRunsEveryWorkingDayAtNine() {
        List<ConfigProblem> problems = new ArrayList<>();

        RulesConfig rules = RulesFile.read(Path.of("../config/rules.yml"), DEMO, problems);

        assertThat(problems).isEmpty();
        assertThat(rules.scheduleText()).isEqualTo(RulesConfig.DEFAULT_SCHEDULE);
        assertThat(rules.afterChanges()).isTrue();
        assertThat(rules.perUserPerDay()).isEqualTo(10);
        assertThat(rules.settings().recipient(io.planpilot.core.rules.Role.HEAD, "demo")).isEqualTo("101");
    }

    @Test
    void anAbsentFileMeansEveryDefault() {
        List<ConfigProblem> problems = new ArrayList<>();

        RulesConfig rules = RulesFile.read(dir.resolve("none.yml"), DEMO, problems);

        assertThat(problems).isEmpty();
        assertThat(rules.schedule()).isNotNull();
        assertThat(rules.settings().planAtRisk()).isEqualTo(io.planpilot.core.rules.RuleSettings.defaults(DEMO).planAtRisk());
    }

    @Test
    void everyProblemIsOneLineNamingTheFileAndTheKey() throws IOException {
        Path file = write("""
                schedule: every morning
                run-after-changes: maybe
                tasks-per-user-per-day: -1
                recipients:
                  head: {crm: "1"}
                rules:
                  plan-at-risk: {threshold: high}
                  stale-dael: {enabled: true}
                """);
        List<ConfigProblem> problems = new ArrayList<>();

        RulesConfig rules = RulesFile.read(file, DEMO, problems);

        assertThat(problems).extracting(ConfigProblem::toString).allMatch(line -> line.startsWith(file + ": "));
        assertThat(String.join("\n", problems.stream().map(ConfigProblem::toString).toList()))
                .contains(file + ": schedule: must be a cron expression")
                .contains(file + ": run-after-changes: must be true or false (got 'maybe')")
                .contains(file + ": tasks-per-user-per-day: must be a whole number, 0 for no limit (got '-1')")
                .contains("recipients.head.crm")
                .contains("rules.plan-at-risk.threshold")
                .contains("stale-dael");
        assertThat(rules.afterChanges()).isTrue();
    }

    @Test
    void brokenYamlIsNamedByLineAndColumnAndScheduleOffTurnsTheScheduleOff() throws IOException {
        List<ConfigProblem> problems = new ArrayList<>();
        RulesFile.read(write("rules:\n  plan-at-risk: {threshold: 0.8\n"), DEMO, problems);
        assertThat(problems).singleElement().asString().containsPattern("rules\\.yml: line \\d+, column \\d+: ");

        problems.clear();
        RulesConfig off = RulesFile.read(write("schedule: off\nrun-after-changes: false\n"), DEMO, problems);
        assertThat(problems).isEmpty();
        assertThat(off.schedule()).isNull();
        assertThat(off.afterChanges()).isFalse();
    }

    private Path write(String text) throws IOException {
        Path file = dir.resolve("rules.yml");
        Files.writeString(file, text);
        return file;
    }
}
