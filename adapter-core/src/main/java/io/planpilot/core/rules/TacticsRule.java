package io.planpilot.core.rules;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rule 7: the team did its tasks (median task completion at or above {@code min-task-completion})
 * yet the department's plan is at risk (plan-at-risk's threshold and share of the period): the
 * head gets the region, segment and product keys with the best expected value per opportunity
 * over the lookback window, {@code winRate × averageDeal ÷ cycleDaysMean} (money per opportunity
 * per day of cycle), with the figures. Key version: the department's forecast/plan step.
 */
final class TacticsRule implements Rule {

    /** A key worth shifting effort to. */
    record Candidate(Dimension dimension, BreakdownRow row, BigDecimal value) {
    }

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        RuleSettings.Tactics s = e.settings.tactics();
        RuleSettings.PlanAtRisk risk = e.settings.planAtRisk();
        List<ProposedAction> actions = new ArrayList<>();
        if (!s.enabled() || e.elapsedShare().compareTo(risk.fromShare()) < 0) {
            return actions;
        }
        List<PlanAtRiskRule.AtRisk> department = PlanAtRiskRule.atRisk(e, Dimension.DEPARTMENT, risk.threshold());
        BigDecimal team = TasksNotDoneRule.teamMedian(e.reps());
        if (department.isEmpty() || team == null || team.compareTo(s.minTaskCompletion()) < 0) {
            return actions;
        }
        PlanAtRiskRule.AtRisk plan = department.get(0);
        Period lookback = lookback(e);
        KpiQuery query = new KpiQuery(lookback, e.query.asOf(), e.query.connection());
        Texts t = e.texts;
        StringBuilder body = new StringBuilder(t.say(
                "The team completed " + t.percent(team) + " of its tasks on time (median), yet the forecast for " + e.period
                        + " is " + t.money(plan.row().figures().forecast()) + ", " + t.percent(plan.ratio()) + " of the plan of "
                        + t.money(plan.row().figures().plan()) + ". The effort goes to the wrong deals: shift it to where an "
                        + "opportunity is worth most (win rate × average deal ÷ cycle, deals closed " + lookback.label() + "):",
                "Команда выполнила в срок " + t.percent(team) + " задач (медиана), но прогноз на " + e.period + " — "
                        + t.money(plan.row().figures().forecast()) + ", " + t.percent(plan.ratio()) + " плана "
                        + t.money(plan.row().figures().plan()) + ". Усилия уходят не туда: переключите их туда, где возможность "
                        + "стоит больше всего (конверсия × средняя сделка ÷ цикл, сделки, закрытые " + lookback.label() + "):"));
        int found = 0;
        for (Dimension dimension : s.dimensions()) {
            List<Candidate> best = best(e, query, dimension, s);
            if (best.isEmpty()) {
                continue;
            }
            found += best.size();
            body.append('\n').append(t.dimension(dimension)).append(':');
            for (Candidate c : best) {
                KpiFigures f = c.row().figures();
                body.append("\n- ").append(c.row().name()).append(": ").append(t.money(c.value()))
                        .append(t.say(" per opportunity-day (win rate ", " на возможность в день (конверсия "))
                        .append(t.percent(f.winRate())).append(t.say(", average deal ", ", средняя сделка "))
                        .append(t.money(f.averageDeal())).append(t.say(", cycle ", ", цикл ")).append(t.days(f.cycleDaysMean()))
                        .append(t.say(" days)", " дн.)"));
            }
        }
        if (found == 0) {
            return actions;
        }
        body.append(t.dashboard(e.period));
        String title = t.say("Tasks are done but the plan for " + e.period + " is at risk (" + t.percent(plan.ratio())
                        + "): shift the tactics to the best segments, regions and products",
                "Задачи выполняются, но план на " + e.period + " под угрозой (" + t.percent(plan.ratio())
                        + "): смените тактику на лучшие сегменты, регионы и продукты");
        long version = Evaluation.step(plan.ratio(), risk.step());
        for (String connection : e.connections()) {
            String head = e.head(connection);
            if (head != null) {
                actions.add(Evaluation.notify(RuleSettings.TACTICS, connection, head, null,
                        DedupeKey.of(RuleSettings.TACTICS, connection, e.period, "r" + version), title, body.toString()));
            }
        }
        return actions;
    }

    /** The lookback window L as a period: the lookback-days days before the period starts. */
    static Period lookback(Evaluation e) {
        LocalDate start = e.query.period().start();
        LocalDate from = start.minusDays(e.kpiSettings().lookbackDays());
        return new Period(from, start, from + ".." + start.minusDays(1));
    }

    private static List<Candidate> best(Evaluation e, KpiQuery query, Dimension dimension, RuleSettings.Tactics s) {
        List<Candidate> candidates = new ArrayList<>();
        for (BreakdownRow row : e.engine.breakdown(query, dimension)) {
            KpiFigures f = row.figures();
            if (Dimension.NONE.equals(row.key()) || f.wonCount() + f.lostCount() < s.minClosedDeals()
                    || f.winRate() == null || f.averageDeal() == null || f.cycleDaysMean() == null
                    || f.cycleDaysMean().signum() == 0) {
                continue;
            }
            BigDecimal value = f.winRate().multiply(f.averageDeal(), Evaluation.MC).divide(f.cycleDaysMean(), Evaluation.MC);
            candidates.add(new Candidate(dimension, row, value));
        }
        candidates.sort(Comparator.comparing(Candidate::value).reversed().thenComparing(c -> c.row().key()));
        return candidates.subList(0, Math.min(s.top(), candidates.size()));
    }
}
