package io.planpilot.core.rules;

import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSnapshot;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The rules that turn the figures into tasks, notifications and comments (docs/rules.md). Pure:
 * the same snapshot and query give the same actions with the same dedupe keys, in the same order
 * (rule by rule, each in the order of its subjects' keys). The figures are the KPI engine's, so
 * a text quotes what the API shows for the same period and asOf.
 */
public final class RuleBook {

    private final RuleSettings settings;
    private final List<Rule> rules = List.of(new PlanAtRiskRule(), new CapacityGapRule(), new StaleDealRule(),
            new StuckInStageRule(), new LargeDealRule(), new TasksNotDoneRule(), new TacticsRule(), new CrmHygieneRule());

    public RuleBook(RuleSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    public RuleSettings settings() {
        return settings;
    }

    /** What the rules propose for the period and asOf of the query (all connections together when it names none). */
    public List<ProposedAction> evaluate(KpiSnapshot snapshot, KpiQuery query) {
        Evaluation evaluation = new Evaluation(settings, new KpiEngine(snapshot), query);
        List<ProposedAction> actions = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (Rule rule : rules) {
            for (ProposedAction action : rule.evaluate(evaluation)) {
                if (keys.add(action.dedupeKey())) { // one action per key, as the outbox would keep it
                    actions.add(action);
                }
            }
        }
        return List.copyOf(actions);
    }
}
