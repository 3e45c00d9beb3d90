package io.planpilot.core.rules;

import io.planpilot.core.kpi.RepFigures;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule 6: a rep whose task completion in the period is below {@code threshold}: a recommendation to
 * the head of the rep's connection (training, coaching, reassignment) with the rep's figures
 * against the team's median. Key version: the completion step.
 */
final class TasksNotDoneRule implements Rule {

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        RuleSettings.TasksNotDone s = e.settings.tasksNotDone();
        List<ProposedAction> actions = new ArrayList<>();
        if (!s.enabled()) {
            return actions;
        }
        BigDecimal team = teamMedian(e.reps());
        Texts t = e.texts;
        for (RepFigures rep : e.reps()) {
            if (rep.taskCompletion() == null || rep.taskCompletion().compareTo(s.threshold()) >= 0) {
                continue;
            }
            Evaluation.Subject subject = e.subject(rep.key());
            String head = subject == null ? null : e.head(subject.connection());
            if (head == null) {
                continue;
            }
            String title = t.say(rep.name() + " did " + t.percent(rep.taskCompletion()) + " of tasks on time in " + e.period
                            + " (team " + t.percent(team) + ")",
                    rep.name() + " выполнил(а) в срок " + t.percent(rep.taskCompletion()) + " задач за " + e.period
                            + " (команда " + t.percent(team) + ")");
            String body = t.say(rep.name() + " completed " + t.percent(rep.taskCompletion()) + " of the tasks due in "
                            + e.period + " on time; the team's median is " + t.percent(team) + ", the threshold "
                            + t.percent(s.threshold()) + ". Overdue tasks now: " + rep.overdueTasks() + ". Deals without activity: "
                            + rep.staleDeals() + ". Won: " + t.money(rep.wonAmount()) + " in " + rep.wonCount() + " deals.\n"
                            + "Consider: training on the sales process, coaching one to one, or reassigning part of the deals.",
                    rep.name() + " выполнил(а) в срок " + t.percent(rep.taskCompletion()) + " задач со сроком в "
                            + e.period + "; медиана команды " + t.percent(team) + ", порог " + t.percent(s.threshold())
                            + ". Просрочено задач сейчас: " + rep.overdueTasks() + ". Сделок без активности: "
                            + rep.staleDeals() + ". Выиграно: " + t.money(rep.wonAmount()) + " в " + rep.wonCount() + " сделках.\n"
                            + "Варианты: обучение процессу продаж, личный коучинг или передача части сделок.")
                    + t.dashboard(e.period);
            actions.add(Evaluation.notify(RuleSettings.TASKS_NOT_DONE, subject.connection(), head, null,
                    DedupeKey.of(RuleSettings.TASKS_NOT_DONE, subject.connection(), subject.id(), e.period,
                            "c" + Evaluation.step(rep.taskCompletion(), s.step())),
                    title, body));
        }
        return actions;
    }

    /** The median of the reps' task completion (reps with tasks due); null when none has any. */
    static BigDecimal teamMedian(List<RepFigures> reps) {
        List<BigDecimal> values = reps.stream().map(RepFigures::taskCompletion).filter(java.util.Objects::nonNull)
                .sorted().toList();
        int n = values.size();
        if (n == 0) {
            return null;
        }
        return n % 2 == 1 ? values.get(n / 2)
                : values.get(n / 2 - 1).add(values.get(n / 2)).divide(BigDecimal.valueOf(2), Evaluation.MC);
    }
}
