package io.planpilot.core.kpi;

import org.junit.jupiter.api.Test;

import static io.planpilot.core.kpi.CrmFixture.assertClose;
import static io.planpilot.core.kpi.CrmFixture.fraction;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * KPI.md "Funnel", by hand. Pipeline main: new (10) → offer (20) → contract (30) → WON. The cohort is
 * the deals created in P = 2026-11 (Moscow). A bare date is noon MSK.
 */
class KpiFunnelTest {

    private static final String NOV = "2026-11";

    @Test
    void reachedCountsSkippedStagesAndWonDealsAndIgnoresHistoryAfterT() {
        CrmFixture f = CrmFixture.crm();
        // new → contract (skipped offer) → WON: new offer contract, won
        f.deal("f1").created("2026-11-01").won("2026-11-10")
                .entered("new", "2026-11-01").entered("contract", "2026-11-03").entered("won", "2026-11-10");
        // new → offer → LOST: new offer
        f.deal("f2").created("2026-11-02").lost("2026-11-06")
                .entered("new", "2026-11-02").entered("offer", "2026-11-04").entered("lost", "2026-11-06");
        // LOST without history: the first stage only
        f.deal("f3").created("2026-11-03").lost("2026-11-05");
        // open in contract without history: its stage at t stands in → new offer contract
        f.deal("f5").created("2026-11-06").stage("contract");
        // WON without history: every open stage, won
        f.deal("f7").created("2026-11-20").won("2026-11-22");
        // new → offer → contract → LOST: new offer contract (LOST is never a higher open stage)
        f.deal("f8").created("2026-11-08").lost("2026-11-12").entered("new", "2026-11-08")
                .entered("offer", "2026-11-09").entered("contract", "2026-11-10").entered("lost", "2026-11-12");
        // straight from new to LOST: new only
        f.deal("f9").created("2026-11-12").lost("2026-11-14").entered("new", "2026-11-12").entered("lost", "2026-11-14");
        // contract and won after t are not seen: at t it is open in offer → new offer
        f.deal("x4").created("2026-11-15").won("2026-11-28").entered("new", "2026-11-15")
                .entered("offer", "2026-11-16").entered("contract", "2026-11-27").entered("won", "2026-11-28");
        // not in the cohort
        f.deal("x1").created("2026-10-20").won("2026-11-05");          // created in October
        f.deal("x2").created("2026-11-26");                            // created after t
        f.deal("x3").created("2026-11-05").won("2026-11-07").deleted(); // deleted

        Funnel funnel = f.engine().funnel(f.query(NOV, "2026-11-25"), null);

        // reached: new 8 (all), offer 6 (f1 f2 f5 f7 f8 x4), contract 4 (f1 f5 f7 f8); won 2 (f1 f7)
        assertThat(funnel.pipeline()).isEqualTo("main");
        assertThat(funnel.stages()).extracting(Funnel.Step::id).containsExactly("new", "offer", "contract");
        assertThat(funnel.stages()).extracting(Funnel.Step::name).containsExactly("New", "Offer", "Contract");
        assertThat(funnel.stages()).extracting(Funnel.Step::reached).containsExactly(8L, 6L, 4L);
        assertThat(funnel.won()).isEqualTo(2);
        // 6/8, 4/6 = 2/3, last → WON 2/4
        assertThat(funnel.stages().get(0).conversionToNext()).isEqualByComparingTo("0.75");
        assertClose(funnel.stages().get(1).conversionToNext(), fraction("2", "3"));
        assertThat(funnel.stages().get(2).conversionToNext()).isEqualByComparingTo("0.5");
        // won / reached[first] = 2/8
        assertThat(funnel.funnelWinRate()).isEqualByComparingTo("0.25");
    }

    @Test
    void conversionIsNullFromAStageNobodyReached() {
        CrmFixture f = CrmFixture.crm();
        f.deal("z1").created("2026-11-05");                                                      // open in new
        f.deal("z2").created("2026-11-06").lost("2026-11-07").entered("new", "2026-11-06").entered("lost", "2026-11-07");

        Funnel funnel = f.engine().funnel(f.query(NOV, "2026-11-25"), null);

        assertThat(funnel.stages()).extracting(Funnel.Step::reached).containsExactly(2L, 0L, 0L);
        // new → offer 0/2 = 0; offer and contract reached 0 → null
        assertThat(funnel.stages().get(0).conversionToNext()).isEqualByComparingTo("0");
        assertThat(funnel.stages().get(1).conversionToNext()).isNull();
        assertThat(funnel.stages().get(2).conversionToNext()).isNull();
        assertThat(funnel.won()).isZero();
        assertThat(funnel.funnelWinRate()).isEqualByComparingTo("0");
        // z2 spent 1 day in new (11-06 12:00 → 11-07 12:00); z1's visit is still going
        assertThat(funnel.stages().get(0).medianDaysInStage()).isEqualByComparingTo("1");
        assertThat(funnel.stages().get(1).medianDaysInStage()).isNull();
    }

    @Test
    void anEmptyCohortHasZerosAndNulls() {
        CrmFixture f = CrmFixture.crm();
        f.deal("x1").created("2026-10-20").won("2026-11-05");

        Funnel funnel = f.engine().funnel(f.query(NOV, "2026-11-25"), null);

        assertThat(funnel.stages()).extracting(Funnel.Step::reached).containsExactly(0L, 0L, 0L);
        assertThat(funnel.stages()).extracting(Funnel.Step::conversionToNext).containsOnlyNulls();
        assertThat(funnel.stages()).extracting(Funnel.Step::medianDaysInStage).containsOnlyNulls();
        assertThat(funnel.won()).isZero();
        // 0 / 0: undefined → null
        assertThat(funnel.funnelWinRate()).isNull();
    }

    @Test
    void medianDaysInStageAddsFinishedVisitsAndLeavesOutVisitsStillGoing() {
        CrmFixture f = CrmFixture.crm();
        // no entry for new: new from createdAt 11-01 00:00 to 11-03 00:00 = 2;
        // offer 11-03 00:00 → 11-04 12:00 = 1.5, contract 11-04 12:00 → 11-05 12:00 = 1, offer again → 11-08 00:00 = 2.5
        // → new 2, offer 1.5 + 2.5 = 4, contract 1
        f.deal("m1").created("2026-11-01T00:00").won("2026-11-08T00:00")
                .entered("offer", "2026-11-03T00:00").entered("contract", "2026-11-04T12:00")
                .entered("offer", "2026-11-05T12:00").entered("won", "2026-11-08T00:00");
        // new 1, offer 3, contract still going at t: left out
        f.deal("m2").created("2026-11-02T00:00").stage("contract").entered("new", "2026-11-02T00:00")
                .entered("offer", "2026-11-03T00:00").entered("contract", "2026-11-06T00:00");
        // new 11-10 00:00 → LOST 11-12 06:00 = 2.25
        f.deal("m3").created("2026-11-10T00:00").lost("2026-11-12T06:00")
                .entered("new", "2026-11-10T00:00").entered("lost", "2026-11-12T06:00");
        // no history, closed: new from createdAt to closedAt = 1
        f.deal("m4").created("2026-11-10T00:00").lost("2026-11-11T00:00");
        // open in new without history: still going, left out
        f.deal("m5").created("2026-11-20T00:00");
        // new 5; contract still going at t (its won entry on 12-02 is after t)
        f.deal("m6").created("2026-11-15T00:00").won("2026-12-02T00:00").entered("new", "2026-11-15T00:00")
                .entered("contract", "2026-11-20T00:00").entered("won", "2026-12-02T00:00");
        // no entry into won: left offer at closedAt → new 1, offer 2
        f.deal("m7").created("2026-11-16T00:00").won("2026-11-19T00:00")
                .entered("new", "2026-11-16T00:00").entered("offer", "2026-11-17T00:00");

        Funnel funnel = f.engine().funnel(f.query(NOV, "2026-11-30T00:00"), null);

        // new: 2, 1, 2.25, 1, 5, 1 → 1 1 1 2 2.25 5 → (1 + 2) / 2
        assertThat(funnel.stages().get(0).medianDaysInStage()).isEqualByComparingTo("1.5");
        // offer: 4, 3, 2 → 3
        assertThat(funnel.stages().get(1).medianDaysInStage()).isEqualByComparingTo("3");
        // contract: m1's 1
        assertThat(funnel.stages().get(2).medianDaysInStage()).isEqualByComparingTo("1");
    }

    @Test
    void medianOfAnEvenNumberOfVisitsIsTheMeanOfTheMiddleTwo() {
        CrmFixture f = CrmFixture.crm();
        f.deal("e1").created("2026-11-02T00:00").stage("offer").entered("offer", "2026-11-03T00:00");   // new 1
        f.deal("e2").created("2026-11-02T00:00").stage("offer").entered("offer", "2026-11-04T06:00");   // new 2.25

        Funnel funnel = f.engine().funnel(f.query(NOV, "2026-11-30"), null);

        // (1 + 2.25) / 2
        assertThat(funnel.stages().get(0).medianDaysInStage()).isEqualByComparingTo("1.625");
        assertThat(funnel.stages().get(1).medianDaysInStage()).isNull();
    }

    @Test
    void withSeveralPipelinesThePipelineIsRequired() {
        CrmFixture f = CrmFixture.crm();
        f.pipeline("p2", "Second").open("q1", "Q1", 1, "0.5").won("q-won").lost("q-lost");
        f.deal("d1").created("2026-11-05");
        f.deal("d2").pipeline("p2").created("2026-11-05").won("2026-11-07");
        KpiEngine engine = f.engine();
        KpiQuery query = f.query(NOV, "2026-11-25");

        assertThatThrownBy(() -> engine.funnel(query, null))
                .isInstanceOfSatisfying(KpiParameterException.class, e -> assertThat(e.parameter()).isEqualTo("pipeline"));

        Funnel p2 = engine.funnel(query, "p2");
        assertThat(p2.pipeline()).isEqualTo("p2");
        assertThat(p2.stages()).extracting(Funnel.Step::id).containsExactly("q1");
        assertThat(p2.stages()).extracting(Funnel.Step::reached).containsExactly(1L);
        assertThat(p2.won()).isEqualTo(1);
        assertThat(p2.stages().get(0).conversionToNext()).isEqualByComparingTo("1");
        assertThat(p2.funnelWinRate()).isEqualByComparingTo("1");

        Funnel main = engine.funnel(query, "main");
        assertThat(main.stages()).extracting(Funnel.Step::reached).containsExactly(1L, 0L, 0L);
    }

    @Test
    void anUnknownPipelineIsAnUnknownKey() {
        CrmFixture f = CrmFixture.crm();
        KpiEngine engine = f.engine();

        assertThatThrownBy(() -> engine.funnel(f.query(NOV, "2026-11-25"), "nope"))
                .isInstanceOfSatisfying(UnknownKeyException.class, e -> assertThat(e.key()).isEqualTo("nope"));
    }

    @Test
    void withTwoConnectionsPipelineKeysCarryTheConnection() {
        CrmFixture f = CrmFixture.crm().standardPipeline("b");
        f.deal("d1").created("2026-11-05");
        f.deal("d1").connection("b").created("2026-11-05").won("2026-11-07");
        f.deal("d2").connection("b").created("2026-11-06");
        KpiEngine engine = f.engine();

        // two pipelines in scope (crm:main, b:main)
        assertThatThrownBy(() -> engine.funnel(f.query(NOV, "2026-11-25"), null))
                .isInstanceOfSatisfying(KpiParameterException.class, e -> assertThat(e.parameter()).isEqualTo("pipeline"));

        Funnel b = engine.funnel(f.query(NOV, "2026-11-25"), "b:main");
        assertThat(b.pipeline()).isEqualTo("b:main");
        assertThat(b.stages()).extracting(Funnel.Step::reached).containsExactly(2L, 1L, 1L);
        assertThat(b.won()).isEqualTo(1);

        // one connection asked for: its only pipeline, a plain id
        Funnel onlyB = engine.funnel(f.query(NOV, "2026-11-25", "b"), null);
        assertThat(onlyB.pipeline()).isEqualTo("main");
        assertThat(onlyB.won()).isEqualTo(1);
    }
}
