package io.planpilot.core.rules;

import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSnapshot;

import java.util.List;

// PLACEHOLDER until the rules branch lands (not committed)
public final class RuleBook {
    public RuleBook(RuleSettings settings) {
    }

    public List<ProposedAction> evaluate(KpiSnapshot snapshot, KpiQuery query) {
        return List.of();
    }
}
