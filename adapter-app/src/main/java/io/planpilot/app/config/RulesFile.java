package io.planpilot.app.config;

import io.planpilot.core.rules.RuleContext;
import io.planpilot.core.rules.RuleSettings;
import org.springframework.scheduling.support.CronExpression;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the rules file: its own keys ({@code schedule}, {@code run-after-changes},
 * {@code tasks-per-user-per-day}) here, the rest
 * by the rule book's {@link RuleSettings#read}. An absent file means every default; every problem is
 * reported as {@code <file>: <key>: <problem>}.
 */
final class RulesFile {

    private RulesFile() {
    }

    static RulesConfig read(Path file, RuleContext context, List<ConfigProblem> problems) {
        String where = file.toString();
        Map<String, Object> root = new LinkedHashMap<>();
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
            if (loaded instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    root.put(String.valueOf(entry.getKey()), entry.getValue());
                }
            } else if (loaded != null) {
                problems.add(new ConfigProblem(where, "must be a YAML mapping with 'recipients' and 'rules' (got "
                        + loaded.getClass().getSimpleName() + ")"));
            }
        } catch (NoSuchFileException e) {
            root = null;
        } catch (MarkedYAMLException e) {
            problems.add(new ConfigProblem(where, "line " + (e.getProblemMark().getLine() + 1) + ", column "
                    + (e.getProblemMark().getColumn() + 1) + ": " + e.getProblem()));
        } catch (YAMLException e) {
            problems.add(new ConfigProblem(where, "not YAML: " + e.getMessage()));
        } catch (IOException e) {
            problems.add(new ConfigProblem(where, "cannot be read: " + e));
        }

        String scheduleText = RulesConfig.DEFAULT_SCHEDULE;
        CronExpression schedule = CronExpression.parse(scheduleText);
        boolean afterChanges = true;
        int perUserPerDay = RulesConfig.DEFAULT_PER_USER_PER_DAY;
        if (root != null) {
            Object value = root.remove("schedule");
            if (value != null) {
                scheduleText = String.valueOf(value).trim();
                if (scheduleText.isEmpty() || scheduleText.equalsIgnoreCase("off") || Boolean.FALSE.equals(value)) {
                    schedule = null;
                    scheduleText = "off";
                } else {
                    try {
                        schedule = CronExpression.parse(scheduleText);
                    } catch (IllegalArgumentException e) {
                        problems.add(new ConfigProblem(where + ": schedule", "must be a cron expression of six fields "
                                + "(second minute hour day-of-month month day-of-week, e.g. '" + RulesConfig.DEFAULT_SCHEDULE
                                + "') or off (got '" + scheduleText + "': " + e.getMessage() + ")"));
                    }
                }
            }
            Object limit = root.remove("tasks-per-user-per-day");
            if (limit instanceof Integer number && number >= 0) {
                perUserPerDay = number;
            } else if (limit != null) {
                problems.add(new ConfigProblem(where + ": tasks-per-user-per-day", "must be a whole number, 0 for no limit (got '"
                        + limit + "')"));
            }
            Object after = root.remove("run-after-changes");
            if (after instanceof Boolean flag) {
                afterChanges = flag;
            } else if (after != null) {
                problems.add(new ConfigProblem(where + ": run-after-changes", "must be true or false (got '" + after + "')"));
            }
        }
        RuleSettings.Parsed parsed = RuleSettings.read(root, context);
        parsed.problems().forEach(problem -> problems.add(new ConfigProblem(where, problem)));
        return new RulesConfig(parsed.settings(), schedule, scheduleText, afterChanges, perUserPerDay);
    }
}
