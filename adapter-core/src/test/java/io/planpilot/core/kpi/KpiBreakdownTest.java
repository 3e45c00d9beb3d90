package io.planpilot.core.kpi;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static io.planpilot.core.domain.Dimension.DEPARTMENT;
import static io.planpilot.core.domain.Dimension.PIPELINE;
import static io.planpilot.core.domain.Dimension.PRODUCT;
import static io.planpilot.core.domain.Dimension.REGION;
import static io.planpilot.core.domain.Dimension.REP;
import static io.planpilot.core.kpi.CrmFixture.assertClose;
import static io.planpilot.core.kpi.CrmFixture.dec;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * KPI.md "Dimensions", "Row keys", "Which rows" and "Lines", by hand. Moscow, base USD, EUR = 1.08;
 * P = 2026-11, t = 2026-11-20 12:00 MSK; L = [2026-05-05, 2026-11-01).
 */
class KpiBreakdownTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-20";

    @Test
    void regionRowsCoverKeysWithDealsInPOrOpenOrAPlanAndDealsWithoutAValueAreNone() {
        CrmFixture f = CrmFixture.crm()
                .plan(NOV, REGION, "North", "4000")
                .plan(NOV, REGION, "East", "2000");                                               // a plan only
        f.deal("r1").region("North").won("2026-11-10").amount(1000);
        f.deal("r2").region("North").lost("2026-11-12");
        f.deal("r3").region("South").amount(500).expectedClose("2026-11-25");                   // open set
        f.deal("r4").won("2026-11-11").amount(500).currency("EUR");                              // no region: (none), 540
        f.deal("r5").region("West").amount(800).expectedClose("2026-10-15");                    // open, not in the open set
        f.deal("r6").region("Central").lost("2026-10-20");                                       // closed before P
        f.deal("r7").region("Far").created("2026-11-05").amount(300).expectedClose("2026-12-20"); // created in P

        List<BreakdownRow> rows = f.engine().breakdown(f.query(NOV, T), REGION);

        // no rows for West and Central; sorted by key
        assertThat(rows).extracting(BreakdownRow::key).containsExactly("(none)", "East", "Far", "North", "South");
        assertThat(rows).allSatisfy(r -> assertThat(r.name()).isEqualTo(r.key()));

        KpiFigures north = row(rows, "North");
        assertThat(north.wonAmount()).isEqualByComparingTo("1000");
        assertThat(north.wonCount()).isEqualTo(1);
        assertThat(north.lostCount()).isEqualTo(1);
        assertThat(north.winRate()).isEqualByComparingTo("0.5");
        assertThat(north.plan()).isEqualByComparingTo("4000");
        assertThat(north.attainment()).isEqualByComparingTo("0.25");            // 1000 / 4000
        assertThat(north.openCount()).isZero();

        KpiFigures south = row(rows, "South");
        assertThat(south.openCount()).isEqualTo(1);
        assertThat(south.openAmount()).isEqualByComparingTo("500");
        assertThat(south.wonCount()).isZero();
        assertThat(south.winRate()).isNull();
        assertThat(south.plan()).isNull();

        KpiFigures none = row(rows, "(none)");
        assertThat(none.wonAmount()).isEqualByComparingTo("540");
        assertThat(none.wonCount()).isEqualTo(1);

        KpiFigures east = row(rows, "East");
        assertThat(east.plan()).isEqualByComparingTo("2000");
        assertThat(east.wonAmount()).isEqualByComparingTo("0");
        assertThat(east.wonCount()).isZero();
        assertThat(east.openCount()).isZero();
        assertThat(east.attainment()).isEqualByComparingTo("0");                // 0 / 2000
        assertThat(east.coverage()).isEqualByComparingTo("0");                  // 0 / (2000 − 0)

        KpiFigures far = row(rows, "Far");
        assertThat(far.openCount()).isZero();                                   // expected close in December
        assertThat(far.plan()).isNull();
    }

    @Test
    void theDepartmentIsOneRowAll() {
        CrmFixture f = CrmFixture.crm().plan(NOV, "5000");
        f.deal("r1").region("North").won("2026-11-10").amount(1000);
        f.deal("r2").region("North").lost("2026-11-12");
        f.deal("r3").region("South").amount(500).expectedClose("2026-11-25");
        f.deal("r4").won("2026-11-11").amount(500).currency("EUR");

        List<BreakdownRow> rows = f.engine().breakdown(f.query(NOV, T), DEPARTMENT);

        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).key()).isEqualTo("(all)");
        assertThat(rows.get(0).name()).isEqualTo("(all)");
        KpiFigures all = rows.get(0).figures();
        // 1000 + 540
        assertThat(all.wonAmount()).isEqualByComparingTo("1540");
        assertThat(all.wonCount()).isEqualTo(2);
        assertThat(all.lostCount()).isEqualTo(1);
        assertThat(all.openCount()).isEqualTo(1);
        assertThat(all.plan()).isEqualByComparingTo("5000");
        // the department row is the summary
        assertThat(all).usingRecursiveComparison()
                .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .isEqualTo(f.summary(NOV, T));
    }

    @Test
    void productLinesAreMergedScaledToTheDealAmountAndCountedOncePerProduct() {
        CrmFixture f = CrmFixture.crm().maps("crm", "product");
        // lines A 300 + B 100 + A 100 → A 400, B 100 (sum 500), scaled to 1000: A 800, B 200
        f.deal("d1").won("2026-11-10").amount(1000).line("A", "300").line("B", "100").line("A", "100");
        // no lines: its product field, whole amount EUR 500 → 540
        f.deal("d2").won("2026-11-11").amount(500).currency("EUR").product("B");
        // lines summing to 0 and no product field: (none) with the whole 300
        f.deal("d3").won("2026-11-12").amount(300).line("A", "0");
        // lost, amount = Σ lines 20: counts once under A and once under C
        f.deal("d4").lost("2026-11-13").line("A", "10").line("C", "10");
        // EUR 100, lines X 30 + Y 20 scaled ×2: X 60 EUR = 64.8, Y 40 EUR = 43.2
        f.deal("d5").won("2026-11-14").amount(100).currency("EUR").line("X", "30").line("Y", "20");
        // open, 900 with lines A 1, B 2: A 300, B 600 (exactly 1/3 and 2/3 of 900)
        f.deal("d6").amount(900).line("A", "1").line("B", "2");

        List<BreakdownRow> rows = f.engine().breakdown(f.query(NOV, T), PRODUCT);

        assertThat(rows).extracting(BreakdownRow::key).containsExactly("(none)", "A", "B", "C", "X", "Y");

        KpiFigures a = row(rows, "A");
        assertThat(a.wonCount()).isEqualTo(1);                      // d1
        assertThat(a.lostCount()).isEqualTo(1);                     // d4
        assertThat(a.winRate()).isEqualByComparingTo("0.5");
        assertThat(a.wonAmount()).isEqualByComparingTo("800");
        assertThat(a.averageDeal()).isEqualByComparingTo("800");
        assertThat(a.openCount()).isEqualTo(1);                     // d6
        assertClose(a.openAmount(), dec("300"));

        KpiFigures b = row(rows, "B");
        assertThat(b.wonCount()).isEqualTo(2);                      // d1, d2
        assertThat(b.wonAmount()).isEqualByComparingTo("740");      // 200 + 540
        assertThat(b.averageDeal()).isEqualByComparingTo("370");    // 740 / 2
        assertThat(b.lostCount()).isZero();
        assertThat(b.openCount()).isEqualTo(1);
        assertClose(b.openAmount(), dec("600"));

        KpiFigures c = row(rows, "C");
        assertThat(c.lostCount()).isEqualTo(1);
        assertThat(c.wonCount()).isZero();
        assertThat(c.winRate()).isEqualByComparingTo("0");
        assertThat(c.wonAmount()).isEqualByComparingTo("0");

        KpiFigures none = row(rows, "(none)");
        assertThat(none.wonCount()).isEqualTo(1);                   // d3
        assertThat(none.wonAmount()).isEqualByComparingTo("300");

        assertThat(row(rows, "X").wonAmount()).isEqualByComparingTo("64.8");
        assertThat(row(rows, "Y").wonAmount()).isEqualByComparingTo("43.2");

        // the department counts each deal once: 1000 + 540 + 300 + 108 = 1948 = 800 + 740 + 300 + 64.8 + 43.2
        KpiFigures all = f.summary(NOV, T);
        assertThat(all.wonCount()).isEqualTo(4);
        assertThat(all.lostCount()).isEqualTo(1);
        assertThat(all.wonAmount()).isEqualByComparingTo("1948");
    }

    @Test
    void repKeysAreUserIdsWithTheirNames() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris");
        f.deal("d1").owner("u1").won("2026-11-10").amount(1000);
        f.deal("d2").owner("u2").lost("2026-11-11");
        f.deal("d3").amount(200);                                    // no owner: (none)

        List<BreakdownRow> rows = f.engine().breakdown(f.query(NOV, T), REP);

        assertThat(rows).extracting(BreakdownRow::key).containsExactly("(none)", "u1", "u2");
        assertThat(rows).filteredOn(r -> !r.key().equals("(none)"))
                .extracting(BreakdownRow::name).containsExactly("Anna", "Boris");
        assertThat(row(rows, "u1").wonAmount()).isEqualByComparingTo("1000");
        assertThat(row(rows, "u2").lostCount()).isEqualTo(1);
        assertThat(row(rows, "(none)").openAmount()).isEqualByComparingTo("200");
    }

    @Test
    void withTwoConnectionsAndNoneAskedForRepAndPipelineKeysCarryTheConnection() {
        CrmFixture f = CrmFixture.crm().standardPipeline("b")
                .rep("crm", "u1", "Anna", true)
                .rep("b", "u1", "Boris", true);
        f.deal("d1").owner("u1").won("2026-11-10").amount(1000);
        f.deal("d1").connection("b").owner("u1").won("2026-11-10").amount(2000);   // the same id: another deal
        f.deal("d2").connection("b").owner("u1").lost("2026-11-11");
        KpiEngine engine = f.engine();

        List<BreakdownRow> reps = engine.breakdown(f.query(NOV, T), REP);
        assertThat(reps).extracting(BreakdownRow::key).containsExactly("b:u1", "crm:u1");
        assertThat(reps).extracting(BreakdownRow::name).containsExactly("Boris", "Anna");
        assertThat(row(reps, "b:u1").wonAmount()).isEqualByComparingTo("2000");
        assertThat(row(reps, "b:u1").winRate()).isEqualByComparingTo("0.5");
        assertThat(row(reps, "crm:u1").wonAmount()).isEqualByComparingTo("1000");

        List<BreakdownRow> pipelines = engine.breakdown(f.query(NOV, T), PIPELINE);
        assertThat(pipelines).extracting(BreakdownRow::key).containsExactly("b:main", "crm:main");
        assertThat(pipelines).extracting(BreakdownRow::name).containsExactly("Main", "Main");
        assertThat(row(pipelines, "b:main").wonCount()).isEqualTo(1);
        assertThat(row(pipelines, "b:main").lostCount()).isEqualTo(1);

        // one connection asked for: plain ids, only its deals
        List<BreakdownRow> bReps = engine.breakdown(f.query(NOV, T, "b"), REP);
        assertThat(bReps).extracting(BreakdownRow::key).containsExactly("u1");
        assertThat(bReps.get(0).name()).isEqualTo("Boris");
        assertThat(bReps.get(0).figures().wonAmount()).isEqualByComparingTo("2000");
        assertThat(engine.breakdown(f.query(NOV, T, "crm"), PIPELINE))
                .extracting(BreakdownRow::key).containsExactly("main");

        // both deals d1 count: 1000 + 2000
        assertThat(engine.summary(f.query(NOV, T)).wonAmount()).isEqualByComparingTo("3000");
    }

    @Test
    void aPlanRowWithAConnectionAppliesOnlyWhenThatConnectionIsAskedFor() {
        CrmFixture f = CrmFixture.crm().standardPipeline("b")
                .plan(NOV, DEPARTMENT, "", "8000", null)
                .plan(NOV, DEPARTMENT, "", "5000", "b")
                .plan(NOV, REGION, "North", "3000", "b")
                .plan(NOV, REGION, "East", "700", "b");                  // East: only b's plan, no deals
        f.deal("d1").region("North").won("2026-11-10").amount(1000);
        KpiEngine engine = f.engine();

        assertThat(engine.summary(f.query(NOV, T)).plan()).isEqualByComparingTo("8000");
        assertThat(engine.summary(f.query(NOV, T, "b")).plan()).isEqualByComparingTo("5000");
        assertThat(engine.summary(f.query(NOV, T, "crm")).plan()).isNull();

        // North's only plan row is b's: with no connection asked for North has no plan, with crm it has no plan
        assertThat(row(engine.breakdown(f.query(NOV, T), REGION), "North").plan()).isNull();
        assertThat(row(engine.breakdown(f.query(NOV, T, "crm"), REGION), "North").plan()).isNull();
        // with b: a row from the plan alone (b has no deals)
        assertThat(row(engine.breakdown(f.query(NOV, T, "b"), REGION), "North").plan()).isEqualByComparingTo("3000");
        // a plan row that does not apply to the query makes no row
        assertThat(engine.breakdown(f.query(NOV, T), REGION)).extracting(BreakdownRow::key).containsExactly("North");
        assertThat(engine.breakdown(f.query(NOV, T, "b"), REGION)).extracting(BreakdownRow::key)
                .containsExactly("East", "North");
    }

    @Test
    void stageProbabilitiesAreThePipelinesButLookbackRatesAreTheRowsOwn() {
        CrmFixture f = CrmFixture.crm();
        // closed in L, all North, no history: reached(new) = 5 pipeline-wide, 3 won → p(new) = 0.6
        f.deal("n1").region("North").created("2026-09-30").won("2026-10-10").amount(1000);  // 10 days
        f.deal("n2").region("North").created("2026-09-30").won("2026-10-20").amount(2000);  // 20 days
        f.deal("n3").region("North").created("2026-09-30").won("2026-10-30").amount(3000);  // 30 days
        f.deal("n4").region("North").lost("2026-10-15");
        f.deal("n5").region("North").lost("2026-10-16");
        f.deal("o1").region("North").amount(500);   // new: 0.6 × 500 = 300
        f.deal("o2").region("South").amount(1000);  // new: 0.6 × 1000 = 600 (the pipeline's p, not South's CRM 0.1)

        List<BreakdownRow> rows = f.engine().breakdown(f.query(NOV, T), REGION);

        assertThat(rows).extracting(BreakdownRow::key).containsExactly("North", "South");
        KpiFigures north = row(rows, "North");
        KpiFigures south = row(rows, "South");
        assertThat(north.weightedPipeline()).isEqualByComparingTo("300");
        assertThat(south.weightedPipeline()).isEqualByComparingTo("600");
        // North: 1 open × winRate(L) 3/5 × averageDeal(L) 2000 / cycle(L) 20 = 60
        assertThat(north.velocityPerDay()).isEqualByComparingTo("60");
        // South closed nothing in L: winRate(L) null
        assertThat(south.velocityPerDay()).isNull();
        // department: 2 × 0.6 × 2000 / 20 = 120
        KpiFigures all = f.summary(NOV, T);
        assertThat(all.weightedPipeline()).isEqualByComparingTo("900");
        assertThat(all.velocityPerDay()).isEqualByComparingTo("120");
    }

    private static KpiFigures row(List<BreakdownRow> rows, String key) {
        return rows.stream().filter(r -> r.key().equals(key)).findFirst()
                .orElseThrow(() -> new AssertionError("no row " + key + " in " + rows.stream().map(BreakdownRow::key).toList()))
                .figures();
    }
}
