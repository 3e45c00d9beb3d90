package io.planpilot.app.config;

import io.planpilot.core.rules.RuleSettings;
import org.springframework.scheduling.support.CronExpression;

/**
 * The rules file ({@code adapter.rules-file}), validated: the rule book's settings, and when the
 * adapter runs the rules by itself.
 *
 * @param settings      the rules, their thresholds and recipients
 * @param schedule      when the rules run on working days (local time in {@code adapter.time-zone});
 *                      null when the file turns the schedule off
 * @param scheduleText  the schedule as written, for the log
 * @param afterChanges  whether the rules also run after each sync and after webhook changes
 */
public record RulesConfig(RuleSettings settings, CronExpression schedule, String scheduleText, boolean afterChanges) {

    /** Every working day at 09:00. */
    public static final String DEFAULT_SCHEDULE = "0 0 9 * * MON-FRI";
}
