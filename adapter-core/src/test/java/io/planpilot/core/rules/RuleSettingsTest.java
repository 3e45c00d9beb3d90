package io.planpilot.core.rules;

import io.planpilot.core.domain.Dimension;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RuleSettingsTest {

    private static final RuleContext CONTEXT = new RuleContext(Set.of("b24", "csv"), "en", "", 14, ZoneId.of("UTC"));

    @Test
    void withoutAFileEveryRuleIsOnWithItsDefaults() {
        RuleSettings.Parsed parsed = RuleSettings.read(null, CONTEXT);

        assertThat(parsed.problems()).isEmpty();
        RuleSettings s = parsed.settings();
        assertThat(s.planAtRisk().enabled()).isTrue();
        assertThat(s.planAtRisk().threshold()).isEqualByComparingTo("0.9");
        assertThat(s.planAtRisk().fromShare()).isEqualByComparingTo(BigDecimal.ONE.divide(BigDecimal.valueOf(3),
                java.math.MathContext.DECIMAL128));
        assertThat(s.planAtRisk().dimensions()).containsExactly(Dimension.DEPARTMENT, Dimension.REGION, Dimension.SEGMENT,
                Dimension.PRODUCT, Dimension.REP);
        assertThat(s.capacityGap().dimensions()).containsExactly(Dimension.DEPARTMENT);
        assertThat(s.capacityGap().notifyRoles()).containsExactly(Role.MARKETING);
        assertThat(s.stuckInStage().percentile()).isEqualTo(75);
        assertThat(s.largeDeal().percentile()).isEqualTo(95);
        assertThat(s.largeDeal().amount()).isNull();
        assertThat(s.largeDeal().notifyRoles()).containsExactly(Role.PRODUCTION, Role.LOGISTICS, Role.ACCOUNTING);
        assertThat(s.tasksNotDone().threshold()).isEqualByComparingTo("0.7");
        assertThat(s.tactics().minTaskCompletion()).isEqualByComparingTo("0.7");
        assertThat(s.crmHygiene().enabled()).isTrue();
        assertThat(s.taskDue()).isEqualTo(new RuleSettings.TaskDue(1, LocalTime.of(18, 0)));
        assertThat(s.recipients()).isEmpty();
    }

    @Test
    void aFileOverridesThresholdsRecipientsAndTheTaskDeadline() {
        Map<String, Object> yaml = Map.of(
                "recipients", Map.of("head", Map.of("b24", 1, "csv", "boss"), "marketing", Map.of("b24", "m7")),
                "task-due", Map.of("working-days", 2, "time", "12:30"),
                "rules", Map.of(
                        "plan-at-risk", Map.of("threshold", 0.8, "from-share", "1/2", "dimensions", List.of("department", "rep")),
                        "large-deal", Map.of("amount", 250000, "notify", List.of("accounting")),
                        "crm-hygiene", Map.of("enabled", false)));

        RuleSettings.Parsed parsed = RuleSettings.read(yaml, CONTEXT);

        assertThat(parsed.problems()).isEmpty();
        RuleSettings s = parsed.settings();
        assertThat(s.recipient(Role.HEAD, "b24")).isEqualTo("1");
        assertThat(s.recipient(Role.HEAD, "csv")).isEqualTo("boss");
        assertThat(s.recipient(Role.MARKETING, "b24")).isEqualTo("m7");
        assertThat(s.recipient(Role.MARKETING, "csv")).isNull();
        assertThat(s.taskDue()).isEqualTo(new RuleSettings.TaskDue(2, LocalTime.of(12, 30)));
        assertThat(s.planAtRisk().threshold()).isEqualByComparingTo("0.8");
        assertThat(s.planAtRisk().fromShare()).isEqualByComparingTo("0.5");
        assertThat(s.planAtRisk().dimensions()).containsExactly(Dimension.DEPARTMENT, Dimension.REP);
        assertThat(s.largeDeal().amount()).isEqualByComparingTo("250000");
        assertThat(s.largeDeal().notifyRoles()).containsExactly(Role.ACCOUNTING);
        assertThat(s.crmHygiene().enabled()).isFalse();
        assertThat(s.staleDeal().enabled()).isTrue();
    }

    @Test
    void everyProblemIsOneLineNamingTheRuleAndKey() {
        Map<String, Object> rules = new LinkedHashMap<>();
        rules.put("plan-at-risk", Map.of("threshold", "high"));
        rules.put("stuck-in-stage", Map.of("percentile", 120));
        rules.put("stale-deal", Map.of("days", 10));
        rules.put("large-deal", Map.of("enabled", "sometimes", "notify", List.of("sales")));
        rules.put("tasks-not-done", Map.of("treshold", 0.5));
        rules.put("capacity-gap", Map.of("dimensions", List.of("galaxy")));
        rules.put("win-back", Map.of("enabled", true));
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("recipients", Map.of("head", Map.of("amo", "5"), "sales", Map.of("b24", "1")));
        yaml.put("task-due", Map.of("time", "late"));
        yaml.put("rules", rules);
        yaml.put("rulez", Map.of());

        RuleSettings.Parsed parsed = RuleSettings.read(yaml, CONTEXT);

        assertThat(parsed.problems()).containsExactlyInAnyOrder(
                "recipients.head.amo: unknown connection (b24, csv)",
                "recipients.sales: unknown role (head, marketing, production, logistics, accounting)",
                "task-due.time: must be a local time such as 18:00, not 'late'",
                "rules.win-back: unknown rule (plan-at-risk, capacity-gap, stale-deal, stuck-in-stage, large-deal, "
                        + "tasks-not-done, tactics, crm-hygiene)",
                "rules.plan-at-risk.threshold: must be a number, not 'high'",
                "rules.capacity-gap.dimensions: unknown dimension 'galaxy' (department, region, segment, product, rep)",
                "rules.stale-deal.days: unknown key: the window is adapter.rules.stale-days",
                "rules.stuck-in-stage.percentile: must be 1..99, not 120",
                "rules.large-deal.enabled: must be true or false, not 'sometimes'",
                "rules.large-deal.notify: unknown role 'sales' (marketing, production, logistics, accounting)",
                "rules.tasks-not-done.treshold: unknown key",
                "rulez: unknown key");
        // where the file is wrong, the defaults stand
        assertThat(parsed.settings().stuckInStage().percentile()).isEqualTo(75);
        assertThat(parsed.settings().planAtRisk().threshold()).isEqualByComparingTo("0.9");
    }

    @Test
    void aRuleThatIsNotAMapIsAProblem() {
        RuleSettings.Parsed parsed = RuleSettings.read(Map.of("rules", Map.of("tactics", "off")), CONTEXT);

        assertThat(parsed.problems()).containsExactly("rules.tactics: must be a map of keys to values");
    }

    @Test
    void aDisabledRuleProposesNothing() {
        var f = io.planpilot.core.kpi.CrmFixture.crm().rep("u1", "Anna");
        f.deal("s1").owner("u1");
        Map<String, Object> yaml = Rules.yaml(Map.of("stale-deal", Map.of("enabled", false)));

        assertThat(Rules.of(Rules.run(f, yaml, "en", "2026-11", "2026-11-20"), "stale-deal")).isEmpty();
        assertThat(Rules.of(Rules.run(f, "2026-11", "2026-11-20"), "stale-deal")).hasSize(1);
    }
}
