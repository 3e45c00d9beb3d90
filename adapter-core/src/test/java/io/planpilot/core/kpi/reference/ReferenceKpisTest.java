package io.planpilot.core.kpi.reference;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Dimension;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.PlanTarget;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.CapacityRow;
import io.planpilot.core.kpi.CrmData;
import io.planpilot.core.kpi.DataQuality;
import io.planpilot.core.kpi.Funnel;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSettings;
import io.planpilot.core.kpi.Period;
import io.planpilot.core.kpi.RepFigures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Hand-checked cases for the oracle itself: every expected figure below was worked out on paper. */
class ReferenceKpisTest {

    static final String C = "crm";
    static final KpiSettings SETTINGS = new KpiSettings("USD", Map.of("EUR", new BigDecimal("1.08")), ZoneId.of("UTC"),
            180, 14, Set.of());

    final List<Stage> stages = new ArrayList<>(List.of(
            new Stage(C, "p", "s1", "First", new BigDecimal("10"), DealStatus.OPEN, new BigDecimal("0.25")),
            new Stage(C, "p", "s3", "Third", new BigDecimal("30"), DealStatus.OPEN, null),
            new Stage(C, "p", "s2", "Second", new BigDecimal("20"), DealStatus.OPEN, null),
            new Stage(C, "p", "won", "Won", new BigDecimal("99"), DealStatus.WON, null),
            new Stage(C, "p", "lost", "Lost", new BigDecimal("98"), DealStatus.LOST, null)));
    final List<Rep> reps = new ArrayList<>(List.of(
            new Rep(C, "u1", "Anna Ivanova", "anna@x.io", true, null),
            new Rep(C, "u2", "Boris Li", "boris@x.io", false, null)));
    final List<Deal> deals = new ArrayList<>();
    final List<StageTransition> history = new ArrayList<>();
    final List<Activity> activities = new ArrayList<>();
    final List<PlanTarget> plan = new ArrayList<>();

    static Instant at(String dateTime) {
        return Instant.parse(dateTime.length() == 10 ? dateTime + "T00:00:00Z" : dateTime);
    }

    Deal deal(String id, DealStatus status, String stage, String amount, String currency, String created, String closed) {
        return deal(id, status, stage, amount, currency, created, closed, Map.of(), List.of(), null);
    }

    Deal deal(String id, DealStatus status, String stage, String amount, String currency, String created, String closed,
              Map<String, String> dimensions, List<ProductLine> lines, LocalDate expectedClose) {
        Deal d = new Deal(C, id, id, "p", stage, status, amount == null ? null : new BigDecimal(amount), currency, "u1",
                at(created), closed == null ? null : at(closed), expectedClose, dimensions, lines, null, false, at(created));
        deals.add(d);
        return d;
    }

    void entered(String deal, String stage, String when) {
        history.add(new StageTransition(C, "h" + (history.size() + 10), deal, stage, at(when)));
    }

    ReferenceKpis oracle() {
        CrmData data = new CrmData(List.of(new Pipeline(C, "p", "Main")), stages, reps, deals, history, activities,
                Map.of(), Map.of(C, Set.of("region")));
        return new ReferenceKpis(data, SETTINGS, plan);
    }

    static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }

    static BigDecimal q(long a, long b) {
        return BigDecimal.valueOf(a).divide(BigDecimal.valueOf(b), MathContext.DECIMAL128);
    }

    @Test
    void summaryWinRateAverageDealMedianOfAnEvenCountAndAsOf() {
        deal("d1", DealStatus.WON, "won", "100", "USD", "2026-03-01", "2026-03-02");   // 1 day
        deal("d2", DealStatus.WON, "won", "300", "USD", "2026-03-01", "2026-03-03");   // 2 days
        deal("d3", DealStatus.WON, "won", null, "USD", "2026-03-01", "2026-03-05");    // 4 days, no amount
        deal("d4", DealStatus.WON, "won", "200", "eur", "2026-03-01", "2026-03-11");   // 10 days, 216 USD
        deal("d5", DealStatus.LOST, "lost", "999", "USD", "2026-03-01", "2026-03-20");
        deal("d6", DealStatus.WON, "won", "5000", "USD", "2026-03-01", "2026-04-05"); // closed after P
        deal("d7", DealStatus.WON, "won", "1000", "USD", "2026-03-01", "2026-04-20"); // closed after t: open at t
        deal("d8", DealStatus.WON, "won", "7000", "USD", "2026-04-15", "2026-04-16"); // created after t
        Deal d9 = deal("d9", DealStatus.WON, "won", "8000", "USD", "2026-03-01", "2026-03-02");
        deals.set(deals.indexOf(d9), d9.markedDeleted());                             // deleted: counts nowhere
        plan.add(new PlanTarget(YearMonth.of(2026, 3), Dimension.DEPARTMENT, "", dec("1000"), null));

        KpiFigures f = oracle().summary(new KpiQuery(Period.parse("2026-03"), at("2026-04-10"), null));

        assertThat(f.wonCount()).isEqualTo(4);
        assertThat(f.lostCount()).isEqualTo(1);
        assertThat(f.winRate()).isEqualByComparingTo("0.8");
        assertThat(f.wonAmount()).isEqualByComparingTo("616");
        assertThat(f.averageDeal()).isEqualByComparingTo(q(616, 3));   // d3 has no amount: not in the denominator
        assertThat(f.cycleDaysMean()).isEqualByComparingTo("4.25");
        assertThat(f.cycleDaysMedian()).isEqualByComparingTo("3");     // (2 + 4) / 2
        assertThat(f.openCount()).isEqualTo(1);                         // d7
        assertThat(f.openAmount()).isEqualByComparingTo("1000");
        // d7 has no history and is in a closed stage now: stage at t is the first open stage, p = its 0.25
        assertThat(f.weightedPipeline()).isEqualByComparingTo("250");
        assertThat(f.forecast()).isEqualByComparingTo("866");
        assertThat(f.plan()).isEqualByComparingTo("1000");
        assertThat(f.attainment()).isEqualByComparingTo("0.616");
        assertThat(f.coverage()).isEqualByComparingTo(q(1000, 384));
        assertThat(f.velocityPerDay()).isNull();                        // nothing closed in L
    }

    @Test
    void planIsProRataByCalendarDaysAndFollowsTheConnection() {
        plan.add(new PlanTarget(YearMonth.of(2026, 3), Dimension.DEPARTMENT, "", dec("3100"), null));
        plan.add(new PlanTarget(YearMonth.of(2026, 4), Dimension.DEPARTMENT, "", dec("3000"), null));
        plan.add(new PlanTarget(YearMonth.of(2026, 3), Dimension.DEPARTMENT, "", dec("9999"), C));
        plan.add(new PlanTarget(YearMonth.of(2026, 5), Dimension.REGION, "North", dec("5000"), null));
        plan.add(new PlanTarget(YearMonth.of(2026, 4), Dimension.REGION, "South", dec("3000"), null));
        Period p = Period.parse("2026-03-10..2026-04-04");
        ReferenceKpis oracle = oracle();

        // March 10..31 is 22 of 31 days, April 1..4 is 4 of 30: 2200 + 400
        assertThat(oracle.summary(new KpiQuery(p, at("2026-03-20"), null)).plan()).isEqualByComparingTo("2600");
        // a row with a connection counts only when that connection is asked for (and then alone)
        assertThat(oracle.summary(new KpiQuery(p, at("2026-03-20"), C)).plan())
                .isEqualByComparingTo(dec("9999").multiply(dec("22")).divide(dec("31"), MathContext.DECIMAL128));
        List<BreakdownRow> regions = oracle.breakdown(new KpiQuery(p, at("2026-03-20"), null), Dimension.REGION);
        assertThat(regions).extracting(BreakdownRow::key).containsExactly("South"); // North's only month is outside P
        assertThat(regions.get(0).figures().plan()).isEqualByComparingTo("400");
        assertThat(regions.get(0).figures().wonAmount()).isEqualByComparingTo("0");
        assertThat(regions.get(0).figures().coverage()).isEqualByComparingTo("0");
        // a month of P without a row adds 0; no month with a row: null
        assertThat(oracle.summary(new KpiQuery(Period.parse("2026-06"), at("2026-03-20"), null)).plan()).isNull();
    }

    @Test
    void funnelReachedConversionAndMedianDaysInStage() {
        deal("f1", DealStatus.WON, "won", "10", "USD", "2026-03-01", "2026-03-10");
        entered("f1", "s1", "2026-03-01");
        entered("f1", "s2", "2026-03-03");
        entered("f1", "s3", "2026-03-06");
        entered("f1", "won", "2026-03-10");
        deal("f2", DealStatus.LOST, "lost", "10", "USD", "2026-03-02", "2026-03-08");
        entered("f2", "s2", "2026-03-04");   // no entry for the first stage: it entered s1 at createdAt
        entered("f2", "lost", "2026-03-08");
        deal("f3", DealStatus.OPEN, "s2", "10", "USD", "2026-03-05", null); // no history: its stage stands in
        deal("f4", DealStatus.OPEN, "s3", "10", "USD", "2026-03-06", null);
        entered("f4", "s1", "2026-03-06");
        entered("f4", "s3", "2026-03-07");
        entered("f4", "s1", "2026-03-09");   // back to s1
        entered("f4", "s3", "2026-03-12");   // still there at t: that visit is left out
        deal("f5", DealStatus.WON, "won", "10", "USD", "2026-02-20", "2026-03-02"); // not in the cohort

        Funnel funnel = oracle().funnel(new KpiQuery(Period.parse("2026-03"), at("2026-04-30"), null), null);

        assertThat(funnel.pipeline()).isEqualTo("p");
        assertThat(funnel.won()).isEqualTo(1);
        assertThat(funnel.funnelWinRate()).isEqualByComparingTo("0.25");
        assertThat(funnel.stages()).extracting(Funnel.Step::id).containsExactly("s1", "s2", "s3");
        assertThat(funnel.stages()).extracting(Funnel.Step::reached).containsExactly(4L, 4L, 2L);
        assertThat(funnel.stages().get(0).conversionToNext()).isEqualByComparingTo("1");
        assertThat(funnel.stages().get(1).conversionToNext()).isEqualByComparingTo("0.5");
        assertThat(funnel.stages().get(2).conversionToNext()).isEqualByComparingTo("0.5");
        // s1: f1 2 days, f2 2 days (createdAt..first entry), f4 1 + 3 days -> median 2
        assertThat(funnel.stages().get(0).medianDaysInStage()).isEqualByComparingTo("2");
        // s2: f1 3, f2 4 -> (3 + 4) / 2
        assertThat(funnel.stages().get(1).medianDaysInStage()).isEqualByComparingTo("3.5");
        // s3: f1 4, f4 2 -> 3
        assertThat(funnel.stages().get(2).medianDaysInStage()).isEqualByComparingTo("3");
    }

    @Test
    void productLinesAreMergedAndScaledAndRepPlansResolveAnEmail() {
        deal("g1", DealStatus.WON, "won", "1000", "USD", "2026-03-01", "2026-03-05", Map.of(),
                List.of(new ProductLine("A", dec("300")), new ProductLine("A", dec("100")), new ProductLine("B", dec("400"))), null);
        deal("g2", DealStatus.WON, "won", null, "USD", "2026-03-01", "2026-03-05", Map.of(),
                List.of(new ProductLine("C", dec("50")), new ProductLine("C", dec("0"))), null);
        deal("g3", DealStatus.WON, "won", "200", "USD", "2026-03-01", "2026-03-05", Map.of("product", "E"),
                List.of(new ProductLine("D", dec("0"))), null);
        deal("g4", DealStatus.LOST, "lost", "70", "USD", "2026-03-01", "2026-03-05");
        plan.add(new PlanTarget(YearMonth.of(2026, 3), Dimension.REP, "ANNA@X.IO", dec("700"), null));
        KpiQuery query = new KpiQuery(Period.parse("2026-03"), at("2026-04-01"), null);
        ReferenceKpis oracle = oracle();

        List<BreakdownRow> products = oracle.breakdown(query, Dimension.PRODUCT);
        assertThat(products).extracting(BreakdownRow::key).containsExactly("(none)", "A", "B", "C", "E");
        assertThat(products).extracting(r -> r.figures().wonAmount())
                .usingElementComparator(BigDecimal::compareTo)
                .containsExactly(dec("0"), dec("500"), dec("500"), dec("50"), dec("200"));
        assertThat(products.get(0).figures().lostCount()).isEqualTo(1);
        assertThat(oracle.summary(query).wonAmount()).isEqualByComparingTo("1250");

        List<BreakdownRow> reps = oracle.breakdown(query, Dimension.REP);
        assertThat(reps).extracting(BreakdownRow::key).containsExactly("u1"); // u2 is inactive and has nothing
        assertThat(reps.get(0).name()).isEqualTo("Anna Ivanova");
        assertThat(reps.get(0).figures().plan()).isEqualByComparingTo("700");
    }

    @Test
    void capacityTakesTheCeilOfTheExactQuotient() {
        deal("c1", DealStatus.WON, "won", "3000", "USD", "2025-12-01", "2026-01-10");
        deal("c2", DealStatus.WON, "won", "3000", "USD", "2026-01-05", "2026-02-01");
        deal("c3", DealStatus.WON, "won", "4000", "USD", "2026-02-10", "2026-02-20");
        for (String done : List.of("2025-12-05", "2025-12-10", "2026-01-07", "2026-01-12", "2026-02-03", "2026-02-12")) {
            activities.add(new Activity(C, "a" + done, ActivityType.CALL, "u1", null, at(done), null, at(done), false));
        }
        plan.add(new PlanTarget(YearMonth.of(2026, 3), Dimension.DEPARTMENT, "", dec("10000"), null));

        CapacityRow row = oracle().capacity(new KpiQuery(Period.parse("2026-03"), at("2026-03-15T12:00:00Z"), null),
                Dimension.DEPARTMENT).get(0);

        assertThat(row.key()).isEqualTo("(all)");
        assertThat(row.remaining()).isEqualByComparingTo("10000");
        assertThat(row.averageDealL()).isEqualByComparingTo(q(10000, 3));
        assertThat(row.winsNeeded()).isEqualTo(3L);           // 10000 / (10000/3) is exactly 3
        assertThat(row.winRateL()).isEqualByComparingTo("1");
        assertThat(row.expectedWinsFromPipeline()).isEqualByComparingTo("0");
        assertThat(row.opportunitiesNeeded()).isEqualTo(3L);
        assertThat(row.activitiesPerWonL()).isEqualByComparingTo("2");
        assertThat(row.activitiesNeeded()).isEqualByComparingTo("6");
        // L = 2025-09-02..2026-02-28 has 129 working days; u1 is the one rep working in it
        assertThat(row.activitiesPerRepDayL()).isEqualByComparingTo(q(6, 129));
        assertThat(row.workingDaysLeft()).isEqualTo(12);      // 2026-03-15 is a Sunday: 16..31 March
        assertThat(row.repsActive()).isEqualTo(1);            // c3 closed 2026-02-20, within 30 days of t
        assertThat(row.activitiesAvailable()).isEqualByComparingTo(q(72, 129));
        assertThat(row.repsNeeded()).isEqualTo(11L);          // ceil(129 / 12)
        assertThat(row.gapReps()).isEqualTo(10L);
        assertThat(row.achievable()).isEqualByComparingTo(q(360000, 387)); // (72/129 / 2) × 10000/3
        assertThat(row.verdict()).isEqualTo(CapacityRow.Verdict.EXPAND_OR_LOWER_PLAN);
        assertThat(row.reason()).isEmpty();
    }

    Activity activity(String id, ActivityType type, String owner, String deal, String created, String due, String completed) {
        Activity a = new Activity(C, id, type, owner, deal, at(created), due == null ? null : at(due),
                completed == null ? null : at(completed), false);
        activities.add(a);
        return a;
    }

    @Test
    void repsAndDataQuality() {
        Deal r1 = new Deal(C, "r1", "r1", "p", "s2", DealStatus.OPEN, null, "XXX", "u1", at("2026-02-01"), null,
                LocalDate.of(2026, 3, 10), Map.of(), List.of(), null, false, at("2026-02-01"));
        Deal r2 = new Deal(C, "r2", "r2", "p", "lost", DealStatus.LOST, BigDecimal.ZERO, "USD", null, at("2026-03-01"),
                at("2026-03-05"), null, Map.of("region", "North"), List.of(), null, false, at("2026-03-05"));
        deals.addAll(List.of(r1, r2));
        deal("r3", DealStatus.WON, "won", "100", "USD", "2026-01-01", "2026-02-15", Map.of("region", "North"), List.of(), null);
        deal("r4", DealStatus.OPEN, "s1", "100", "USD", "2026-03-01", null, Map.of("region", "North"), List.of(), null);
        deal("r5", DealStatus.WON, "won", "500", "USD", "2026-03-02", "2026-03-04", Map.of("region", "North"), List.of(), null);
        activity("a1", ActivityType.CALL, "u1", "r4", "2026-03-10", null, "2026-03-10T10:00:00Z");
        activity("a2", ActivityType.TASK, "u1", null, "2026-03-02", "2026-03-05T18:00:00Z", "2026-03-05T17:00:00Z"); // on time
        activity("a3", ActivityType.TASK, "u1", null, "2026-03-02", "2026-03-06T09:00:00Z", "2026-03-08");           // late
        activity("a4", ActivityType.TASK, "u1", null, "2026-03-02", "2026-03-15", null);                             // overdue
        activity("a5", ActivityType.TASK, "u1", null, "2026-02-01", "2026-02-20", null);                             // overdue, due before P
        activity("a6", ActivityType.TASK, "u1", null, "2026-03-02", "2026-03-25", null);                             // due after t
        activity("a7", ActivityType.EMAIL, "u1", null, "2026-03-02", null, "2026-03-21");                            // done after t
        activity("a8", ActivityType.MEETING, "u1", null, "2026-03-25", null, "2026-03-26");                          // created after t
        activity("a9", ActivityType.CALL, "u2", null, "2026-03-03", null, "2026-03-03T01:00:00Z");
        KpiQuery query = new KpiQuery(Period.parse("2026-03"), at("2026-03-20T12:00:00Z"), null);
        ReferenceKpis oracle = oracle();

        List<RepFigures> reps = oracle.reps(query);
        assertThat(reps).extracting(RepFigures::key).containsExactly("u1", "u2"); // u2: inactive, but an activity in P
        RepFigures u1 = reps.get(0);
        assertThat(u1.wonCount()).isEqualTo(1);
        assertThat(u1.wonAmount()).isEqualByComparingTo("500");
        assertThat(u1.winRate()).isEqualByComparingTo("1");                        // r2 (lost) has no owner
        assertThat(u1.activitiesDone()).isEqualTo(Map.of(ActivityType.CALL, 1L, ActivityType.TASK, 2L,
                ActivityType.EMAIL, 0L, ActivityType.MEETING, 0L, ActivityType.OTHER, 0L));
        assertThat(u1.activitiesPerWon()).isEqualByComparingTo("3");
        assertThat(u1.taskCompletion()).isEqualByComparingTo(q(1, 3));            // a2 of a2, a3, a4
        assertThat(u1.overdueTasks()).isEqualTo(2);                                 // a4, a5
        assertThat(u1.staleDeals()).isEqualTo(1);                                   // r1; r4 had a call on 03-10
        RepFigures u2 = reps.get(1);
        assertThat(u2.name()).isEqualTo("Boris Li");
        assertThat(u2.activitiesDone().get(ActivityType.CALL)).isEqualTo(1L);
        assertThat(u2.activitiesPerWon()).isNull();
        assertThat(u2.taskCompletion()).isNull();

        DataQuality quality = oracle.dataQuality(query);
        assertThat(quality.counts()).isEqualTo(Map.of("NO_AMOUNT", 1L, "NO_OWNER", 1L, "UNKNOWN_CURRENCY", 1L,
                "PAST_EXPECTED_CLOSE", 1L, "NO_ACTIVITY", 1L, "MISSING_DIMENSION:region", 1L));
        assertThat(quality.items()).containsExactlyInAnyOrder(
                new DataQuality.Item("r1", "u1", "NO_AMOUNT"),
                new DataQuality.Item("r1", "u1", "UNKNOWN_CURRENCY"),
                new DataQuality.Item("r1", "u1", "PAST_EXPECTED_CLOSE"),
                new DataQuality.Item("r1", "u1", "NO_ACTIVITY"),
                new DataQuality.Item("r1", "u1", "MISSING_DIMENSION:region"),
                new DataQuality.Item("r2", "(none)", "NO_OWNER"));                  // lost: an amount of 0 is no issue
        assertThat(quality.byRep().keySet()).containsExactlyInAnyOrder("u1", "(none)");
        assertThat(quality.byRep().get("(none)").get("NO_OWNER")).isEqualTo(1L);
        assertThat(quality.byRep().get("u1").get("NO_OWNER")).isZero();
    }

    // ------------------------------------------------------------------ the oracle on random CRMs

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 200);
    }

    /** The invariants the agreement test asks of the engine hold for the reference too. */
    @ParameterizedTest(name = "[seed {0}]")
    @MethodSource("seeds")
    void referenceKeepsTheInvariants(long seed) {
        RandomCrm crm = RandomCrm.generate(seed);
        ReferenceKpis reference = new ReferenceKpis(crm.data(), crm.settings(), crm.plan());
        List<String> problems = new ArrayList<>();
        for (KpiQuery q : crm.queries()) {
            problems.addAll(KpiInvariants.breakdownsAddUp(seed, q, reference));
            problems.addAll(KpiInvariants.adjacentPeriodsAddUp(seed, q, reference));
            for (String pipeline : crm.pipelineKeys(q)) {
                Funnel funnel = reference.funnel(q, pipeline);
                for (int i = 1; i < funnel.stages().size(); i++) {
                    if (funnel.stages().get(i).reached() > funnel.stages().get(i - 1).reached()) {
                        problems.add(seed + " " + q + " funnel " + pipeline + " reached grows at " + funnel.stages().get(i).id());
                    }
                }
                if (!funnel.stages().isEmpty() && funnel.won() > funnel.stages().get(funnel.stages().size() - 1).reached()) {
                    problems.add(seed + " " + q + " funnel " + pipeline + " won > reached[last]");
                }
            }
            DataQuality quality = reference.dataQuality(q);
            long items = quality.counts().values().stream().mapToLong(Long::longValue).sum();
            if (items != quality.items().size()) {
                problems.add(seed + " " + q + " data quality counts " + items + " != items " + quality.items().size());
            }
            for (RepFigures rep : reference.reps(q)) {
                if (rep.activitiesDone().size() != 5) {
                    problems.add(seed + " " + q + " rep " + rep.key() + " lacks activity types");
                }
            }
        }
        assertThat(problems).as(crm.toString()).isEmpty();
    }

    @Test
    void theDiffAgreesWithItselfAndNamesSeedQueryRowAndField() {
        RandomCrm crm = RandomCrm.generate(7);
        ReferenceKpis reference = new ReferenceKpis(crm.data(), crm.settings(), crm.plan());
        KpiQuery q = crm.queries().get(0);
        List<String> pipelines = new ArrayList<>(crm.pipelineKeys(q));
        pipelines.add(null);
        pipelines.add("no-such-pipeline");
        KpiDiff same = new KpiDiff(7);
        same.compareAll(q, pipelines, reference, reference);
        assertThat(same.mismatches()).isEmpty();

        Kpis skewed = new Kpis() {
            @Override
            public KpiFigures summary(KpiQuery query) {
                return reference.summary(query);
            }

            @Override
            public List<BreakdownRow> breakdown(KpiQuery query, Dimension dimension) {
                List<BreakdownRow> rows = new ArrayList<>();
                for (BreakdownRow row : reference.breakdown(query, dimension)) {
                    KpiFigures f = row.figures();
                    rows.add(new BreakdownRow(row.key(), row.name(), new KpiFigures(
                            f.wonAmount().add(f.wonAmount().abs().add(BigDecimal.ONE).multiply(dec("1e-8"))),
                            f.wonCount(), f.lostCount(), f.winRate(), f.averageDeal(), f.cycleDaysMean(), f.cycleDaysMedian(),
                            f.plan(), f.attainment(), f.openCount(), f.openAmount(), f.weightedPipeline(), f.forecast(),
                            f.coverage(), f.velocityPerDay())));
                }
                return rows;
            }

            @Override
            public Funnel funnel(KpiQuery query, String pipeline) {
                return reference.funnel(query, pipeline);
            }

            @Override
            public List<RepFigures> reps(KpiQuery query) {
                return reference.reps(query);
            }

            @Override
            public List<CapacityRow> capacity(KpiQuery query, Dimension dimension) {
                return reference.capacity(query, dimension);
            }

            @Override
            public DataQuality dataQuality(KpiQuery query) {
                return reference.dataQuality(query);
            }
        };
        KpiDiff skew = new KpiDiff(7);
        skew.compareAll(q, pipelines, skewed, reference);
        String first = reference.breakdown(q, Dimension.REGION).get(0).key();
        assertThat(skew.mismatches()).anySatisfy(m -> assertThat(m)
                .contains("seed=7", "asOf=" + q.asOf(), "call=breakdown(REGION)", "row=" + first, "field=wonAmount"));
        // within 1e-9 relative is equal
        assertThat(KpiDiff.close(dec("1000000"), dec("1000000.0009"))).isTrue();
        assertThat(KpiDiff.close(dec("1000000"), dec("1000000.002"))).isFalse();
        assertThat(KpiDiff.close(dec("0"), dec("0.000"))).isTrue();
        assertThat(KpiDiff.close(null, dec("0"))).isFalse();
    }

    /** Across the seeds of the agreement test the generator produces every nasty case it promises. */
    @Test
    void theGeneratorCoversItsEdgeCases() {
        java.util.Map<String, Integer> seen = new java.util.TreeMap<>();
        for (long seed = 1; seed <= 200; seed++) {
            RandomCrm crm = RandomCrm.generate(seed);
            CrmData data = crm.data();
            java.time.ZoneId zone = crm.zone();
            count(seen, "two connections", crm.connections().size() == 2);
            count(seen, "zone " + zone, true);
            count(seen, "CRM rates, base USD", data.currencies().values().stream().anyMatch(c -> c.baseCurrency().equals("USD")));
            count(seen, "CRM rates, base EUR (ignored)", data.currencies().values().stream().anyMatch(c -> c.baseCurrency().equals("EUR")));
            count(seen, "deal probabilities", data.deals().stream().anyMatch(d -> d.crmProbability() != null));
            for (io.planpilot.core.domain.Deal d : data.deals()) {
                count(seen, "deleted deal", d.deleted());
                count(seen, "no owner", d.owner() == null);
                count(seen, "owner not a listed user", "u99".equals(d.owner()));
                count(seen, "no amount", d.amount() == null && d.lines().isEmpty());
                count(seen, "no amount, lines", d.amount() == null && !d.lines().isEmpty());
                count(seen, "amount 0", d.amount() != null && d.amount().signum() == 0);
                count(seen, "currency " + d.currency(), true);
                count(seen, "lines summing to 0", !d.lines().isEmpty()
                        && d.lines().stream().allMatch(l -> l.amount().signum() == 0));
                count(seen, "duplicate products", d.lines().stream().map(ProductLine::product).distinct().count() < d.lines().size());
                count(seen, "no region", !d.dimensions().containsKey("region"));
                count(seen, "no expected close", d.expectedClose() == null);
                count(seen, "closed at local midnight", d.closedAt() != null
                        && d.closedAt().atZone(zone).toLocalTime().equals(java.time.LocalTime.MIDNIGHT));
                count(seen, "created at local midnight", d.createdAt().atZone(zone).toLocalTime().equals(java.time.LocalTime.MIDNIGHT));
                List<StageTransition> h = data.transitions().stream()
                        .filter(t -> t.connection().equals(d.connection()) && t.deal().equals(d.id())).toList();
                count(seen, "no history", h.isEmpty());
                count(seen, "history without the closing entry", d.closedAt() != null && !h.isEmpty()
                        && h.stream().noneMatch(t -> t.enteredAt().equals(d.closedAt())));
                count(seen, "history revisits a stage", h.stream().map(StageTransition::stage).distinct().count() < h.size());
                count(seen, "history has a tie", h.stream().map(StageTransition::enteredAt).distinct().count() < h.size());
                count(seen, "reopened once", h.stream().anyMatch(t -> (t.stage().endsWith("-won") || t.stage().endsWith("-lost"))
                        && !t.enteredAt().equals(d.closedAt())));
            }
            for (Activity a : data.activities()) {
                count(seen, "activity " + a.type(), true);
                count(seen, "activity without deal", a.deal() == null);
                count(seen, "activity without owner", a.owner() == null);
                count(seen, "activity deleted", a.deleted());
                count(seen, "task done exactly at due", a.dueAt() != null && a.dueAt().equals(a.completedAt()));
                count(seen, "due at end of local day", a.dueAt() != null
                        && a.dueAt().atZone(zone).toLocalTime().equals(java.time.LocalTime.of(23, 59, 59, 999_999_000)));
            }
            for (KpiQuery q : crm.queries()) {
                java.time.Instant start = q.period().startInstant(zone);
                java.time.Instant end = q.period().endInstant(zone);
                count(seen, "asOf before P", q.asOf().isBefore(start));
                count(seen, "asOf in P", !q.asOf().isBefore(start) && q.asOf().isBefore(end));
                count(seen, "asOf after P", !q.asOf().isBefore(end));
                count(seen, "asOf exactly a deal's instant", data.deals().stream()
                        .anyMatch(d -> q.asOf().equals(d.closedAt()) || q.asOf().equals(d.createdAt())));
            }
            count(seen, "inactive user", data.reps().stream().anyMatch(r -> !r.active()));
            count(seen, "rep plan by e-mail", crm.plan().stream().anyMatch(t -> t.dimension() == Dimension.REP && t.key().contains("@")));
            count(seen, "rep plan by name", crm.plan().stream().anyMatch(t -> t.dimension() == Dimension.REP && t.key().contains(" ")));
            count(seen, "plan row with a connection", crm.plan().stream().anyMatch(t -> t.connection() != null));
        }
        assertThat(seen).as(seen.toString()).allSatisfy((feature, n) -> assertThat(n).as(feature).isPositive());
        assertThat(seen.keySet()).contains("zone UTC", "zone Europe/Moscow", "zone America/New_York", "currency XXX",
                "currency RUB", "currency EUR", "currency GBP", "activity TASK", "activity OTHER");
    }

    private static void count(java.util.Map<String, Integer> seen, String feature, boolean present) {
        seen.merge(feature, present ? 1 : 0, Integer::sum);
    }
}
