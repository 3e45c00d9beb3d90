package io.planpilot.core.kpi;

import io.planpilot.core.domain.Dimension;
import org.junit.jupiter.api.Test;

import static io.planpilot.core.kpi.CrmFixture.assertClose;
import static io.planpilot.core.kpi.CrmFixture.dec;
import static io.planpilot.core.kpi.CrmFixture.fraction;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KPI.md "Results" for the department, computed by hand. Zone Europe/Moscow (UTC+3), base USD,
 * EUR = 1.08, lookback 180 days. A bare date is noon Moscow time (see {@link CrmFixture}).
 * For P = 2026-11 the lookback window L is [2026-05-05, 2026-11-01).
 */
class KpiSummaryTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-20"; // asOf: 2026-11-20 12:00 MSK

    @Test
    void wonLostWinRateAverageDealAndCycle() {
        CrmFixture f = CrmFixture.crm();
        f.deal("d1").created("2026-10-01").won("2026-11-10").amount(1000);                               // 40 days
        f.deal("d2").created("2026-11-01T00:00").won("2026-11-02T12:00").amount(500).currency("EUR");   // 1.5 days
        f.deal("d3").created("2026-10-20").won("2026-11-15T18:00");                                      // no amount; 26.25 days
        f.deal("d4").created("2026-10-10").won("2026-11-05").amount(700).currency("GBP");                // no rate; 26 days
        f.deal("d5").created("2026-10-10").lost("2026-11-12").amount(2000);
        f.deal("d6").created("2026-09-10").lost("2026-10-30").amount(100);                               // closed in October
        f.deal("d7").created("2026-10-10").won("2026-11-25").amount(9000);                               // won after t: open

        KpiFigures k = f.summary(NOV, T);

        // won in Nov: d1 1000 + d2 EUR 500×1.08=540 (+ d3 no amount, d4 GBP no rate) → 1540
        assertThat(k.wonAmount()).isEqualByComparingTo("1540");
        assertThat(k.wonCount()).isEqualTo(4);   // d1 d2 d3 d4
        assertThat(k.lostCount()).isEqualTo(1);  // d5
        // 4 / (4+1)
        assertThat(k.winRate()).isEqualByComparingTo("0.8");
        // 1540 / 2 (d3 and d4 have no money value)
        assertThat(k.averageDeal()).isEqualByComparingTo("770");
        // cycles 40, 1.5, 26.25, 26 → mean 93.75/4 = 23.4375; sorted 1.5 26 26.25 40 → median (26+26.25)/2
        assertThat(k.cycleDaysMean()).isEqualByComparingTo("23.4375");
        assertThat(k.cycleDaysMedian()).isEqualByComparingTo("26.125");
    }

    @Test
    void anOddNumberOfCyclesHasTheMiddleOneAsMedian() {
        CrmFixture f = CrmFixture.crm();
        f.deal("d1").created("2026-11-01").won("2026-11-02").amount(1);                 // 1 day
        f.deal("d2").created("2026-11-01").won("2026-11-04T00:00").amount(1);           // 2.5 days
        f.deal("d3").created("2026-11-01").won("2026-11-11").amount(1);                 // 10 days

        KpiFigures k = f.summary(NOV, T);

        // mean 13.5/3 = 4.5, median 2.5
        assertThat(k.cycleDaysMean()).isEqualByComparingTo("4.5");
        assertThat(k.cycleDaysMedian()).isEqualByComparingTo("2.5");
    }

    @Test
    void anAmountOfZeroIsAnAmount() {
        CrmFixture f = CrmFixture.crm();
        f.deal("d1").won("2026-11-10").amount(1000);
        f.deal("d2").won("2026-11-11").amount(0);

        KpiFigures k = f.summary(NOV, T);

        // 1000 + 0, two won deals with an amount → average 500
        assertThat(k.wonAmount()).isEqualByComparingTo("1000");
        assertThat(k.averageDeal()).isEqualByComparingTo("500");
    }

    @Test
    void withNoClosedDealsTheRatiosAreNullAndTheSumsZero() {
        CrmFixture f = CrmFixture.crm();
        f.deal("o1").amount(1000).expectedClose("2026-11-25");

        KpiFigures k = f.summary(NOV, T);

        assertThat(k.wonAmount()).isEqualByComparingTo("0");
        assertThat(k.wonCount()).isZero();
        assertThat(k.lostCount()).isZero();
        assertThat(k.winRate()).isNull();
        assertThat(k.averageDeal()).isNull();
        assertThat(k.cycleDaysMean()).isNull();
        assertThat(k.cycleDaysMedian()).isNull();
        assertThat(k.plan()).isNull();
        assertThat(k.attainment()).isNull();
        assertThat(k.coverage()).isNull();
        assertThat(k.velocityPerDay()).isNull(); // nothing closed in L → winRate(L) null
        // o1 in "new", no deal closed in L → CRM probability 0.1 → 100
        assertThat(k.openCount()).isEqualTo(1);
        assertThat(k.openAmount()).isEqualByComparingTo("1000");
        assertThat(k.weightedPipeline()).isEqualByComparingTo("100");
        assertThat(k.forecast()).isEqualByComparingTo("100");
    }

    @Test
    void anEmptyCrmHasZeroSumsAndNullRatios() {
        KpiFigures k = CrmFixture.crm().summary(NOV, T);

        assertThat(k.wonAmount()).isEqualByComparingTo("0");
        assertThat(k.openAmount()).isEqualByComparingTo("0");
        assertThat(k.weightedPipeline()).isEqualByComparingTo("0");
        assertThat(k.forecast()).isEqualByComparingTo("0");
        assertThat(k.openCount()).isZero();
        assertThat(k.winRate()).isNull();
        assertThat(k.averageDeal()).isNull();
        assertThat(k.velocityPerDay()).isNull();
    }

    @Test
    void planIsTheMonthTargetAndAttainmentTheShareWon() {
        CrmFixture f = CrmFixture.crm().plan(NOV, "10000");
        f.deal("d1").won("2026-11-10").amount(1000);
        f.deal("d2").won("2026-11-11").amount(500).currency("EUR");

        KpiFigures k = f.summary(NOV, T);

        // won 1000 + 540 = 1540; 1540 / 10000
        assertThat(k.plan()).isEqualByComparingTo("10000");
        assertThat(k.attainment()).isEqualByComparingTo("0.154");
    }

    @Test
    void aQuarterPlanSumsItsMonthsAndAMonthWithoutARowAddsZero() {
        CrmFixture f = CrmFixture.crm()
                .plan("2026-10", "3000")
                .plan("2026-12", "6000")                                  // November has no row
                .plan(NOV, Dimension.REGION, "North", "999");              // another dimension: not the department's
        f.deal("d1").won("2026-11-10").amount(1800);

        KpiFigures k = f.summary("2026-Q4", "2026-12-31");

        // 3000 + 0 + 6000 = 9000; attainment 1800 / 9000
        assertThat(k.plan()).isEqualByComparingTo("9000");
        assertThat(k.attainment()).isEqualByComparingTo("0.2");
    }

    @Test
    void aPartialMonthCountsProRataByCalendarDays() {
        CrmFixture f = CrmFixture.crm().plan("2026-10", "3100").plan(NOV, "6000");

        // Oct 25..31 = 7/31 × 3100 = 700; Nov 1..5 = 5/30 × 6000 = 1000 → 1700 (exact; tolerance for 7/31)
        assertClose(f.summary("2026-10-25..2026-11-05", T).plan(), dec("1700"));
        // Nov 1..15 = 15/30 × 6000 = 3000
        assertClose(f.summary("2026-11-01..2026-11-15", T).plan(), dec("3000"));
        // Nov 20..20 = 1/30 × 6000 = 200
        assertClose(f.summary("2026-11-20..2026-11-20", T).plan(), dec("200"));
    }

    @Test
    void aPartialMonthWithoutARowAddsZeroAndNoRowAtAllIsNull() {
        CrmFixture f = CrmFixture.crm().plan(NOV, "6000");

        // October has no row (adds 0); Nov 1..5 = 5/30 × 6000 = 1000
        assertClose(f.summary("2026-10-25..2026-11-05", T).plan(), dec("1000"));
        // December has no row: no month of P has one → null
        assertThat(f.summary("2026-12-01..2026-12-10", T).plan()).isNull();
    }

    @Test
    void withoutAPlanPlanAttainmentAndCoverageAreNull() {
        CrmFixture f = CrmFixture.crm().plan("2026-10", "5000");          // another month only
        f.deal("d1").won("2026-11-10").amount(1000);
        f.deal("o1").amount(500);

        KpiFigures k = f.summary(NOV, T);

        assertThat(k.plan()).isNull();
        assertThat(k.attainment()).isNull();
        assertThat(k.coverage()).isNull();
    }

    @Test
    void aPlanOfZeroHasNoAttainmentAndNoCoverage() {
        CrmFixture f = CrmFixture.crm().plan(NOV, "0");
        f.deal("d1").won("2026-11-10").amount(1000);
        f.deal("o1").amount(500);

        KpiFigures k = f.summary(NOV, T);

        assertThat(k.plan()).isEqualByComparingTo("0");
        assertThat(k.attainment()).isNull();   // divides by 0
        assertThat(k.coverage()).isNull();     // plan − won = −1000 <= 0
    }

    @Test
    void coverageIsNullOnceThePlanIsMet() {
        CrmFixture f = CrmFixture.crm().plan(NOV, "1000");
        f.deal("d1").won("2026-11-10").amount(1000);
        f.deal("o1").amount(500);

        KpiFigures k = f.summary(NOV, T);

        // plan − won = 0 → coverage null; attainment 1000/1000
        assertThat(k.coverage()).isNull();
        assertThat(k.attainment()).isEqualByComparingTo("1");
    }

    @Test
    void theOpenSetIsOpenAtTWithExpectedCloseInPOrMissing() {
        CrmFixture f = CrmFixture.crm().plan(NOV, "5000");
        f.deal("w1").won("2026-11-05").amount(1000);
        f.deal("o1").amount(1000).expectedClose("2026-11-25");                           // in
        f.deal("o2").amount(200).currency("EUR");                                        // no expected close: in, 216
        f.deal("o3").amount(800).expectedClose("2026-10-15");                            // past, outside P: out
        f.deal("o4").amount(900).expectedClose("2026-12-05");                            // after P: out
        f.deal("o5").expectedClose("2026-11-05");                                        // in P, no amount: count only
        f.deal("o6").won("2026-11-25").amount(300).expectedClose("2026-11-28");          // won after t: open, in
        f.deal("o7").created("2026-11-21").amount(50).expectedClose("2026-11-25");       // created after t: absent
        f.deal("o8").amount(70).expectedClose("2026-11-25").deleted();                   // deleted: absent
        f.deal("o9").amount(400).currency("GBP").expectedClose("2026-11-26");            // no rate: count only

        KpiFigures k = f.summary(NOV, T);

        // o1 o2 o5 o6 o9
        assertThat(k.openCount()).isEqualTo(5);
        // 1000 + 216 + 300
        assertThat(k.openAmount()).isEqualByComparingTo("1516");
        // 1516 / (5000 − 1000)
        assertThat(k.coverage()).isEqualByComparingTo("0.379");
        // nothing closed in L → CRM probabilities; all in "new" at t (o6 has no history: first open stage) → 0.1 × 1516
        assertThat(k.weightedPipeline()).isEqualByComparingTo("151.6");
        // 1000 + 151.6
        assertThat(k.forecast()).isEqualByComparingTo("1151.6");
    }

    @Test
    void weightedPipelineUsesWinRatesOfTheLookbackOnlyWhereFiveDealsReachedTheStage() {
        CrmFixture f = CrmFixture.crm();
        // closed in L = [05-05, 11-01), created 09-01:
        f.deal("h1").won("2026-10-05").entered("new", "2026-09-01").entered("offer", "2026-09-10")
                .entered("contract", "2026-09-20").entered("won", "2026-10-05");             // new offer contract
        f.deal("h2").won("2026-10-06").entered("new", "2026-09-01").entered("contract", "2026-09-15")
                .entered("won", "2026-10-06");                                               // skipped offer: new offer contract
        f.deal("h3").won("2026-10-07");                                                      // WON, no history: all
        f.deal("h4").lost("2026-10-08").entered("new", "2026-09-01").entered("offer", "2026-09-10")
                .entered("lost", "2026-10-08");                                              // new offer
        f.deal("h5").lost("2026-10-09").entered("new", "2026-09-01").entered("lost", "2026-10-09"); // new
        f.deal("h6").lost("2026-10-10");                                                     // LOST, no history: new
        f.deal("h7").lost("2026-10-11").entered("new", "2026-09-01").entered("offer", "2026-09-10")
                .entered("contract", "2026-09-20").entered("lost", "2026-10-11");            // new offer contract
        f.deal("h8").lost("2026-10-12").entered("new", "2026-09-01").entered("lost", "2026-10-12"); // new
        // not in L: closed before it, and closed in P
        f.deal("h9").created("2026-04-01").won("2026-04-20");
        f.deal("w1").created("2026-11-01").won("2026-11-05").amount(1000);
        // reached(new) = 8, won 3 → 3/8 = 0.375
        // reached(offer) = h1 h2 h3 h4 h7 = 5, won 3 → 3/5 = 0.6
        // reached(contract) = h1 h2 h3 h7 = 4 < 5 → the stage's CRM probability 0.7
        f.deal("o1").amount(1000);                                                            // new: 375
        f.deal("o2").stage("offer").amount(2000).entered("new", "2026-09-01").entered("offer", "2026-11-05"); // 1200
        f.deal("o3").stage("contract").amount(1000);                                         // 700
        f.deal("o4").stage("contract").amount(500).entered("offer", "2026-11-10")
                .entered("contract", "2026-11-22");                                          // at t in offer: 300
        f.deal("o5").stage("offer");                                                         // no amount: 0
        f.deal("o6").stage("contract").amount(100).crmProbability("0.9");                   // the stage has one: 0.7 → 70

        KpiFigures k = f.summary(NOV, T);

        assertThat(k.openCount()).isEqualTo(6);
        assertThat(k.openAmount()).isEqualByComparingTo("4600");
        // 375 + 1200 + 700 + 300 + 0 + 70
        assertThat(k.weightedPipeline()).isEqualByComparingTo("2645");
        // 1000 + 2645
        assertThat(k.forecast()).isEqualByComparingTo("3645");
    }

    @Test
    void withoutAStageProbabilityTheDealsOwnIsUsedElseZero() {
        CrmFixture f = CrmFixture.crm();
        f.pipeline("bx", "Deal-level probabilities")
                .open("b1", "First", 1, null).open("b2", "Second", 2, null).won("bx-won").lost("bx-lost");
        f.deal("x1").pipeline("bx").stage("b1").amount(400).crmProbability("0.25");          // 100
        f.deal("x2").pipeline("bx").stage("b2").amount(400);                                 // no probability: 0
        f.deal("x3").amount(1000);                                                           // main/new 0.1: 100

        KpiFigures k = f.summary(NOV, T);

        assertThat(k.openCount()).isEqualTo(3);
        assertThat(k.weightedPipeline()).isEqualByComparingTo("200");
    }

    @Test
    void velocityComesFromTheLookbackRatesOfTheRow() {
        CrmFixture f = CrmFixture.crm();
        // closed in L = [2026-05-05 00:00, 2026-11-01 00:00) MSK:
        f.deal("v1").created("2026-09-30").won("2026-10-10").amount(1000);     // 10 days
        f.deal("v2").created("2026-09-30").won("2026-10-20").amount(2000);     // 20 days
        f.deal("v3").created("2026-09-30").won("2026-10-30").amount(3000);     // 30 days
        f.deal("v4").created("2026-09-30").lost("2026-10-15");
        f.deal("v5").created("2026-04-01").lost("2026-05-05T00:00");           // the first instant of L: in
        f.deal("v6").created("2026-04-01").lost("2026-05-04T23:59:59");        // just before L: out
        f.deal("w1").created("2026-11-04").won("2026-11-05").amount(5000);     // closed in P, not in L
        f.deal("o1").amount(100);
        f.deal("o2").amount(100);

        KpiFigures k = f.summary(NOV, T);

        // winRate(L) 3/5 = 0.6; averageDeal(L) 6000/3 = 2000; cycleDaysMean(L) 60/3 = 20
        // openCount 2 × 0.6 × 2000 / 20 = 120
        assertThat(k.velocityPerDay()).isEqualByComparingTo("120");
    }

    @Test
    void velocityIsNullWhenTheLookbackCycleIsZero() {
        CrmFixture f = CrmFixture.crm();
        f.deal("v1").created("2026-10-10").won("2026-10-10").amount(1000);     // 0 days
        f.deal("o1").amount(100);

        // cycleDaysMean(L) = 0 → null
        assertThat(f.summary(NOV, T).velocityPerDay()).isNull();
    }

    @Test
    void velocityIsNullWithoutAnAverageDealInTheLookback() {
        CrmFixture f = CrmFixture.crm();
        f.deal("v1").created("2026-10-01").won("2026-10-10");                  // won in L, no amount
        f.deal("o1").amount(100);

        // averageDeal(L) null → null
        assertThat(f.summary(NOV, T).velocityPerDay()).isNull();
    }

    @Test
    void velocityIsZeroWithNothingOpen() {
        CrmFixture f = CrmFixture.crm();
        f.deal("v1").created("2026-10-01").won("2026-10-11").amount(1000);     // 10 days

        // 0 × 1 × 1000 / 10 = 0: a factor of 0 is not a missing factor
        assertThat(f.summary(NOV, T).velocityPerDay()).isEqualByComparingTo("0");
    }

    @Test
    void aPeriodAfterAsOfHasNothingWonButItsOpenSetAndPlan() {
        CrmFixture f = CrmFixture.crm().plan("2026-12", "4000");
        f.deal("w1").created("2026-10-31").won("2026-11-10").amount(3000);     // won in Nov: in L of December
        f.deal("l1").created("2026-10-31").lost("2026-11-12");                 // lost in Nov: in L of December
        f.deal("o1").amount(1000).expectedClose("2026-12-10");                 // in P
        f.deal("o2").amount(700).expectedClose("2026-11-25");                  // November: not in P
        f.deal("o3").stage("offer").amount(500);                               // missing: in

        KpiFigures k = f.summary("2026-12", T);

        assertThat(k.wonAmount()).isEqualByComparingTo("0");
        assertThat(k.wonCount()).isZero();
        assertThat(k.winRate()).isNull();
        assertThat(k.averageDeal()).isNull();
        assertThat(k.plan()).isEqualByComparingTo("4000");
        assertThat(k.attainment()).isEqualByComparingTo("0");
        assertThat(k.openCount()).isEqualTo(2);
        assertThat(k.openAmount()).isEqualByComparingTo("1500");
        // 1500 / (4000 − 0)
        assertThat(k.coverage()).isEqualByComparingTo("0.375");
        // 2 closed in L → CRM probabilities: o1 new 0.1×1000 + o3 offer 0.4×500 = 300
        assertThat(k.weightedPipeline()).isEqualByComparingTo("300");
        assertThat(k.forecast()).isEqualByComparingTo("300");
        // L = [2026-06-04, 2026-12-01), closed at or before t: winRate 1/2, averageDeal 3000, cycle 10 days
        // 2 × 0.5 × 3000 / 10 = 300
        assertThat(k.velocityPerDay()).isEqualByComparingTo("300");
    }

    @Test
    void aPastAsOfSeesNothingThatHappenedAfterIt() {
        CrmFixture f = CrmFixture.crm();
        f.deal("d1").created("2026-11-01").won("2026-11-10").amount(1000);
        f.deal("d2").created("2026-11-02").won("2026-11-18").amount(1000)
                .entered("new", "2026-11-02").entered("offer", "2026-11-12").entered("won", "2026-11-18");
        f.deal("d3").created("2026-11-16").amount(700);                                    // created after t
        f.deal("d4").created("2026-11-03").lost("2026-11-16").amount(500).expectedClose("2026-11-30");
        f.deal("d5").created("2026-11-03").lost("2026-11-14");

        KpiFigures k = f.summary(NOV, "2026-11-15"); // t = 2026-11-15 12:00 MSK

        // won: d1; lost: d5; d2 and d4 closed after t are open
        assertThat(k.wonCount()).isEqualTo(1);
        assertThat(k.wonAmount()).isEqualByComparingTo("1000");
        assertThat(k.lostCount()).isEqualTo(1);
        assertThat(k.winRate()).isEqualByComparingTo("0.5");
        // open at t: d2 (1000), d4 (500); d3 does not exist yet
        assertThat(k.openCount()).isEqualTo(2);
        assertThat(k.openAmount()).isEqualByComparingTo("1500");
        // d2 at t in offer (its won entry is after t): 0.4 × 1000; d4 has no history and is LOST now: first open stage 0.1 × 500
        assertThat(k.weightedPipeline()).isEqualByComparingTo("450");
        assertThat(k.forecast()).isEqualByComparingTo("1450");
    }

    @Test
    void aDealClosedAtLocalMidnightBelongsToTheDayThatStarts() {
        CrmFixture f = CrmFixture.crm();
        f.deal("d1").created("2026-10-01").won("2026-10-31T21:00:00Z").amount(100);        // Nov 1 00:00 MSK: November
        f.deal("d2").created("2026-10-01").won("2026-10-31T20:59:59.999999Z").amount(10);  // Oct 31 23:59:59.999999 MSK
        f.deal("d3").created("2026-10-01").won("2026-11-30T20:59:59Z").amount(1000);       // Nov 30 23:59:59 MSK
        f.deal("d4").created("2026-10-01").won("2026-11-30T21:00:00Z").amount(10000);      // Dec 1 00:00 MSK

        KpiFigures nov = f.summary(NOV, "2026-12-10");
        KpiFigures oct = f.summary("2026-10", "2026-12-10");
        KpiFigures dec = f.summary("2026-12", "2026-12-10");

        // November: d1 100 + d3 1000
        assertThat(nov.wonCount()).isEqualTo(2);
        assertThat(nov.wonAmount()).isEqualByComparingTo("1100");
        assertThat(oct.wonAmount()).isEqualByComparingTo("10");
        assertThat(dec.wonAmount()).isEqualByComparingTo("10000");
    }

    @Test
    void crmRatesAreUsedOnlyWhenTheCrmBaseIsTheAdaptersBase() {
        CrmFixture f = CrmFixture.crm().standardPipeline("b")
                .crmRate("crm", "usd", "EUR", "1.10")
                .crmRate("crm", "USD", "KZT", "0.002")
                .crmRate("b", "RUB", "EUR", "95")
                .crmRate("b", "RUB", "KZT", "0.2");
        f.deal("d1").won("2026-11-10").amount(1000).currency("EUR");                 // crm's own 1.10 → 1100
        f.deal("d2").won("2026-11-10").amount(50000).currency("kzt");                // crm's own 0.002 → 100
        f.deal("d4").won("2026-11-10").amount(100).currency("GBP");                  // no rate anywhere
        f.deal("d3").connection("b").won("2026-11-10").amount(1000).currency("EUR"); // b's base RUB: adapter 1.08 → 1080
        f.deal("d5").connection("b").won("2026-11-10").amount(50000).currency("KZT");// b's rate unusable, adapter none

        KpiFigures all = f.summary(NOV, T);
        KpiFigures crm = f.engine().summary(f.query(NOV, T, "crm"));
        KpiFigures b = f.engine().summary(f.query(NOV, T, "b"));

        // 1100 + 100 + 1080 = 2280 over 3 deals with money → 760
        assertThat(all.wonCount()).isEqualTo(5);
        assertThat(all.wonAmount()).isEqualByComparingTo("2280");
        assertThat(all.averageDeal()).isEqualByComparingTo("760");
        // crm: 1100 + 100 = 1200 over 2 → 600
        assertThat(crm.wonCount()).isEqualTo(3);
        assertThat(crm.wonAmount()).isEqualByComparingTo("1200");
        assertThat(crm.averageDeal()).isEqualByComparingTo("600");
        // b: 1080 over 1
        assertThat(b.wonCount()).isEqualTo(2);
        assertThat(b.wonAmount()).isEqualByComparingTo("1080");
        assertThat(b.averageDeal()).isEqualByComparingTo("1080");
    }

    @Test
    void aDealWithoutAnAmountButWithLinesHasTheSumOfItsLines() {
        CrmFixture f = CrmFixture.crm();
        f.deal("d1").won("2026-11-10").line("A", "300").line("B", "200");                    // 500
        f.deal("d2").won("2026-11-11").currency("EUR").line("A", "100").line("B", "100");    // 200 EUR → 216
        f.deal("d3").won("2026-11-12").amount(1000).line("A", "1").line("B", "1");           // its amount: 1000

        KpiFigures k = f.summary(NOV, T);

        // 500 + 216 + 1000 = 1716; / 3
        assertThat(k.wonAmount()).isEqualByComparingTo("1716");
        assertThat(k.averageDeal()).isEqualByComparingTo("572");
    }

    @Test
    void aDeletedDealCountsNowhere() {
        CrmFixture f = CrmFixture.crm().plan(NOV, "2000");
        f.deal("d1").won("2026-11-10").amount(1000).deleted();
        f.deal("d2").lost("2026-11-11").amount(1000).deleted();
        f.deal("d3").amount(1000).deleted();
        f.deal("d4").won("2026-11-12").amount(500);

        KpiFigures k = f.summary(NOV, T);

        assertThat(k.wonCount()).isEqualTo(1);
        assertThat(k.wonAmount()).isEqualByComparingTo("500");
        assertThat(k.lostCount()).isZero();
        assertThat(k.winRate()).isEqualByComparingTo("1");
        assertThat(k.openCount()).isZero();
        assertThat(k.openAmount()).isEqualByComparingTo("0");
        // 0 / (2000 − 500)
        assertThat(k.coverage()).isEqualByComparingTo("0");
    }

    @Test
    void nonTerminatingRatiosAreKeptAtFullPrecision() {
        CrmFixture f = CrmFixture.crm();
        f.deal("d1").won("2026-11-10").amount(100);
        f.deal("d2").won("2026-11-10").amount(100);
        f.deal("d3").lost("2026-11-10");

        KpiFigures k = f.summary(NOV, T);

        // 2/3, not rounded to a few places
        assertClose(k.winRate(), fraction("2", "3"));
    }
}
