package io.planpilot.core.rules;

import io.planpilot.core.kpi.CrmFixture;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.planpilot.core.domain.Dimension.REGION;
import static io.planpilot.core.domain.Dimension.REP;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 1. Moscow; P = 2026-11; a bare date is noon MSK. Fewer than 5 deals closed in the lookback
 * reached any stage, so p(s) is the CRM's: contract 0.7.
 */
class PlanAtRiskRuleTest {

    private static final String NOV = "2026-11";

    /** Department plan 10000, region North 4000, rep u1 5000; won 2000 (u1, North); open 4000 in contract (u1). */
    private static CrmFixture behind() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris")
                .plan(NOV, "10000").plan(NOV, REGION, "North", "4000").plan(NOV, REP, "u1", "5000");
        f.deal("w1").owner("u1").region("North").created("2026-10-20").won("2026-11-05").amount(2000);
        f.deal("o1").owner("u1").region("North").created("2026-11-02").stage("contract").amount(4000);
        return f;
    }

    @Test
    void theHeadHearsOfTheGapWithItsBiggestContributorsAndTheRepBehindGetsATask() {
        // forecast 2000 + 0.7 × 4000 = 4800: 48% of 10000, short by 5200
        List<ProposedAction> actions = Rules.of(Rules.run(behind(), NOV, "2026-11-20"), "plan-at-risk");

        ProposedAction department = actions.stream().filter(a -> a.dedupeKey().contains(":department:")).findFirst().orElseThrow();
        assertThat(department.kind()).isEqualTo(ActionKind.NOTIFY);
        assertThat(department.connection()).isEqualTo("crm");
        assertThat(department.target()).isEqualTo(Rules.HEAD);
        assertThat(department.dealId()).isNull();
        assertThat(department.deadline()).isNull();
        assertThat(department.title()).isEqualTo(
                "Plan at risk: the department, forecast 48% of plan for 2026-11 (short by 5,200 USD)");
        assertThat(department.body()).contains("Plan: 10,000 USD", "Won: 2,000 USD", "Weighted pipeline: 2,800 USD",
                "Forecast: 4,800 USD (48% of plan)", "Gap to plan: 5,200 USD",
                "https://planpilot.example.com/dashboard?period=2026-11");
        // u1 (4800 of 5000, 96%) and North (4800 of 4000) are not behind: no contributors to name, no rep task
        assertThat(department.body()).doesNotContain("Biggest contributors");
        assertThat(actions).hasSize(1);
        assertThat(department.dedupeKey()).isEqualTo("plan-at-risk:crm:department:(all):2026-11:r9");
    }

    @Test
    void aRepBehindPlanGetsATaskDueAtTheEndOfTheNextWorkingDay() {
        CrmFixture f = behind().plan(NOV, REP, "u2", "3000");
        f.deal("o2").owner("u2").created("2026-11-03").stage("offer").amount(1000);   // u2: 0.4 × 1000 = 400 of 3000

        List<ProposedAction> actions = Rules.of(Rules.run(f, NOV, "2026-11-20"), "plan-at-risk");

        ProposedAction task = actions.stream().filter(a -> a.kind() == ActionKind.TASK).findFirst().orElseThrow();
        assertThat(actions).filteredOn(a -> a.kind() == ActionKind.TASK).hasSize(1);
        assertThat(task.target()).isEqualTo("u2");
        assertThat(task.connection()).isEqualTo("crm");
        assertThat(task.title()).isEqualTo("You are behind plan for 2026-11: forecast 400 USD of 3,000 USD (13%)");
        assertThat(task.body()).contains("Close 2,600 USD more than forecast");
        // Friday 2026-11-20 → Monday 2026-11-23 18:00 MSK
        assertThat(task.deadline()).isEqualTo(Instant.parse("2026-11-23T15:00:00Z"));
        assertThat(task.dedupeKey()).isEqualTo("plan-at-risk:crm:rep:u2:2026-11:r2");
        // the department's notice names the biggest contributor first: u2 short by 2600
        ProposedAction department = actions.stream().filter(a -> a.dedupeKey().contains(":department:")).findFirst().orElseThrow();
        assertThat(department.body()).contains("- rep Boris: forecast 400 USD of plan 3,000 USD (13%, short by 2,600 USD)");
    }

    @Test
    void nothingBeforeAThirdOfThePeriodHasPassed() {
        // 2026-11-10 noon: 9.5 of 30 days, below 1/3
        assertThat(Rules.of(Rules.run(behind(), NOV, "2026-11-10"), "plan-at-risk")).isEmpty();
    }

    @Test
    void nothingWhenTheForecastIsAtNinetyPercentOfPlan() {
        CrmFixture f = behind();
        f.deal("w2").owner("u1").created("2026-10-20").won("2026-11-06").amount(4200);  // forecast 9000: exactly 90%

        assertThat(Rules.of(Rules.run(f, NOV, "2026-11-20"), "plan-at-risk")).isEmpty();
    }

    @Test
    void theThresholdAndTheShareComeFromRulesYaml() {
        Map<String, Object> yaml = Rules.yaml(Map.of("plan-at-risk", Map.of("threshold", 0.4, "from-share", "1/4")));
        // 2026-11-10: 9.5/30 passed, above 1/4; forecast 48% is above 40%: nothing
        assertThat(Rules.of(Rules.run(behind(), yaml, "en", NOV, "2026-11-10"), "plan-at-risk")).isEmpty();
        Map<String, Object> higher = Rules.yaml(Map.of("plan-at-risk", Map.of("threshold", 0.5, "from-share", "1/4")));
        assertThat(Rules.of(Rules.run(behind(), higher, "en", NOV, "2026-11-10"), "plan-at-risk")).isNotEmpty();
    }

    @Test
    void theSameSituationGivesTheSameKeyAndFallingFurtherBehindANewOne() {
        CrmFixture g = behind();   // o1 still open

        String on20th = departmentKey(Rules.run(g, NOV, "2026-11-20"));
        String on21st = departmentKey(Rules.run(g, NOV, "2026-11-21"));
        String afterTheLoss = departmentKey(Rules.run(replaceOpen(), NOV, "2026-11-23"));

        assertThat(on21st).isEqualTo(on20th).isEqualTo("plan-at-risk:crm:department:(all):2026-11:r9");
        // forecast 2000 = 20%: a lower step
        assertThat(afterTheLoss).isEqualTo("plan-at-risk:crm:department:(all):2026-11:r4");
    }

    /** {@link #behind()} with o1 lost on 2026-11-22. */
    private static CrmFixture replaceOpen() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris")
                .plan(NOV, "10000").plan(NOV, REGION, "North", "4000").plan(NOV, REP, "u1", "5000");
        f.deal("w1").owner("u1").region("North").created("2026-10-20").won("2026-11-05").amount(2000);
        f.deal("o1").owner("u1").region("North").created("2026-11-02").lost("2026-11-22").amount(4000);
        return f;
    }

    private static String departmentKey(List<ProposedAction> actions) {
        return Rules.of(actions, "plan-at-risk").stream().map(ProposedAction::dedupeKey)
                .filter(k -> k.contains(":department:")).findFirst().orElseThrow();
    }

    @Test
    void withoutAHeadForTheConnectionTheDepartmentNoticeIsNotProposed() {
        List<ProposedAction> actions = Rules.run(behind(), Map.of(), "en", NOV, "2026-11-20");

        assertThat(Rules.of(actions, "plan-at-risk")).noneMatch(a -> a.kind() == ActionKind.NOTIFY);
    }
}
