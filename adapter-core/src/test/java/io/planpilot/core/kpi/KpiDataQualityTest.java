package io.planpilot.core.kpi;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * KPI.md "Data quality", by hand. Moscow; P = 2026-11; t = 2026-11-20 12:00 MSK; stale 14 days.
 * Listed: deals open at t, plus deals closed in P. A bare date is noon MSK.
 */
class KpiDataQualityTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-20";

    private static final String NO_AMOUNT = "NO_AMOUNT";
    private static final String NO_OWNER = "NO_OWNER";
    private static final String UNKNOWN_CURRENCY = "UNKNOWN_CURRENCY";
    private static final String PAST_EXPECTED_CLOSE = "PAST_EXPECTED_CLOSE";
    private static final String NO_ACTIVITY = "NO_ACTIVITY";
    private static final String MISSING_REGION = "MISSING_DIMENSION:region";

    @Test
    void eachIssueIsCountedForTheDepartmentAndPerRepAndListed() {
        CrmFixture f = CrmFixture.crm().maps("crm", "region").rep("u1", "Anna").rep("u2", "Boris");
        // open deals created 11-10 are not stale
        f.deal("q1").owner("u1").region("N").created("2026-11-10").expectedClose("2026-11-25");        // NO_AMOUNT
        f.deal("q2").owner("u1").region("N").lost("2026-11-12");                                       // LOST, no amount: fine
        f.deal("q3").region("N").created("2026-11-10").amount(100);                                    // NO_OWNER
        f.deal("q4").owner("u1").region("N").created("2026-11-10").amount(100).currency("GBP");        // UNKNOWN_CURRENCY
        f.deal("q5").owner("u2").region("N").created("2026-11-10").amount(100).expectedClose("2026-11-19"); // PAST_EXPECTED_CLOSE
        f.deal("q6").owner("u2").region("N").created("2026-11-10").amount(100).expectedClose("2026-11-20"); // t's date: fine
        f.deal("q7").owner("u2").region("N").amount(100);                                              // created 09-01, no activity: NO_ACTIVITY
        f.deal("q8").owner("u2").created("2026-11-10").amount(100);                                    // MISSING_DIMENSION:region
        f.deal("q9").owner("u1").region("N").won("2026-11-15").amount(0).expectedClose("2026-11-01"); // WON with 0: NO_AMOUNT (closed: no PAST, no NO_ACTIVITY)
        f.deal("q10").owner("u1").won("2026-10-20");                                                   // closed before P: not listed
        f.deal("q11").owner("u1").created("2026-11-10").deleted();                                     // deleted: not listed
        f.deal("q12").owner("u1").lost("2026-11-13").amount(0);                                        // LOST with 0: fine; MISSING_DIMENSION:region
        f.deal("q13").owner("u1").region("N").created("2026-11-10").amount(0);                         // NO_AMOUNT
        f.deal("q14").owner("u2").region("N").created("2026-11-10").amount(0).expectedClose("2026-12-20"); // open, not in P: NO_AMOUNT
        f.deal("q15").owner("u2").region("N").created("2026-11-10").amount(100).expectedClose("2026-10-15"); // PAST_EXPECTED_CLOSE

        DataQuality dq = f.engine().dataQuality(f.query(NOV, T));

        assertThat(dq.items()).containsExactlyInAnyOrder(
                item("q1", "u1", NO_AMOUNT),
                item("q3", "(none)", NO_OWNER),
                item("q4", "u1", UNKNOWN_CURRENCY),
                item("q5", "u2", PAST_EXPECTED_CLOSE),
                item("q7", "u2", NO_ACTIVITY),
                item("q8", "u2", MISSING_REGION),
                item("q9", "u1", NO_AMOUNT),
                item("q12", "u1", MISSING_REGION),
                item("q13", "u1", NO_AMOUNT),
                item("q14", "u2", NO_AMOUNT),
                item("q15", "u2", PAST_EXPECTED_CLOSE));
        assertThat(dq.counts()).isEqualTo(counts(4, 1, 1, 2, 1, 2L));
        assertThat(dq.byRep()).containsOnlyKeys("u1", "u2", "(none)");
        // u1: q1 q9 q13 NO_AMOUNT, q4 UNKNOWN_CURRENCY, q12 region
        assertThat(dq.byRep().get("u1")).isEqualTo(counts(3, 0, 1, 0, 0, 1L));
        // u2: q14 NO_AMOUNT, q5 q15 PAST_EXPECTED_CLOSE, q7 NO_ACTIVITY, q8 region
        assertThat(dq.byRep().get("u2")).isEqualTo(counts(1, 0, 0, 2, 1, 1L));
        assertThat(dq.byRep().get("(none)")).isEqualTo(counts(0, 1, 0, 0, 0, 0L));
    }

    @Test
    void oneDealCanHaveSeveralIssues() {
        CrmFixture f = CrmFixture.crm().maps("crm", "region");
        f.deal("q1").expectedClose("2026-11-01");   // created 09-01: no amount, owner, region, activity; past expected close

        DataQuality dq = f.engine().dataQuality(f.query(NOV, T));

        assertThat(dq.items()).containsExactlyInAnyOrder(
                item("q1", "(none)", NO_AMOUNT),
                item("q1", "(none)", NO_OWNER),
                item("q1", "(none)", PAST_EXPECTED_CLOSE),
                item("q1", "(none)", NO_ACTIVITY),
                item("q1", "(none)", MISSING_REGION));
        assertThat(dq.counts()).isEqualTo(counts(1, 1, 0, 1, 1, 1L));
    }

    @Test
    void everyIssueNameIsCountedEvenWhenNothingIsWrong() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        f.deal("d1").owner("u1").created("2026-11-10").amount(100).expectedClose("2026-11-25");
        f.deal("d2").owner("u1").won("2026-11-12").amount(100);

        DataQuality dq = f.engine().dataQuality(f.query(NOV, T));

        // no dimension mapped: no MISSING_DIMENSION name
        assertThat(dq.counts()).isEqualTo(counts(0, 0, 0, 0, 0, null));
        assertThat(dq.items()).isEmpty();
        // a rep with listed deals and nothing wrong is shown clean
        assertThat(dq.byRep()).containsOnlyKeys("u1");
        assertThat(dq.byRep().get("u1")).isEqualTo(counts(0, 0, 0, 0, 0, null));
    }

    @Test
    void pastExpectedCloseComparesWithTheLocalDateOfT() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        f.deal("d1").owner("u1").created("2026-11-10").amount(100).expectedClose("2026-11-19");

        // 2026-11-19T22:00Z is 2026-11-20 01:00 in Moscow: the 19th is past (in UTC it would not be)
        DataQuality dq = f.engine().dataQuality(f.query(NOV, "2026-11-19T22:00:00Z"));

        assertThat(dq.items()).containsExactly(item("d1", "u1", PAST_EXPECTED_CLOSE));
    }

    @Test
    void withTwoConnectionsDealIdsAndRepKeysCarryTheConnection() {
        CrmFixture f = CrmFixture.crm().standardPipeline("b")
                .rep("crm", "u1", "Anna", true).rep("b", "u1", "Boris", true);
        f.deal("d1").owner("u1").created("2026-11-10");
        f.deal("d1").connection("b").owner("u1").created("2026-11-10");
        KpiEngine engine = f.engine();

        DataQuality all = engine.dataQuality(f.query(NOV, T));
        assertThat(all.items()).containsExactlyInAnyOrder(
                item("crm:d1", "crm:u1", NO_AMOUNT),
                item("b:d1", "b:u1", NO_AMOUNT));
        assertThat(all.byRep()).containsOnlyKeys("crm:u1", "b:u1");
        assertThat(all.counts()).containsEntry(NO_AMOUNT, 2L);

        DataQuality b = engine.dataQuality(f.query(NOV, T, "b"));
        assertThat(b.items()).containsExactly(item("d1", "u1", NO_AMOUNT));
        assertThat(b.counts()).containsEntry(NO_AMOUNT, 1L);
    }

    private static DataQuality.Item item(String deal, String rep, String issue) {
        return new DataQuality.Item(deal, rep, issue);
    }

    /** Every issue name with its count; {@code missingRegion} null when region is not mapped. */
    private static Map<String, Long> counts(long noAmount, long noOwner, long unknownCurrency, long pastExpectedClose,
                                            long noActivity, Long missingRegion) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put(NO_AMOUNT, noAmount);
        counts.put(NO_OWNER, noOwner);
        counts.put(UNKNOWN_CURRENCY, unknownCurrency);
        counts.put(PAST_EXPECTED_CLOSE, pastExpectedClose);
        counts.put(NO_ACTIVITY, noActivity);
        if (missingRegion != null) {
            counts.put(MISSING_REGION, missingRegion);
        }
        return counts;
    }
}
