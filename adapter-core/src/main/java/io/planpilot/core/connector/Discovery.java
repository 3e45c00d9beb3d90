package io.planpilot.core.connector;

import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.kpi.CrmCurrencies;

import java.util.List;

/**
 * What a CRM account holds besides deals: pipelines and stages with their semantics and
 * probabilities, users, currencies and rates (null when the CRM keeps none), and the deal fields an
 * admin can map to dimensions.
 */
public record Discovery(List<Pipeline> pipelines, List<Stage> stages, List<Rep> users, CrmCurrencies currencies,
                        List<Field> dealFields) {

    public Discovery {
        pipelines = List.copyOf(pipelines);
        stages = List.copyOf(stages);
        users = List.copyOf(users);
        dealFields = List.copyOf(dealFields);
    }

    /** A deal field: the name to put in {@code dimensions}, and the label users see. */
    public record Field(String name, String label) {
    }
}
