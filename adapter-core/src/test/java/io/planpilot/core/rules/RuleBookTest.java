package io.planpilot.core.rules;

import io.planpilot.core.kpi.CrmFixture;
import io.planpilot.core.kpi.KpiSnapshot;
import org.junit.jupiter.api.Test;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.planpilot.core.domain.ActivityType.CALL;
import static io.planpilot.core.domain.ActivityType.TASK;
import static org.assertj.core.api.Assertions.assertThat;

/** The book as a whole: determinism, keys across connections, links. */
class RuleBookTest {

    private static final String NOV = "2026-11";
    private static final String T = "2026-11-20";

    /** A department that sets off most rules at once. */
    private static CrmFixture busy() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("u2", "Boris").plan(NOV, "50000")
                .plan(NOV, io.planpilot.core.domain.Dimension.REGION, "Север", "20000").maps("crm", "region");
        for (int i = 1; i <= 5; i++) {
            f.deal("w" + i).owner("u1").region("Север").created("2026-07-01").won("2026-07-1" + i).amount(1000L * i);
        }
        f.deal("big").owner("u2").region("Север").amount(9000).created("2026-11-02");
        f.deal("quiet").owner("u1").amount(700);
        f.activity(CALL).owner("u1").deal("quiet").created("2026-10-20");
        f.activity(TASK).owner("u2").created("2026-11-02").due("2026-11-10T18:00");
        return f;
    }

    @Test
    void theSameSnapshotAndQueryGiveTheSameActionsWithTheSameKeys() {
        CrmFixture f = busy();
        KpiSnapshot snapshot = f.snapshot();
        RuleBook book = new RuleBook(Rules.settings(Rules.yaml(Map.of()), "en"));

        List<ProposedAction> first = book.evaluate(snapshot, f.query(NOV, T));
        List<ProposedAction> second = book.evaluate(snapshot, f.query(NOV, T));
        List<ProposedAction> rebuilt = new RuleBook(Rules.settings(Rules.yaml(Map.of()), "en"))
                .evaluate(busy().snapshot(), busy().query(NOV, T));

        assertThat(first).isNotEmpty().isEqualTo(second).isEqualTo(rebuilt);
        assertThat(first).extracting(ProposedAction::rule).contains("plan-at-risk", "stale-deal", "large-deal",
                "tasks-not-done", "crm-hygiene");
        assertThat(first).extracting(ProposedAction::dedupeKey).doesNotHaveDuplicates()
                .allMatch(k -> k.matches("[\\x21-\\x7E]{1,200}"));
    }

    @Test
    void aRowKeyThatIsNotPlainAsciiIsHashedInTheKey() {
        List<ProposedAction> actions = Rules.of(Rules.run(busy(), NOV, T), "plan-at-risk");

        ProposedAction north = actions.stream().filter(a -> a.title().contains("region Север")).findFirst().orElseThrow();
        assertThat(north.dedupeKey()).matches("plan-at-risk:crm:region:h[0-9a-f]{16}:2026-11:r\\d+");
        assertThat(north.dedupeKey()).isEqualTo(Rules.of(Rules.run(busy(), NOV, "2026-11-20T13:00"), "plan-at-risk")
                .stream().filter(a -> a.title().contains("region Север")).findFirst().orElseThrow().dedupeKey());
    }

    @Test
    void withSeveralConnectionsEachActionGoesToItsOwnConnectionAndUser() {
        CrmFixture f = CrmFixture.crm().rep("u1", "Anna").rep("b24", "7", "Vera", true).standardPipeline("b24");
        f.deal("s1").owner("u1");
        f.deal("s1").connection("b24").owner("7");
        RuleContext context = new RuleContext(Set.of("crm", "b24"), "en", "", 14, ZoneId.of("Europe/Moscow"));
        RuleSettings settings = RuleSettings.read(Map.of("recipients", Map.of("head", Map.of("crm", "h1", "b24", "1"))),
                context).settings();

        List<ProposedAction> stale = Rules.of(new RuleBook(settings).evaluate(f.snapshot(), f.query(NOV, T)), "stale-deal");

        assertThat(stale).extracting(ProposedAction::connection, ProposedAction::target, ProposedAction::dealId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b24", "7", "s1"),
                        org.assertj.core.groups.Tuple.tuple("crm", "u1", "s1"));
        assertThat(stale).extracting(ProposedAction::dedupeKey).allMatch(k -> k.startsWith("stale-deal:b24:s1:")
                || k.startsWith("stale-deal:crm:s1:"));
        // no public-base-url: no dashboard link
        assertThat(stale).allMatch(a -> !a.body().contains("/dashboard"));
    }

    @Test
    void titlesAreOneLineOfAtMost250Characters() {
        CrmFixture f = busy();
        String longName = "Region " + "x".repeat(300);
        f.plan(NOV, io.planpilot.core.domain.Dimension.REGION, longName, "1000");

        List<ProposedAction> actions = Rules.run(f, NOV, T);

        ProposedAction longOne = actions.stream().filter(a -> a.title().contains("xxxx")).findFirst().orElseThrow();
        assertThat(longOne.title()).hasSize(250).endsWith("…").doesNotContain("\n");
        assertThat(longOne.dedupeKey()).hasSizeLessThanOrEqualTo(200);
    }
}
