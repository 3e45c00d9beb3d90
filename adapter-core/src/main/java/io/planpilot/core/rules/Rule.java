package io.planpilot.core.rules;

import java.util.List;

/** One rule of the book: what it proposes for one evaluation. */
interface Rule {
    List<ProposedAction> evaluate(Evaluation evaluation);
}
