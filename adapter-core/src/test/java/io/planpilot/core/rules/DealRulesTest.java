package io.planpilot.core.rules;

import io.planpilot.core.kpi.CrmFixture;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.planpilot.core.domain.ActivityType.CALL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules 3, 4 and 5 (with rule 9's recipients of a won large deal). Moscow; P = 2026-11;
 * t = Fri 2026-11-20 noon MSK (09:00Z); lookback 180 days: L = [2026-05-05, 2026-11-01).
 * A bare date is noon MSK.
 */
class DealRulesTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-20";

    private static long epoch(String instant) {
        return Instant.parse(instant).getEpochSecond();
    }

    // ---- stale deal ------------------------------------------------------------------------------

    @Test
    void aDealWithoutActivityForMoreThanStaleDaysIsATaskForItsOwner() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        f.deal("s1").owner("u1").stage("offer").amount(1500);
        f.activity(CALL).owner("u1").deal("s1").created("2026-11-01");          // 19 days before t
        f.deal("s2").owner("u1");
        f.activity(CALL).owner("u1").deal("s2").created("2026-11-10");          // 10 days: fresh
        f.deal("s3").owner("u1").won("2026-11-05");                             // closed
        f.deal("s4");                                                           // nobody to ask

        List<ProposedAction> actions = Rules.of(Rules.run(f, NOV, T), "stale-deal");

        assertThat(actions).hasSize(1);
        ProposedAction a = actions.get(0);
        assertThat(a.kind()).isEqualTo(ActionKind.TASK);
        assertThat(a.connection()).isEqualTo("crm");
        assertThat(a.target()).isEqualTo("u1");
        assertThat(a.dealId()).isEqualTo("s1");
        assertThat(a.title()).isEqualTo("Deal s1: no activity for 19 days — contact the client");
        assertThat(a.body()).contains("since 2026-11-01 (19 days; the limit is 14)", "Stage: Offer", "Amount: 1,500 USD");
        assertThat(a.deadline()).isEqualTo(Instant.parse("2026-11-23T15:00:00Z"));
        assertThat(a.dedupeKey()).isEqualTo("stale-deal:crm:s1:" + epoch("2026-11-01T09:00:00Z"));
    }

    @Test
    void aDealThatGoesQuietAgainAfterNewActivityIsANewTask() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        f.deal("s1").owner("u1");
        f.activity(CALL).owner("u1").deal("s1").created("2026-11-01");
        f.activity(CALL).owner("u1").deal("s1").created("2026-11-21");

        String first = Rules.of(Rules.run(f, NOV, T), "stale-deal").get(0).dedupeKey();
        String sameSituation = Rules.of(Rules.run(f, NOV, "2026-11-20T18:00"), "stale-deal").get(0).dedupeKey();
        String quietAgain = Rules.of(Rules.run(f, "2026-12", "2026-12-10"), "stale-deal").get(0).dedupeKey();

        assertThat(sameSituation).isEqualTo(first);
        assertThat(quietAgain).isEqualTo("stale-deal:crm:s1:" + epoch("2026-11-21T09:00:00Z")).isNotEqualTo(first);
    }

    @Test
    void inRussianTheStaleTaskSpeaksRussian() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        f.deal("s1").owner("u1").amount(1500);
        f.activity(CALL).owner("u1").deal("s1").created("2026-11-01");

        ProposedAction a = Rules.of(Rules.run(f, Rules.yaml(Map.of()), "ru", NOV, T), "stale-deal").get(0);

        assertThat(a.title()).isEqualTo("Сделка s1: нет активности 19 дн. — свяжитесь с клиентом");
        assertThat(a.body()).contains("с 01.11.2026 (19 дн.; предел 14)", "Сумма: 1 500 USD",
                "Дашборд: https://planpilot.example.com/dashboard?period=2026-11");
    }

    // ---- stuck in stage -------------------------------------------------------------------------

    /** Finished visits to "offer" that ended in L: 2, 4, 6, 8, 10 days (75th percentile, nearest rank: 8). */
    private static CrmFixture stageHistory(int visits) {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        for (int i = 1; i <= visits; i++) {
            f.deal("h" + i).stage("contract").entered("offer", "2026-10-01")
                    .entered("contract", "2026-10-" + String.format("%02d", 1 + 2 * i));
        }
        return f;
    }

    @Test
    void aDealLongerInItsStageThanThe75thPercentileIsATaskForItsOwner() {
        CrmFixture f = stageHistory(5);
        f.deal("x1").owner("u1").created("2026-11-02").stage("offer").entered("offer", "2026-11-10");   // 10 days
        f.deal("x2").owner("u1").created("2026-11-02").stage("offer").entered("offer", "2026-11-14");   // 6 days

        List<ProposedAction> actions = Rules.of(Rules.run(f, NOV, T), "stuck-in-stage");

        assertThat(actions).hasSize(1);
        ProposedAction a = actions.get(0);
        assertThat(a.kind()).isEqualTo(ActionKind.TASK);
        assertThat(a.target()).isEqualTo("u1");
        assertThat(a.dealId()).isEqualTo("x1");
        assertThat(a.title()).isEqualTo("Deal x1 is stuck in \"Offer\": 10.0 days (usually up to 8.0)");
        assertThat(a.body()).contains("75% of the 5 visits to this stage in the last 180 days took at most 8.0 days");
        assertThat(a.dedupeKey()).isEqualTo("stuck-in-stage:crm:x1:offer:" + epoch("2026-11-10T09:00:00Z"));
    }

    @Test
    void aStageWithTooFewFinishedVisitsHasNoPercentile() {
        CrmFixture f = stageHistory(4);
        f.deal("x1").owner("u1").created("2026-11-02").stage("offer").entered("offer", "2026-11-10");

        assertThat(Rules.of(Rules.run(f, NOV, T), "stuck-in-stage")).isEmpty();
    }

    @Test
    void thePercentileComesFromRulesYaml() {
        CrmFixture f = stageHistory(5);
        f.deal("x2").owner("u1").created("2026-11-02").stage("offer").entered("offer", "2026-11-14");   // 6 days
        Map<String, Object> yaml = Rules.yaml(Map.of("stuck-in-stage", Map.of("percentile", 50)));      // rank 3: 6 days

        assertThat(Rules.of(Rules.run(f, yaml, "en", NOV, T), "stuck-in-stage")).isEmpty();   // 6 is not above 6
        Map<String, Object> lower = Rules.yaml(Map.of("stuck-in-stage", Map.of("percentile", 40)));     // rank 2: 4 days
        assertThat(Rules.of(Rules.run(f, lower, "en", NOV, T), "stuck-in-stage")).extracting(ProposedAction::dealId)
                .containsExactly("x2");
    }

    // ---- large deal -----------------------------------------------------------------------------

    /** Won in L: 100, 200, 300, 400, 500 (95th percentile, nearest rank: 500). */
    private static CrmFixture wonHistory(int deals) {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna");
        for (int i = 1; i <= deals; i++) {
            f.deal("w" + i).owner("u1").created("2026-08-01").won("2026-09-1" + i).amount(100L * i);
        }
        return f;
    }

    @Test
    void anOpenDealAboveThe95thPercentileOfWonDealsTellsTheHeadAndGetsAComment() {
        CrmFixture f = wonHistory(5);
        f.deal("big").owner("u1").stage("contract").amount(600).created("2026-11-02");
        f.deal("usual").owner("u1").amount(500).created("2026-11-02");   // not above 500

        List<ProposedAction> actions = Rules.of(Rules.run(f, NOV, T), "large-deal");

        assertThat(actions).hasSize(2);
        ProposedAction notice = actions.get(0);
        assertThat(notice.kind()).isEqualTo(ActionKind.NOTIFY);
        assertThat(notice.target()).isEqualTo(Rules.HEAD);
        assertThat(notice.dealId()).isEqualTo("big");
        assertThat(notice.title()).isEqualTo("Large deal big: 600 USD — consider taking part in person");
        assertThat(notice.body()).contains("above the 95th percentile of deals won in the last 180 days, 500 USD",
                "Owner: Anna", "Stage: Contract");
        assertThat(notice.dedupeKey()).isEqualTo("large-deal:crm:big:head");
        ProposedAction comment = actions.get(1);
        assertThat(comment.kind()).isEqualTo(ActionKind.COMMENT);
        assertThat(comment.target()).isEqualTo("big");
        assertThat(comment.dealId()).isEqualTo("big");
        assertThat(comment.body()).contains("600 USD");
        assertThat(comment.dedupeKey()).isEqualTo("large-deal:crm:big:comment");
    }

    @Test
    void aConfiguredAmountReplacesThePercentile() {
        CrmFixture f = wonHistory(5);
        f.deal("big").owner("u1").amount(600).created("2026-11-02");
        Map<String, Object> yaml = Rules.yaml(Map.of("large-deal", Map.of("amount", 1000)));

        assertThat(Rules.of(Rules.run(f, yaml, "en", NOV, T), "large-deal")).isEmpty();
    }

    @Test
    void tooFewWonDealsMakeNoPercentile() {
        CrmFixture f = wonHistory(4);
        f.deal("big").owner("u1").amount(6000).created("2026-11-02");

        assertThat(Rules.of(Rules.run(f, NOV, T), "large-deal")).isEmpty();
    }

    @Test
    void aLargeDealWonTellsProductionLogisticsAndAccounting() {
        CrmFixture f = wonHistory(5);
        f.deal("big").owner("u1").amount(700).created("2026-11-02").won("2026-11-18");
        Map<String, Object> yaml = Map.of("recipients", Map.of("production", Map.of("crm", "p1"),
                "accounting", Map.of("crm", "a1")));

        List<ProposedAction> actions = Rules.of(Rules.run(f, yaml, "en", NOV, T), "large-deal");

        assertThat(actions).extracting(ProposedAction::target).containsExactly("p1", "a1");
        assertThat(actions).allMatch(a -> a.kind() == ActionKind.NOTIFY && "big".equals(a.dealId()));
        assertThat(actions.get(0).title()).isEqualTo("Large deal big won: 700 USD — prepare to deliver");
        assertThat(actions.get(0).body()).contains("was won on 2026-11-18 (owner: Anna)");
        assertThat(actions).extracting(ProposedAction::dedupeKey)
                .containsExactly("large-deal:crm:big:won:production", "large-deal:crm:big:won:accounting");
    }
}
