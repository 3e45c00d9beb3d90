package io.planpilot.core.rules;

import io.planpilot.core.kpi.CrmFixture;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.planpilot.core.domain.ActivityType.CALL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule 2 and its marketing recipients (rule 9), on the data set of KpiCapacityTest: lookback 28
 * days, holiday 2026-11-27, t = Mon 2026-11-23 noon MSK. With a plan of 10500: remaining 8500,
 * 5 wins needed, 8 opportunities needed, 50 activities, 20 reps needed, 1 working, gap 19 reps,
 * achievable 2500.
 */
class CapacityGapRuleTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-23";

    private static CrmFixture department(String plan) {
        CrmFixture f = CrmFixture.crm().lookbackDays(28).holiday("2026-11-27")
                .rep("u1", "Anna").rep("u2", "Boris").plan(NOV, plan);
        f.deal("w1").owner("u1").created("2026-11-02").won("2026-11-10").amount(1000);
        f.deal("w2").owner("u1").created("2026-11-03").won("2026-11-12").amount(1000);
        f.deal("l1").owner("u1").created("2026-09-20").won("2026-10-10").amount(1500);
        f.deal("l2").owner("u2").created("2026-09-20").won("2026-10-12").amount(2500);
        f.deal("l3").owner("u1").created("2026-09-20").lost("2026-10-14");
        f.deal("l4").owner("u2").created("2026-09-20").lost("2026-10-16");
        f.activity(CALL).owner("u1").done("2026-10-15").times(12);
        f.activity(CALL).owner("u2").done("2026-10-15").times(8);
        f.deal("o1").owner("u1").created("2026-11-05");
        f.deal("o2").owner("u1").created("2026-11-05").stage("offer").expectedClose("2026-11-28");
        f.deal("o3").owner("u1").created("2026-11-05").stage("contract").expectedClose("2026-11-30");
        f.deal("o4").owner("u1").created("2026-11-05").stage("contract").expectedClose("2026-12-15");
        return f;
    }

    @Test
    void theHeadGetsBothRemediesWithTheirFiguresReadyToForward() {
        List<ProposedAction> actions = Rules.of(Rules.run(department("10500"), NOV, T), "capacity-gap");

        assertThat(actions).hasSize(1);
        ProposedAction a = actions.get(0);
        assertThat(a.kind()).isEqualTo(ActionKind.NOTIFY);
        assertThat(a.target()).isEqualTo(Rules.HEAD);
        assertThat(a.title()).isEqualTo(
                "Capacity gap for 2026-11 (the department): add 19 reps or lower the plan from 10,500 USD to 2,500 USD");
        assertThat(a.body()).startsWith("Recommendation on the sales plan for 2026-11 (the department).")
                .contains("The plan is 10,500 USD; 2,000 USD is won, 8,500 USD remains.",
                        "At the average deal of 2,000 USD (last 28 days) that takes 5 more wins, 50 sales activities",
                        "5 working days are left, so the plan needs 20 reps and 1 are working",
                        "2,500 USD is achievable",
                        "1. Add 19 reps to the team (20 instead of 1).",
                        "2. Lower the plan for 2026-11 to 2,500 USD.",
                        "Dashboard: https://planpilot.example.com/dashboard?period=2026-11");
        assertThat(a.dedupeKey()).isEqualTo("capacity-gap:crm:department:(all):2026-11:g19");
    }

    @Test
    void inRussianTheSameFiguresAreWrittenTheRussianWay() {
        List<ProposedAction> actions = Rules.of(Rules.run(department("10500"), Rules.yaml(Map.of()), "ru", NOV, T),
                "capacity-gap");

        ProposedAction a = actions.get(0);
        assertThat(a.title()).isEqualTo(
                "Не хватает ресурсов на 2026-11 (отдел): добавить менеджеров: 19 или снизить план с 10 500 USD до 2 500 USD");
        assertThat(a.body()).contains("1. Добавить в команду менеджеров: 19 (20 вместо 1).",
                "2. Снизить план на 2026-11 до 2 500 USD.", "Дашборд: https://planpilot.example.com/dashboard?period=2026-11");
        // the key does not depend on the language
        assertThat(a.dedupeKey()).isEqualTo("capacity-gap:crm:department:(all):2026-11:g19");
    }

    @Test
    void aPlanWithinReachProposesNothing() {
        // plan 1500 is already met: ON_TRACK
        assertThat(Rules.of(Rules.run(department("1500"), NOV, T), "capacity-gap")).isEmpty();
    }

    @Test
    void aBiggerGapIsANewKey() {
        String smaller = Rules.of(Rules.run(department("10500"), NOV, T), "capacity-gap").get(0).dedupeKey();
        String bigger = Rules.of(Rules.run(department("14500"), NOV, T), "capacity-gap").get(0).dedupeKey();

        // 14500: remaining 12500, ceil(6.25) = 7 wins, 70 activities, ceil(70 / 2.5) = 28 reps, 27 missing
        assertThat(bigger).isNotEqualTo(smaller).endsWith(":g27");
    }

    @Test
    void marketingHearsWhenNewOpportunitiesFallShortOfWhatThePlanNeeds() {
        Map<String, Object> yaml = Map.of("recipients", Map.of("head", Map.of("crm", "h1"), "marketing", Map.of("crm", 77)));

        List<ProposedAction> actions = Rules.of(Rules.run(department("10500"), yaml, "en", NOV, T), "capacity-gap");

        // 8 opportunities needed; 6 deals created in November (w1, w2, o1..o4)
        ProposedAction marketing = actions.stream().filter(a -> a.target().equals("77")).findFirst().orElseThrow();
        assertThat(marketing.kind()).isEqualTo(ActionKind.NOTIFY);
        assertThat(marketing.title()).isEqualTo("Sales needs 8 new opportunities for 2026-11; 6 came in so far");
        assertThat(marketing.dedupeKey()).isEqualTo("capacity-gap:crm:marketing:2026-11:o8");
    }

    @Test
    void marketingHearsNothingWhenEnoughOpportunitiesCameIn() {
        CrmFixture f = department("10500");
        f.deal("n1").owner("u1").created("2026-11-06").expectedClose("2026-12-20");
        f.deal("n2").owner("u1").created("2026-11-06").expectedClose("2026-12-20");   // 8 created, 8 needed
        Map<String, Object> yaml = Map.of("recipients", Map.of("marketing", Map.of("crm", "77")));

        assertThat(Rules.of(Rules.run(f, yaml, "en", NOV, T), "capacity-gap")).noneMatch(a -> a.target().equals("77"));
    }
}
