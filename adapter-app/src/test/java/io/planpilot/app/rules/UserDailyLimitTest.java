package io.planpilot.app.rules;

import io.planpilot.core.rules.ActionKind;
import io.planpilot.core.rules.ProposedAction;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class UserDailyLimitTest {

    private static ProposedAction task(String rule, String user, String key) {
        return new ProposedAction(rule, ActionKind.TASK, "b24", user, "d-" + key, key, "Title " + key, "Body", null);
    }

    @Test
    void aUserGetsAtMostTheLimitOfNewTasksADayInTheRuleBooksOrder() {
        List<ProposedAction> proposals = List.of(
                task("stale-deal", "7", "s1"), task("stale-deal", "7", "s2"), task("stale-deal", "7", "s3"),
                task("stale-deal", "8", "s4"),
                new ProposedAction("large-deal", ActionKind.COMMENT, "b24", "d-9", "d-9", "c1", "Large", "Body", null),
                task("crm-hygiene", "7", "h1"));

        List<ProposedAction> allowed = UserDailyLimit.apply(proposals, Set.of(), Map.of(), 2);

        assertThat(allowed).extracting(ProposedAction::dedupeKey).containsExactly("s1", "s2", "s4", "c1");
    }

    @Test
    void whatTheUserGotTodayCountsAndWhatTheOutboxHoldsAlreadyIsNeverCut() {
        List<ProposedAction> proposals = List.of(task("stale-deal", "7", "old"), task("stale-deal", "7", "new1"),
                task("stale-deal", "7", "new2"));

        List<ProposedAction> allowed = UserDailyLimit.apply(proposals, Set.of(UserDailyLimit.key("b24", "old")),
                Map.of(UserDailyLimit.key("b24", "7"), 2L), 3);

        assertThat(allowed).extracting(ProposedAction::dedupeKey).containsExactly("old", "new1");
    }
}
