package io.planpilot.core.kpi;

import org.junit.jupiter.api.Test;

import java.util.List;

import static io.planpilot.core.domain.ActivityType.CALL;
import static io.planpilot.core.domain.Dimension.DEPARTMENT;
import static io.planpilot.core.domain.Dimension.REGION;
import static io.planpilot.core.kpi.CapacityRow.Verdict.EXPAND_OR_LOWER_PLAN;
import static io.planpilot.core.kpi.CapacityRow.Verdict.ON_TRACK;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KPI.md "Capacity", every field by hand. Moscow; lookback 28 days so that for P = 2026-11 the
 * window L = [2026-10-04, 2026-11-01) is exactly 4 weeks = 20 working days; holiday 2026-11-27 (Fri).
 * t = Mon 2026-11-23 12:00 MSK: working days left Nov 23, 24, 25, 26, (27), 30 = 5; the 30 days
 * before t are [2026-10-24 12:00, 2026-11-23 12:00]. A bare date is noon MSK.
 */
class KpiCapacityTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-23";

    /** The department of the hand computation; plan added by each test. */
    private static CrmFixture department() {
        CrmFixture f = CrmFixture.crm().lookbackDays(28).holiday("2026-11-27")
                .rep("u1", "Anna").rep("u2", "Boris");
        // won in P by u1: 2000
        f.deal("w1").owner("u1").created("2026-11-02").won("2026-11-10").amount(1000);
        f.deal("w2").owner("u1").created("2026-11-03").won("2026-11-12").amount(1000);
        // closed in L: won 1500 + 2500 (averageDeal(L) 2000), 2 of 4 won (winRate(L) 0.5)
        f.deal("l1").owner("u1").created("2026-09-20").won("2026-10-10").amount(1500);
        f.deal("l2").owner("u2").created("2026-09-20").won("2026-10-12").amount(2500);
        f.deal("l3").owner("u1").created("2026-09-20").lost("2026-10-14");
        f.deal("l4").owner("u2").created("2026-09-20").lost("2026-10-16");
        // done in L: 12 + 8 = 20 → activitiesPerWon(L) 20/2 = 10; per rep-day 20 / (2 reps × 20 days) = 0.5
        f.activity(CALL).owner("u1").done("2026-10-15").times(12);
        f.activity(CALL).owner("u2").done("2026-10-15").times(8);
        // the open set of P; 4 closed in L reached "new" (< 5): CRM probabilities 0.1 + 0.4 + 0.7 = 1.2
        f.deal("o1").owner("u1").created("2026-11-05");
        f.deal("o2").owner("u1").created("2026-11-05").stage("offer").expectedClose("2026-11-28");
        f.deal("o3").owner("u1").created("2026-11-05").stage("contract").expectedClose("2026-11-30");
        f.deal("o4").owner("u1").created("2026-11-05").stage("contract").expectedClose("2026-12-15"); // not in P
        // working in the 30 days before t: u1 (w1, w2, o1..o4); u2 not (its deals and activities are older)
        return f;
    }

    @Test
    void aDepartmentShortOfRepsIsToldToExpandOrLowerThePlan() {
        CrmFixture f = department().plan(NOV, "10500");

        List<CapacityRow> rows = f.engine().capacity(f.query(NOV, T), DEPARTMENT);

        assertThat(rows).hasSize(1);
        CapacityRow r = rows.get(0);
        assertThat(r.key()).isEqualTo("(all)");
        assertThat(r.name()).isEqualTo("(all)");
        assertThat(r.plan()).isEqualByComparingTo("10500");
        assertThat(r.wonAmount()).isEqualByComparingTo("2000");
        assertThat(r.averageDealL()).isEqualByComparingTo("2000");          // (1500 + 2500) / 2
        assertThat(r.winRateL()).isEqualByComparingTo("0.5");               // 2 / 4
        assertThat(r.activitiesPerWonL()).isEqualByComparingTo("10");       // 20 / 2
        assertThat(r.activitiesPerRepDayL()).isEqualByComparingTo("0.5");   // 20 / (2 × 20)
        // 1. 10500 − 2000
        assertThat(r.remaining()).isEqualByComparingTo("8500");
        // 2. ceil(8500 / 2000 = 4.25)
        assertThat(r.winsNeeded()).isEqualTo(5L);
        // 3. 0.1 + 0.4 + 0.7
        assertThat(r.expectedWinsFromPipeline()).isEqualByComparingTo("1.2");
        // 4. ceil((5 − 1.2) / 0.5 = 7.6)
        assertThat(r.opportunitiesNeeded()).isEqualTo(8L);
        // 5. 5 × 10
        assertThat(r.activitiesNeeded()).isEqualByComparingTo("50");
        // 7. Nov 23..30 weekdays 6 minus the 27th
        assertThat(r.workingDaysLeft()).isEqualTo(5);
        assertThat(r.repsActive()).isEqualTo(1);
        // 8. 1 × 0.5 × 5
        assertThat(r.activitiesAvailable()).isEqualByComparingTo("2.5");
        // 9. ceil(50 / (0.5 × 5))
        assertThat(r.repsNeeded()).isEqualTo(20L);
        // 10. 20 − 1
        assertThat(r.gapReps()).isEqualTo(19L);
        // 11. 2000 + min(2.5 / 10, 5) × 2000
        assertThat(r.achievable()).isEqualByComparingTo("2500");
        assertThat(r.verdict()).isEqualTo(EXPAND_OR_LOWER_PLAN);
        assertThat(r.reason()).isEmpty();
    }

    @Test
    void aPlanAlreadyMetNeedsNothing() {
        CrmFixture f = department().plan(NOV, "1500");

        CapacityRow r = f.engine().capacity(f.query(NOV, T), DEPARTMENT).get(0);

        // max(1500 − 2000, 0)
        assertThat(r.remaining()).isEqualByComparingTo("0");
        assertThat(r.winsNeeded()).isEqualTo(0L);
        // ceil(max(0 − 1.2, 0) / 0.5)
        assertThat(r.opportunitiesNeeded()).isEqualTo(0L);
        assertThat(r.activitiesNeeded()).isEqualByComparingTo("0");
        assertThat(r.repsNeeded()).isEqualTo(0L);
        assertThat(r.gapReps()).isEqualTo(0L);
        // 2000 + min(0.25, 0) × 2000
        assertThat(r.achievable()).isEqualByComparingTo("2000");
        assertThat(r.verdict()).isEqualTo(ON_TRACK);
        assertThat(r.reason()).isEmpty();
    }

    @Test
    void withoutAPlanWhatDependsOnItIsNullAndTheReasonSaysPlan() {
        CrmFixture f = department();

        CapacityRow r = f.engine().capacity(f.query(NOV, T), DEPARTMENT).get(0);

        assertThat(r.plan()).isNull();
        assertThat(r.remaining()).isNull();
        assertThat(r.winsNeeded()).isNull();
        assertThat(r.opportunitiesNeeded()).isNull();
        assertThat(r.activitiesNeeded()).isNull();
        assertThat(r.repsNeeded()).isNull();
        assertThat(r.gapReps()).isNull();
        assertThat(r.achievable()).isNull();
        assertThat(r.verdict()).isNull();
        assertThat(r.reason()).containsExactly("plan");
        // what does not depend on the plan is still there
        assertThat(r.wonAmount()).isEqualByComparingTo("2000");
        assertThat(r.averageDealL()).isEqualByComparingTo("2000");
        assertThat(r.expectedWinsFromPipeline()).isEqualByComparingTo("1.2");
        assertThat(r.workingDaysLeft()).isEqualTo(5);
        assertThat(r.repsActive()).isEqualTo(1);
        assertThat(r.activitiesAvailable()).isEqualByComparingTo("2.5");
    }

    @Test
    void withoutAnAverageDealInTheLookbackTheWinsNeededAreUnknown() {
        CrmFixture f = CrmFixture.crm().lookbackDays(28).holiday("2026-11-27").plan(NOV, "10500");
        f.deal("w1").owner("u1").created("2026-11-02").won("2026-11-10").amount(2000);
        // won in L but without an amount: wonCount(L) 2, averageDeal(L) null
        f.deal("l1").owner("u1").created("2026-09-20").won("2026-10-10");
        f.deal("l2").owner("u2").created("2026-09-20").won("2026-10-12");
        f.deal("l3").owner("u1").created("2026-09-20").lost("2026-10-14");
        f.deal("l4").owner("u2").created("2026-09-20").lost("2026-10-16");
        f.activity(CALL).owner("u1").done("2026-10-15").times(12);
        f.activity(CALL).owner("u2").done("2026-10-15").times(8);

        CapacityRow r = f.engine().capacity(f.query(NOV, T), DEPARTMENT).get(0);

        assertThat(r.averageDealL()).isNull();
        assertThat(r.winRateL()).isEqualByComparingTo("0.5");
        assertThat(r.activitiesPerWonL()).isEqualByComparingTo("10");
        assertThat(r.activitiesPerRepDayL()).isEqualByComparingTo("0.5");
        assertThat(r.remaining()).isEqualByComparingTo("8500");
        assertThat(r.winsNeeded()).isNull();
        assertThat(r.opportunitiesNeeded()).isNull();
        assertThat(r.activitiesNeeded()).isNull();
        assertThat(r.repsNeeded()).isNull();
        assertThat(r.gapReps()).isNull();
        assertThat(r.achievable()).isNull();
        assertThat(r.verdict()).isNull();
        assertThat(r.reason()).containsExactly("averageDealL");
        // 1 (u1 won w1 in the 30 days) × 0.5 × 5
        assertThat(r.repsActive()).isEqualTo(1);
        assertThat(r.activitiesAvailable()).isEqualByComparingTo("2.5");
    }

    @Test
    void dimensionRowsAreTheKeysWithAPlanAndUseTheirOwnDealsActivitiesAndReps() {
        CrmFixture f = CrmFixture.crm().lookbackDays(28).holiday("2026-11-27")
                .plan(NOV, REGION, "North", "2000")
                .plan(NOV, REGION, "South", "1000");
        // North: won 1000 in P; u3's open deal in contract
        f.deal("n1").region("North").owner("u1").created("2026-11-02").won("2026-11-10").amount(1000);
        f.deal("n2").region("North").owner("u3").created("2026-11-10").stage("contract");
        // North in L: 2 of 4 won, 1000 each; 20 activities linked to its deals, done by u1
        f.deal("nl1").region("North").owner("u1").created("2026-09-20").won("2026-10-10").amount(1000);
        f.deal("nl2").region("North").owner("u1").created("2026-09-20").won("2026-10-12").amount(1000);
        f.deal("nl3").region("North").owner("u1").created("2026-09-20").lost("2026-10-14");
        f.deal("nl4").region("North").owner("u1").created("2026-09-20").lost("2026-10-16");
        f.activity(CALL).owner("u1").deal("nl1").done("2026-10-08").times(20);
        // South: won 1500 in P (plan met)
        f.deal("s1").region("South").owner("u2").created("2026-11-02").won("2026-11-10").amount(1500);
        // South in L: 1 of 2 won, 1000; 4 activities linked to its deals, done by u2
        f.deal("sl1").region("South").owner("u2").created("2026-09-20").won("2026-10-10").amount(1000);
        f.deal("sl2").region("South").owner("u2").created("2026-09-20").lost("2026-10-12");
        f.activity(CALL).owner("u2").deal("sl1").done("2026-10-08").times(4);
        // West: deals but no plan → no row
        f.deal("x1").region("West").owner("u4").created("2026-11-03").won("2026-11-11").amount(700);
        // pipeline-wide p: 6 closed in L reached new (3 won) → p(new) 0.5; contract reached by 3 → CRM 0.7

        List<CapacityRow> rows = f.engine().capacity(f.query(NOV, T), REGION);

        assertThat(rows).extracting(CapacityRow::key).containsExactly("North", "South");

        CapacityRow north = rows.get(0);
        assertThat(north.plan()).isEqualByComparingTo("2000");
        assertThat(north.wonAmount()).isEqualByComparingTo("1000");
        assertThat(north.averageDealL()).isEqualByComparingTo("1000");
        assertThat(north.winRateL()).isEqualByComparingTo("0.5");
        assertThat(north.activitiesPerWonL()).isEqualByComparingTo("10");      // 20 / 2
        // North's reps u1, u3; working in L: u1 only → 20 / (1 × 20)
        assertThat(north.activitiesPerRepDayL()).isEqualByComparingTo("1");
        assertThat(north.remaining()).isEqualByComparingTo("1000");
        assertThat(north.winsNeeded()).isEqualTo(1L);                          // ceil(1000 / 1000)
        assertThat(north.expectedWinsFromPipeline()).isEqualByComparingTo("0.7"); // n2 in contract
        assertThat(north.opportunitiesNeeded()).isEqualTo(1L);                 // ceil(0.3 / 0.5 = 0.6)
        assertThat(north.activitiesNeeded()).isEqualByComparingTo("10");       // 1 × 10
        assertThat(north.workingDaysLeft()).isEqualTo(5);
        assertThat(north.repsActive()).isEqualTo(2);                           // u1 (n1 won 11-10), u3 (n2 created 11-10)
        assertThat(north.activitiesAvailable()).isEqualByComparingTo("10");    // 2 × 1 × 5
        assertThat(north.repsNeeded()).isEqualTo(2L);                          // ceil(10 / (1 × 5))
        assertThat(north.gapReps()).isEqualTo(0L);
        assertThat(north.achievable()).isEqualByComparingTo("2000");           // 1000 + min(10/10, 1) × 1000
        assertThat(north.verdict()).isEqualTo(ON_TRACK);
        assertThat(north.reason()).isEmpty();

        CapacityRow south = rows.get(1);
        assertThat(south.wonAmount()).isEqualByComparingTo("1500");
        assertThat(south.averageDealL()).isEqualByComparingTo("1000");
        assertThat(south.winRateL()).isEqualByComparingTo("0.5");
        assertThat(south.activitiesPerWonL()).isEqualByComparingTo("4");       // 4 / 1
        assertThat(south.activitiesPerRepDayL()).isEqualByComparingTo("0.2");  // 4 / (1 × 20)
        assertThat(south.remaining()).isEqualByComparingTo("0");
        assertThat(south.winsNeeded()).isEqualTo(0L);
        assertThat(south.expectedWinsFromPipeline()).isEqualByComparingTo("0");
        assertThat(south.opportunitiesNeeded()).isEqualTo(0L);
        assertThat(south.activitiesNeeded()).isEqualByComparingTo("0");
        assertThat(south.repsActive()).isEqualTo(1);                           // u2 (s1 won 11-10)
        assertThat(south.activitiesAvailable()).isEqualByComparingTo("1");     // 1 × 0.2 × 5
        assertThat(south.repsNeeded()).isEqualTo(0L);
        assertThat(south.gapReps()).isEqualTo(0L);
        assertThat(south.achievable()).isEqualByComparingTo("1500");           // 1500 + min(1/4, 0) × 1000
        assertThat(south.verdict()).isEqualTo(ON_TRACK);
    }

    @Test
    void workingDaysLeftStartAtPForAFuturePeriodAndAreZeroForAPastOne() {
        CrmFixture f = department().plan("2026-12", "5000").plan("2026-10", "5000");
        KpiEngine engine = f.engine();

        // December 2026: 23 weekdays, no holiday in it
        assertThat(engine.capacity(f.query("2026-12", T), DEPARTMENT).get(0).workingDaysLeft()).isEqualTo(23);
        assertThat(engine.capacity(f.query("2026-10", T), DEPARTMENT).get(0).workingDaysLeft()).isEqualTo(0);
    }
}
