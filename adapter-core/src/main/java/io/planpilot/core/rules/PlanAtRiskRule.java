package io.planpilot.core.rules;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.KpiFigures;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Rule 1: a row with a plan whose forecast falls below {@code threshold} × plan once
 * {@code from-share} of the period has passed. The head hears of each at-risk department, region,
 * segment and product row (the department's notice names the biggest contributors to the gap); a
 * rep behind plan gets a task. Key version: the forecast/plan step, so falling further behind is news.
 */
final class PlanAtRiskRule implements Rule {

    private static final List<Dimension> CONTRIBUTOR_DIMENSIONS = List.of(Dimension.REGION, Dimension.SEGMENT,
            Dimension.PRODUCT, Dimension.REP);

    /** A row at risk: its dimension, its row and forecast / plan. */
    record AtRisk(Dimension dimension, BreakdownRow row, BigDecimal ratio) {
        BigDecimal gap() {
            return row.figures().plan().subtract(row.figures().forecast());
        }
    }

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        RuleSettings.PlanAtRisk s = e.settings.planAtRisk();
        List<ProposedAction> actions = new ArrayList<>();
        if (!s.enabled() || e.elapsedShare().compareTo(s.fromShare()) < 0) {
            return actions;
        }
        for (Dimension dimension : s.dimensions()) {
            for (AtRisk risk : atRisk(e, dimension, s.threshold())) {
                if (dimension == Dimension.REP) {
                    repTask(e, risk, actions);
                } else {
                    headNotices(e, risk, actions);
                }
            }
        }
        return actions;
    }

    /** The rows of a dimension that have a plan above 0 and a forecast below threshold × plan, by key. */
    static List<AtRisk> atRisk(Evaluation e, Dimension dimension, BigDecimal threshold) {
        List<AtRisk> rows = new ArrayList<>();
        for (BreakdownRow row : e.breakdown(dimension)) {
            KpiFigures f = row.figures();
            if (f.plan() == null || f.plan().signum() <= 0 || f.forecast() == null) {
                continue;
            }
            BigDecimal ratio = f.forecast().divide(f.plan(), Evaluation.MC);
            if (ratio.compareTo(threshold) < 0) {
                rows.add(new AtRisk(dimension, row, ratio));
            }
        }
        return rows;
    }

    private void headNotices(Evaluation e, AtRisk risk, List<ProposedAction> actions) {
        RuleSettings.PlanAtRisk s = e.settings.planAtRisk();
        Texts t = e.texts;
        KpiFigures f = risk.row().figures();
        String what = t.row(risk.dimension(), risk.row().name());
        String title = t.say("Plan at risk: " + what + ", forecast " + t.percent(risk.ratio()) + " of plan for " + e.period
                        + " (short by " + t.money(risk.gap()) + ")",
                "План под угрозой: " + what + ", прогноз " + t.percent(risk.ratio()) + " плана на " + e.period
                        + " (не хватает " + t.money(risk.gap()) + ")");
        StringBuilder body = new StringBuilder(figures(e, f, risk.ratio()));
        if (risk.dimension() == Dimension.DEPARTMENT && s.contributors() > 0) {
            List<AtRisk> contributors = new ArrayList<>();
            for (Dimension d : CONTRIBUTOR_DIMENSIONS) {
                contributors.addAll(atRisk(e, d, s.threshold()));
            }
            contributors.sort(Comparator.comparing(AtRisk::gap).reversed()
                    .thenComparing(r -> r.dimension().ordinal()).thenComparing(r -> r.row().key()));
            if (!contributors.isEmpty()) {
                body.append('\n').append(t.say("Biggest contributors to the gap:", "Больше всего отстают:"));
                for (AtRisk c : contributors.subList(0, Math.min(s.contributors(), contributors.size()))) {
                    body.append("\n- ").append(t.row(c.dimension(), c.row().name())).append(": ")
                            .append(t.say("forecast ", "прогноз ")).append(t.money(c.row().figures().forecast()))
                            .append(t.say(" of plan ", " из плана ")).append(t.money(c.row().figures().plan()))
                            .append(" (").append(t.percent(c.ratio())).append(t.say(", short by ", ", не хватает "))
                            .append(t.money(c.gap())).append(')');
                }
            }
        }
        body.append(t.dashboard(e.period));
        long version = Evaluation.step(risk.ratio(), s.step());
        for (String connection : e.connections()) {
            String head = e.head(connection);
            if (head != null) {
                actions.add(Evaluation.notify(RuleSettings.PLAN_AT_RISK, connection, head, null,
                        DedupeKey.of(RuleSettings.PLAN_AT_RISK, connection, risk.dimension().key(), risk.row().key(),
                                e.period, "r" + version),
                        title, body.toString()));
            }
        }
    }

    private void repTask(Evaluation e, AtRisk risk, List<ProposedAction> actions) {
        Evaluation.Subject rep = e.subject(risk.row().key());
        if (rep == null) {
            return;
        }
        Texts t = e.texts;
        KpiFigures f = risk.row().figures();
        String title = t.say("You are behind plan for " + e.period + ": forecast " + t.money(f.forecast()) + " of "
                        + t.money(f.plan()) + " (" + t.percent(risk.ratio()) + ")",
                "Вы отстаёте от плана на " + e.period + ": прогноз " + t.money(f.forecast()) + " из "
                        + t.money(f.plan()) + " (" + t.percent(risk.ratio()) + ")");
        String body = figures(e, f, risk.ratio())
                + "\n" + t.say("Close " + t.money(risk.gap()) + " more than forecast: move your open deals forward and add opportunities.",
                "Нужно закрыть ещё " + t.money(risk.gap()) + " сверх прогноза: продвиньте открытые сделки и добавьте новые.")
                + t.dashboard(e.period);
        long version = Evaluation.step(risk.ratio(), e.settings.planAtRisk().step());
        actions.add(Evaluation.task(RuleSettings.PLAN_AT_RISK, rep.connection(), rep.id(), null,
                DedupeKey.of(RuleSettings.PLAN_AT_RISK, rep.connection(), "rep", rep.id(), e.period, "r" + version),
                title, body, e.deadline()));
    }

    private static String figures(Evaluation e, KpiFigures f, BigDecimal ratio) {
        Texts t = e.texts;
        return t.say("Period " + e.period + " (" + t.percent(e.elapsedShare()) + " passed)", "Период " + e.period
                + " (прошло " + t.percent(e.elapsedShare()) + ")")
                + "\n" + t.say("Plan: ", "План: ") + t.money(f.plan())
                + "\n" + t.say("Won: ", "Выиграно: ") + t.money(f.wonAmount())
                + "\n" + t.say("Weighted pipeline: ", "Взвешенная воронка: ") + t.money(f.weightedPipeline())
                + "\n" + t.say("Forecast: ", "Прогноз: ") + t.money(f.forecast()) + " (" + t.percent(ratio)
                + t.say(" of plan)", " плана)")
                + "\n" + t.say("Gap to plan: ", "Отставание от плана: ") + t.money(f.plan().subtract(f.forecast()));
    }
}
