package io.planpilot.app.rules;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.config.RulesConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs the rules on the rules file's {@code schedule} (default every working day at 09:00) in
 * {@code adapter.time-zone}, skipping {@code adapter.calendar.holidays}. Each replica keeps the
 * schedule; the outbox's dedupe keys make the second replica's run store nothing.
 */
@Component
public class RuleSchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RuleSchedule.class);

    private final RuleRuns runs;
    private final RulesConfig rules;
    private final ZoneId zone;
    private final Set<LocalDate> holidays;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public RuleSchedule(RuleRuns runs, AdapterConfig config, Clock clock) {
        this.runs = runs;
        this.rules = config.rules();
        this.zone = config.timeZone();
        this.holidays = Set.copyOf(config.holidays());
        this.clock = clock;
    }

    /** The next time the rules run after {@code after}: the schedule's next time that is not a holiday; null when off. */
    static ZonedDateTime next(CronExpression schedule, ZonedDateTime after, Set<LocalDate> holidays) {
        ZonedDateTime next = schedule == null ? null : schedule.next(after);
        for (int i = 0; next != null && holidays.contains(next.toLocalDate()) && i < 10_000; i++) {
            next = schedule.next(next);
        }
        return next;
    }

    @Override
    public synchronized void start() {
        if (rules.schedule() == null) {
            log.info("Rules schedule: off (the rules file's schedule); the rules run on request{}",
                    rules.afterChanges() ? " and after changes" : "");
            return;
        }
        timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "rules-schedule");
            thread.setDaemon(true);
            return thread;
        });
        planNext();
    }

    private void planNext() {
        ZonedDateTime now = clock.instant().atZone(zone);
        ZonedDateTime next = next(rules.schedule(), now, holidays);
        if (next == null) {
            log.warn("Rules schedule '{}' has no next time", rules.scheduleText());
            return;
        }
        long delay = Math.max(0, Duration.between(now, next).toMillis());
        timer.schedule(() -> {
            try {
                runs.runNow("schedule");
            } catch (RuntimeException e) {
                log.warn("The scheduled rules run failed: {}", e.toString(), e);
            } finally {
                planNext();
            }
        }, delay, TimeUnit.MILLISECONDS);
        log.info("Rules schedule '{}': next run at {}", rules.scheduleText(), next);
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }

    @Override
    public boolean isRunning() {
        return timer != null;
    }
}
