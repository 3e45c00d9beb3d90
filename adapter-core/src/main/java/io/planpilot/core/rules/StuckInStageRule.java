package io.planpilot.core.rules;

import io.planpilot.core.kpi.DealFacts;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule 4: an open deal longer in its stage than the {@code percentile} (default 75th, nearest rank)
 * of that stage's finished visits that ended in the lookback window, when the stage has at least
 * {@code min-visits} of them: a task for its owner on the deal. Key version: the stage and when the
 * deal entered it.
 */
final class StuckInStageRule implements Rule {

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        RuleSettings.StuckInStage s = e.settings.stuckInStage();
        List<ProposedAction> actions = new ArrayList<>();
        if (!s.enabled()) {
            return actions;
        }
        Map<List<String>, DealFacts.StageVisits> visits = new HashMap<>();
        for (DealFacts.StageVisits v : e.dealFacts().stageVisitsInLookback()) {
            visits.put(List.of(v.connection(), v.pipelineId(), v.stageId()), v);
        }
        Texts t = e.texts;
        for (DealFacts.OpenDeal deal : e.dealFacts().open()) {
            if (!deal.stageOpen() || deal.ownerId() == null) {
                continue;
            }
            DealFacts.StageVisits stage = visits.get(List.of(deal.connection(), deal.pipelineId(), deal.stageId()));
            StageNorm norm = stage == null ? null : StageNorm.of(stage.days(), s);
            if (norm == null) {
                continue;
            }
            BigDecimal usual = norm.days();
            BigDecimal inStage = e.daysSince(deal.stageEnteredAt());
            if (inStage.compareTo(usual) <= 0) {
                continue;
            }
            String title = t.say("Deal " + deal.id() + " is stuck in \"" + deal.stageName() + "\": " + t.days(inStage)
                            + " days (usually up to " + t.days(usual) + ")",
                    "Сделка " + deal.id() + " застряла на стадии «" + deal.stageName() + "»: " + t.days(inStage)
                            + " дн. (обычно до " + t.days(usual) + ")");
            String body = t.say("The deal entered \"" + deal.stageName() + "\" on "
                            + t.date(deal.stageEnteredAt().atZone(e.zone()).toLocalDate()) + ", " + t.days(inStage)
                            + " days ago. " + s.percentile() + "% of the " + stage.days().size()
                            + " visits to this stage in the last " + e.kpiSettings().lookbackDays() + " days took at most "
                            + t.days(usual) + " days. Amount: " + t.money(deal.amount())
                            + ". Move it to the next stage or find out what holds it.",
                    "Сделка перешла на стадию «" + deal.stageName() + "» "
                            + t.date(deal.stageEnteredAt().atZone(e.zone()).toLocalDate()) + ", " + t.days(inStage)
                            + " дн. назад. " + s.percentile() + "% из " + stage.days().size()
                            + " прохождений этой стадии за последние " + e.kpiSettings().lookbackDays() + " дней заняли не больше "
                            + t.days(usual) + " дн. Сумма: " + t.money(deal.amount())
                            + ". Переведите сделку дальше или выясните, что её держит.")
                    + t.dashboard(e.period);
            actions.add(Evaluation.task(RuleSettings.STUCK_IN_STAGE, deal.connection(), deal.ownerId(), deal.id(),
                    DedupeKey.of(RuleSettings.STUCK_IN_STAGE, deal.connection(), deal.id(), deal.stageId(),
                            deal.stageEnteredAt().getEpochSecond()),
                    title, body, e.deadline()));
        }
        return actions;
    }
}
