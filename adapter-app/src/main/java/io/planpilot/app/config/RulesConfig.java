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
 * @param perUserPerDay tasks and notices one CRM user is given at most per local day (0: no limit)
 */
public record RulesConfig(RuleSettings settings, CronExpression schedule, String scheduleText, boolean afterChanges,
                          int perUserPerDay) {

    /** Tasks and notices one CRM user is given at most per day by default. */
    public static final int DEFAULT_PER_USER_PER_DAY = 10;

    /** Every working day at 09:00. */
    public static final String DEFAULT_SCHEDULE = "0 0 9 * * MON-FRI";
}
