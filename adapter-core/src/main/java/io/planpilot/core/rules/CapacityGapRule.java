package io.planpilot.core.rules;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.CapacityRow;

import java.util.ArrayList;
import java.util.List;

/**
 * Rule 2: a capacity row whose verdict is {@code EXPAND_OR_LOWER_PLAN}: the head gets both
 * remedies with their figures, worded to be forwarded to top management. Key version: gapReps.
 * With {@code notify: [marketing]} (rule 9), marketing hears when the department needs more new
 * opportunities (capacity's opportunitiesNeeded) than were created in the period so far.
 */
final class CapacityGapRule implements Rule {

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        RuleSettings.CapacityGap s = e.settings.capacityGap();
        List<ProposedAction> actions = new ArrayList<>();
        if (!s.enabled()) {
            return actions;
        }
        for (Dimension dimension : s.dimensions()) {
            for (CapacityRow row : e.capacity(dimension)) {
                if (row.verdict() == CapacityRow.Verdict.EXPAND_OR_LOWER_PLAN) {
                    gap(e, dimension, row, actions);
                }
                if (dimension == Dimension.DEPARTMENT && s.notifyRoles().contains(Role.MARKETING)) {
                    marketing(e, row, actions);
                }
            }
        }
        return actions;
    }

    private void gap(Evaluation e, Dimension dimension, CapacityRow r, List<ProposedAction> actions) {
        Texts t = e.texts;
        String what = t.row(dimension, r.name());
        String title = t.say("Capacity gap for " + e.period + " (" + what + "): add " + r.gapReps()
                        + " reps or lower the plan from " + t.money(r.plan()) + " to " + t.money(r.achievable()),
                "Не хватает ресурсов на " + e.period + " (" + what + "): добавить менеджеров: " + r.gapReps()
                        + " или снизить план с " + t.money(r.plan()) + " до " + t.money(r.achievable()));
        String body = t.say(
                "Recommendation on the sales plan for " + e.period + " (" + what + ").\n"
                        + "The plan is " + t.money(r.plan()) + "; " + t.money(r.wonAmount()) + " is won, "
                        + t.money(r.remaining()) + " remains. At the average deal of " + t.money(r.averageDealL())
                        + " (last " + e.kpiSettings().lookbackDays() + " days) that takes " + r.winsNeeded()
                        + " more wins, " + t.decimal(r.activitiesNeeded(), 0) + " sales activities at "
                        + t.decimal(r.activitiesPerWonL(), 1) + " activities per win.\n"
                        + "A rep does " + t.decimal(r.activitiesPerRepDayL(), 2) + " activities per working day; "
                        + r.workingDaysLeft() + " working days are left, so the plan needs " + r.repsNeeded()
                        + " reps and " + r.repsActive() + " are working. With them, "
                        + t.money(r.achievable()) + " is achievable.\n"
                        + "Two ways to close the gap:\n"
                        + "1. Add " + r.gapReps() + " reps to the team (" + r.repsNeeded() + " instead of "
                        + r.repsActive() + ").\n"
                        + "2. Lower the plan for " + e.period + " to " + t.money(r.achievable()) + ".",
                "Рекомендация по плану продаж на " + e.period + " (" + what + ").\n"
                        + "План " + t.money(r.plan()) + "; выиграно " + t.money(r.wonAmount()) + ", осталось "
                        + t.money(r.remaining()) + ". При средней сделке " + t.money(r.averageDealL())
                        + " (за последние " + e.kpiSettings().lookbackDays() + " дней) нужно ещё " + r.winsNeeded()
                        + " побед, это " + t.decimal(r.activitiesNeeded(), 0) + " действий продаж при "
                        + t.decimal(r.activitiesPerWonL(), 1) + " действий на победу.\n"
                        + "Менеджер выполняет " + t.decimal(r.activitiesPerRepDayL(), 2) + " действий в рабочий день; "
                        + "осталось рабочих дней: " + r.workingDaysLeft() + ", поэтому для плана нужно менеджеров: "
                        + r.repsNeeded() + ", а работает " + r.repsActive() + ". С ними достижимо "
                        + t.money(r.achievable()) + ".\n"
                        + "Два способа закрыть разрыв:\n"
                        + "1. Добавить в команду менеджеров: " + r.gapReps() + " (" + r.repsNeeded() + " вместо "
                        + r.repsActive() + ").\n"
                        + "2. Снизить план на " + e.period + " до " + t.money(r.achievable()) + ".")
                + t.dashboard(e.period);
        for (String connection : e.connections()) {
            String head = e.head(connection);
            if (head != null) {
                actions.add(Evaluation.notify(RuleSettings.CAPACITY_GAP, connection, head, null,
                        DedupeKey.of(RuleSettings.CAPACITY_GAP, connection, dimension.key(), r.key(), e.period,
                                "g" + r.gapReps()),
                        title, body));
            }
        }
    }

    private void marketing(Evaluation e, CapacityRow r, List<ProposedAction> actions) {
        long created = e.dealFacts().createdInPeriod();
        if (r.opportunitiesNeeded() == null || r.opportunitiesNeeded() <= created) {
            return;
        }
        Texts t = e.texts;
        String title = t.say("Sales needs " + r.opportunitiesNeeded() + " new opportunities for " + e.period + "; "
                        + created + " came in so far",
                "Продажам нужно новых возможностей на " + e.period + ": " + r.opportunitiesNeeded()
                        + "; пока пришло " + created);
        String body = t.say("To make the plan of " + t.money(r.plan()) + " for " + e.period + ", sales needs "
                        + r.opportunitiesNeeded() + " new opportunities beyond the current pipeline (win rate "
                        + t.percent(r.winRateL()) + ", average deal " + t.money(r.averageDealL()) + "). "
                        + created + " deals were created in the period so far.",
                "Чтобы выполнить план " + t.money(r.plan()) + " на " + e.period + ", продажам нужно новых возможностей "
                        + "сверх текущей воронки: " + r.opportunitiesNeeded() + " (конверсия " + t.percent(r.winRateL())
                        + ", средняя сделка " + t.money(r.averageDealL()) + "). Создано сделок за период: " + created + ".")
                + t.dashboard(e.period);
        for (String connection : e.connections()) {
            String user = e.settings.recipient(Role.MARKETING, connection);
            if (user != null) {
                actions.add(Evaluation.notify(RuleSettings.CAPACITY_GAP, connection, user, null,
                        DedupeKey.of(RuleSettings.CAPACITY_GAP, connection, "marketing", e.period,
                                "o" + r.opportunitiesNeeded()),
                        title, body));
            }
        }
    }
}
