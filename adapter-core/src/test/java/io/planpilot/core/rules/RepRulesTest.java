package io.planpilot.core.rules;

import io.planpilot.core.kpi.CrmFixture;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.planpilot.core.domain.ActivityType.TASK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules 6, 7 and 8. Moscow; P = 2026-11; t = Fri 2026-11-20 noon MSK (ISO week 2026-W47);
 * lookback 180 days: L = [2026-05-05, 2026-11-01). A bare date is noon MSK.
 */
class RepRulesTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-20";

    /** {@code onTime} of {@code due} tasks of the rep, due in P before t, done on time; the rest never done. */
    private static void tasks(CrmFixture f, String rep, int due, int onTime) {
        for (int i = 0; i < due; i++) {
            var task = f.activity(TASK).owner(rep).created("2026-11-02").due("2026-11-1" + i + "T18:00");
            if (i < onTime) {
                task.done("2026-11-1" + i + "T17:00");
            }
        }
    }

    // ---- tasks not done -------------------------------------------------------------------------

    @Test
    void aRepBelowTheCompletionThresholdIsARecommendationToTheHead() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris").rep("u3", "Carl");
        tasks(f, "u1", 4, 1);   // 25%, 3 overdue
        tasks(f, "u2", 2, 2);
        tasks(f, "u3", 1, 1);

        List<ProposedAction> actions = Rules.of(Rules.run(f, NOV, T), "tasks-not-done");

        assertThat(actions).hasSize(1);
        ProposedAction a = actions.get(0);
        assertThat(a.kind()).isEqualTo(ActionKind.NOTIFY);
        assertThat(a.target()).isEqualTo(Rules.HEAD);
        assertThat(a.title()).isEqualTo("Anna did 25% of tasks on time in 2026-11 (team 100%)");
        assertThat(a.body()).contains("the team's median is 100%, the threshold 70%", "Overdue tasks now: 3",
                "training", "coaching", "reassigning");
        assertThat(a.dedupeKey()).isEqualTo("tasks-not-done:crm:u1:2026-11:c2");
    }

    @Test
    void aRepAtTheThresholdOrAboveIsLeftAlone() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        tasks(f, "u1", 4, 3);   // 75%

        assertThat(Rules.of(Rules.run(f, NOV, T), "tasks-not-done")).isEmpty();
    }

    @Test
    void doingEvenFewerTasksIsANewKey() {
        CrmFixture better = CrmFixture.crm().rep("u1", "Anna");
        tasks(better, "u1", 5, 3);   // 60%
        CrmFixture worse = CrmFixture.crm().rep("u1", "Anna");
        tasks(worse, "u1", 5, 1);    // 20%

        assertThat(Rules.of(Rules.run(better, NOV, T), "tasks-not-done").get(0).dedupeKey()).endsWith(":c6");
        assertThat(Rules.of(Rules.run(worse, NOV, T), "tasks-not-done").get(0).dedupeKey()).endsWith(":c2");
    }

    // ---- tactics --------------------------------------------------------------------------------

    /**
     * A department plan of 100000 and nothing won or open in November. Closed in L: SMB 5 won of
     * 1000 in 10 days (1 × 1000 ÷ 10 = 100 a day); Enterprise 3 won of 10000 in 20 days and 3 lost
     * (0.5 × 10000 ÷ 20 = 250 a day); Retail 4 won (too few closed).
     */
    private static CrmFixture tactics(int tasksDone) {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").plan(NOV, "100000");
        for (int i = 1; i <= 5; i++) {
            f.deal("smb" + i).owner("u1").segment("SMB").created("2026-07-01").won("2026-07-11").amount(1000);
        }
        for (int i = 1; i <= 3; i++) {
            f.deal("ent" + i).owner("u1").segment("Enterprise").created("2026-07-01").won("2026-07-21").amount(10000);
            f.deal("entl" + i).owner("u1").segment("Enterprise").created("2026-07-01").lost("2026-07-21").amount(10000);
        }
        for (int i = 1; i <= 4; i++) {
            f.deal("ret" + i).owner("u1").segment("Retail").created("2026-07-01").won("2026-07-02").amount(90000);
        }
        tasks(f, "u1", 4, tasksDone);
        return f;
    }

    @Test
    void whenTasksAreDoneButThePlanIsAtRiskTheHeadIsToldWhereOpportunitiesAreWorthMost() {
        Map<String, Object> yaml = Rules.yaml(Map.of("tactics", Map.of("dimensions", List.of("segment"))));

        List<ProposedAction> actions = Rules.of(Rules.run(tactics(4), yaml, "en", NOV, T), "tactics");

        assertThat(actions).hasSize(1);
        ProposedAction a = actions.get(0);
        assertThat(a.kind()).isEqualTo(ActionKind.NOTIFY);
        assertThat(a.target()).isEqualTo(Rules.HEAD);
        assertThat(a.title()).startsWith("Tasks are done but the plan for 2026-11 is at risk (0%)");
        assertThat(a.body()).contains("The team completed 100% of its tasks on time",
                "deals closed 2026-05-05..2026-10-31",
                "segment:\n- Enterprise: 250 USD per opportunity-day (win rate 50%, average deal 10,000 USD, cycle 20.0 days)\n"
                        + "- SMB: 100 USD per opportunity-day (win rate 100%, average deal 1,000 USD, cycle 10.0 days)")
                .doesNotContain("Retail");
        assertThat(a.dedupeKey()).isEqualTo("tactics:crm:2026-11:r0");
    }

    @Test
    void whenTheTeamDoesNotDoItsTasksTheAnswerIsNotTactics() {
        assertThat(Rules.of(Rules.run(tactics(1), NOV, T), "tactics")).isEmpty();
    }

    // ---- CRM hygiene ----------------------------------------------------------------------------

    @Test
    void eachRepGetsOneTaskListingTheirDealsToFixAndDealsWithoutOwnerGoToTheHead() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").maps("crm", "region");
        f.deal("d1").owner("u1");                                                          // no amount, stale, no region
        f.deal("d2").owner("u1").amount(100).region("North").expectedClose("2026-11-10");  // past close, stale
        f.deal("d3").amount(5).region("North").created("2026-11-15");                      // no owner
        f.deal("ok").owner("u1").amount(5).region("North").created("2026-11-15");

        List<ProposedAction> actions = Rules.of(Rules.run(f, NOV, T), "crm-hygiene");

        assertThat(actions).hasSize(2);
        ProposedAction head = actions.stream().filter(a -> a.target().equals(Rules.HEAD)).findFirst().orElseThrow();
        assertThat(head.body()).contains("- deal d3: no owner");
        ProposedAction rep = actions.stream().filter(a -> a.target().equals("u1")).findFirst().orElseThrow();
        assertThat(rep.kind()).isEqualTo(ActionKind.TASK);
        assertThat(rep.connection()).isEqualTo("crm");
        assertThat(rep.dealId()).isNull();
        assertThat(rep.title()).isEqualTo("Fix the CRM data of 2 deals");
        assertThat(rep.body()).contains("- deal d1: no amount, no activity, no region\n"
                + "- deal d2: expected close date has passed, no activity").doesNotContain("deal ok");
        assertThat(rep.deadline()).isEqualTo(Instant.parse("2026-11-23T15:00:00Z"));
        assertThat(rep.dedupeKey()).isEqualTo("crm-hygiene:crm:u1:2026-W47");
    }

    @Test
    void cleanDealsMakeNoTask() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        f.deal("ok").owner("u1").amount(5).created("2026-11-15");

        assertThat(Rules.of(Rules.run(f, NOV, T), "crm-hygiene")).isEmpty();
    }

    @Test
    void inRussianTheIssuesAreNamedInRussian() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        f.deal("d1").owner("u1").created("2026-11-15");

        ProposedAction a = Rules.of(Rules.run(f, Rules.yaml(Map.of()), "ru", NOV, T), "crm-hygiene").get(0);

        assertThat(a.title()).isEqualTo("Исправьте данные в CRM по сделкам: 1");
        assertThat(a.body()).contains("- сделка d1: нет суммы");
    }
}
