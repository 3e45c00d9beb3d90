package io.planpilot.core.rules;

import io.planpilot.core.kpi.DataQuality;

import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule 8: the data-quality issues of a rep's deals (open at t or closed in the period): one task
 * per rep listing the deals to fix and what is wrong with each. Deals without an owner go to the
 * head of their connection. Key: the rep and the ISO week of t, so a rep gets at most one such
 * task a week.
 */
final class CrmHygieneRule implements Rule {

    @Override
    public List<ProposedAction> evaluate(Evaluation e) {
        RuleSettings.CrmHygiene s = e.settings.crmHygiene();
        List<ProposedAction> actions = new ArrayList<>();
        if (!s.enabled()) {
            return actions;
        }
        // by (connection, user): deal → its issues, in the answer's order (by deal key)
        Map<Evaluation.Subject, Map<String, List<String>>> byUser = new LinkedHashMap<>();
        for (DataQuality.Item item : e.dataQuality().items()) {
            Evaluation.Subject deal = e.subject(item.dealId());
            if (deal == null) {
                continue;
            }
            Evaluation.Subject rep = e.subject(item.rep());
            Evaluation.Subject user = rep != null ? rep : headOf(e, deal.connection());
            if (user == null) {
                continue;
            }
            byUser.computeIfAbsent(user, k -> new LinkedHashMap<>())
                    .computeIfAbsent(deal.id(), k -> new ArrayList<>()).add(item.issue());
        }
        var date = e.query.asOf().atZone(e.zone()).toLocalDate();
        String week = date.get(IsoFields.WEEK_BASED_YEAR) + "-W" + String.format("%02d", date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
        Texts t = e.texts;
        byUser.forEach((user, deals) -> {
            String title = t.say("Fix the CRM data of " + deals.size() + " deal" + (deals.size() == 1 ? "" : "s"),
                    "Исправьте данные в CRM по сделкам: " + deals.size());
            StringBuilder body = new StringBuilder(t.say("These deals have gaps in the CRM that distort the figures for "
                    + e.period + ":", "В этих сделках не хватает данных, это искажает показатели за " + e.period + ":"));
            int listed = 0;
            for (Map.Entry<String, List<String>> deal : deals.entrySet()) {
                if (listed++ == s.maxDealsListed()) {
                    body.append("\n").append(t.say("… and " + (deals.size() - s.maxDealsListed()) + " more",
                            "… и ещё " + (deals.size() - s.maxDealsListed())));
                    break;
                }
                body.append("\n- ").append(t.say("deal ", "сделка ")).append(deal.getKey()).append(": ")
                        .append(String.join(", ", deal.getValue().stream().map(issue -> issue(t, issue)).toList()));
            }
            body.append(t.dashboard(e.period));
            actions.add(Evaluation.task(RuleSettings.CRM_HYGIENE, user.connection(), user.id(), null,
                    DedupeKey.of(RuleSettings.CRM_HYGIENE, user.connection(), user.id(), week),
                    title, body.toString(), e.deadline()));
        });
        return actions;
    }

    private static Evaluation.Subject headOf(Evaluation e, String connection) {
        String head = e.head(connection);
        return head == null ? null : new Evaluation.Subject(connection, head);
    }

    static String issue(Texts t, String issue) {
        if (issue.startsWith("MISSING_DIMENSION:")) {
            String dimension = issue.substring("MISSING_DIMENSION:".length());
            return t.say("no " + dimension, "не указан " + switch (dimension) {
                case "region" -> "регион";
                case "segment" -> "сегмент";
                case "product" -> "продукт";
                default -> dimension;
            });
        }
        return switch (issue) {
            case "NO_AMOUNT" -> t.say("no amount", "нет суммы");
            case "NO_OWNER" -> t.say("no owner", "нет ответственного");
            case "UNKNOWN_CURRENCY" -> t.say("currency without a rate", "валюта без курса");
            case "PAST_EXPECTED_CLOSE" -> t.say("expected close date has passed", "прошла ожидаемая дата закрытия");
            case "NO_ACTIVITY" -> t.say("no activity", "нет активности");
            default -> issue;
        };
    }
}
