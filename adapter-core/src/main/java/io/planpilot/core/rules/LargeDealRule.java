package io.planpilot.core.rules;

import io.planpilot.core.kpi.DealFacts;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Rule 5: an open deal whose amount (base currency) is above the threshold: the configured
 * {@code amount}, else the {@code percentile} (default 95th, nearest rank) of the deals won in the
 * lookback window (at least {@code min-won-deals} of them with an amount). The head of its
 * connection is told to consider selling in person, and the deal gets a comment. Rule 9: when
 * such a deal is won in the period, the {@code notify} roles (production, logistics, accounting)
 * hear of it. Keys: one per deal and recipient; the deal stays large once flagged.
 */
final class LargeDealRule implements Rule {

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        RuleSettings.LargeDeal s = e.settings.largeDeal();
        List<ProposedAction> actions = new ArrayList<>();
        if (!s.enabled()) {
            return actions;
        }
        BigDecimal threshold = threshold(e, s);
        if (threshold == null) {
            return actions;
        }
        Texts t = e.texts;
        String why = s.amount() != null
                ? t.say("the threshold of " + t.money(threshold), "порог " + t.money(threshold))
                : t.say("the " + s.percentile() + "th percentile of deals won in the last " + e.kpiSettings().lookbackDays()
                        + " days, " + t.money(threshold), s.percentile() + "-й перцентиль сделок, выигранных за последние "
                        + e.kpiSettings().lookbackDays() + " дней, " + t.money(threshold));
        for (DealFacts.OpenDeal deal : e.dealFacts().open()) {
            if (deal.amount() == null || deal.amount().compareTo(threshold) <= 0) {
                continue;
            }
            String owner = deal.ownerId() == null ? t.say("nobody", "никто") : deal.ownerName();
            String head = e.head(deal.connection());
            if (head != null) {
                String title = t.say("Large deal " + deal.id() + ": " + t.money(deal.amount()) + " — consider taking part in person",
                        "Крупная сделка " + deal.id() + ": " + t.money(deal.amount()) + " — подумайте о личном участии");
                String body = t.say("Deal " + deal.id() + " of " + t.money(deal.amount()) + " is above " + why
                                + ". Owner: " + owner + ". Stage: " + deal.stageName() + ".",
                        "Сделка " + deal.id() + " на " + t.money(deal.amount()) + " больше, чем " + why
                                + ". Ответственный: " + owner + ". Стадия: " + deal.stageName() + ".")
                        + t.dashboard(e.period);
                actions.add(Evaluation.notify(RuleSettings.LARGE_DEAL, deal.connection(), head, deal.id(),
                        DedupeKey.of(RuleSettings.LARGE_DEAL, deal.connection(), deal.id(), "head"), title, body));
            }
            String comment = t.say("PlanPilot: a large deal (" + t.money(deal.amount()) + ", above " + why
                            + "). The head of sales is asked to consider taking part in person.",
                    "PlanPilot: крупная сделка (" + t.money(deal.amount()) + ", больше, чем " + why
                            + "). Руководителю продаж предложено подключиться лично.");
            actions.add(new ProposedAction(RuleSettings.LARGE_DEAL, ActionKind.COMMENT, deal.connection(), deal.id(),
                    deal.id(), DedupeKey.of(RuleSettings.LARGE_DEAL, deal.connection(), deal.id(), "comment"),
                    Texts.title(t.say("Large deal: " + t.money(deal.amount()), "Крупная сделка: " + t.money(deal.amount()))),
                    comment, null));
        }
        for (DealFacts.ClosedDeal deal : e.dealFacts().wonInPeriod()) {
            if (deal.amount() == null || deal.amount().compareTo(threshold) <= 0) {
                continue;
            }
            for (Role role : s.notifyRoles()) {
                String user = e.settings.recipient(role, deal.connection());
                if (user == null) {
                    continue;
                }
                String title = t.say("Large deal " + deal.id() + " won: " + t.money(deal.amount()) + " — prepare to deliver",
                        "Выиграна крупная сделка " + deal.id() + ": " + t.money(deal.amount()) + " — подготовьтесь к исполнению");
                String body = t.say("Deal " + deal.id() + " of " + t.money(deal.amount()) + " was won on "
                                + t.date(deal.closedAt().atZone(e.zone()).toLocalDate()) + " (owner: "
                                + (deal.ownerName() == null ? "-" : deal.ownerName()) + "). It is above " + why + ".",
                        "Сделка " + deal.id() + " на " + t.money(deal.amount()) + " выиграна "
                                + t.date(deal.closedAt().atZone(e.zone()).toLocalDate()) + " (ответственный: "
                                + (deal.ownerName() == null ? "-" : deal.ownerName()) + "). Она больше, чем " + why + ".");
                actions.add(Evaluation.notify(RuleSettings.LARGE_DEAL, deal.connection(), user, deal.id(),
                        DedupeKey.of(RuleSettings.LARGE_DEAL, deal.connection(), deal.id(), "won", role.key()), title, body));
            }
        }
        return actions;
    }

    /** The configured amount, else the percentile of won deals in L; null when there are too few. */
    static BigDecimal threshold(Evaluation e, RuleSettings.LargeDeal s) {
        if (s.amount() != null) {
            return s.amount();
        }
        List<BigDecimal> amounts = e.dealFacts().wonInLookback().stream().map(DealFacts.ClosedDeal::amount)
                .filter(java.util.Objects::nonNull).sorted().toList();
        return amounts.size() < s.minWonDeals() ? null : Percentile.nearestRank(amounts, s.percentile());
    }
}
