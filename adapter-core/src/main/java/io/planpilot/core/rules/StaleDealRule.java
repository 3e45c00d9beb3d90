package io.planpilot.core.rules;

import io.planpilot.core.kpi.DealFacts;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule 3: an open deal with no activity for more than adapter.rules.stale-days (exactly KPI.md's
 * staleDeals): a task for its owner on the deal. Key version: the last activity's instant, so a
 * deal that goes quiet again after new activity is a new task.
 */
final class StaleDealRule implements Rule {

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        List<ProposedAction> actions = new ArrayList<>();
        if (!e.settings.staleDeal().enabled()) {
            return actions;
        }
        Texts t = e.texts;
        for (DealFacts.OpenDeal deal : e.dealFacts().open()) {
            if (!deal.stale() || deal.ownerId() == null) {
                continue;
            }
            BigDecimal quiet = e.daysSince(deal.lastActivity()).setScale(0, RoundingMode.FLOOR);
            String lastDate = t.date(deal.lastActivity().atZone(e.zone()).toLocalDate());
            String title = t.say("Deal " + deal.id() + ": no activity for " + quiet + " days — contact the client",
                    "Сделка " + deal.id() + ": нет активности " + quiet + " дн. — свяжитесь с клиентом");
            String body = t.say("The deal has had no call, meeting, e-mail or task since " + lastDate + " (" + quiet
                            + " days; the limit is " + e.settings.context().staleDays() + "). Stage: " + deal.stageName()
                            + ". Amount: " + t.money(deal.amount()) + ". Plan the next step and log it in the CRM.",
                    "По сделке не было звонков, встреч, писем или задач с " + lastDate + " (" + quiet
                            + " дн.; предел " + e.settings.context().staleDays() + "). Стадия: " + deal.stageName()
                            + ". Сумма: " + t.money(deal.amount()) + ". Запланируйте следующий шаг и отметьте его в CRM.")
                    + t.dashboard(e.period);
            actions.add(Evaluation.task(RuleSettings.STALE_DEAL, deal.connection(), deal.ownerId(), deal.id(),
                    DedupeKey.of(RuleSettings.STALE_DEAL, deal.connection(), deal.id(), deal.lastActivity().getEpochSecond()),
                    title, body, e.deadline()));
        }
        return actions;
    }
}
