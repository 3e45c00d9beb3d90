package io.planpilot.core.rules;

import io.planpilot.core.kpi.CrmFixture;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the rule book over a {@link CrmFixture}: connection {@code crm}, zone Moscow, stale 14 days. */
final class Rules {

    static final String BASE_URL = "https://planpilot.example.com/";
    static final String HEAD = "h1";

    private Rules() {
    }

    static RuleContext context(String locale) {
        return new RuleContext(Set.of(CrmFixture.CONNECTION), locale, BASE_URL, 14, CrmFixture.MOSCOW);
    }

    /** rules.yml with the head {@code h1} of connection {@code crm} and the given rules section. */
    static Map<String, Object> yaml(Map<String, Object> rules) {
        return Map.of("recipients", Map.of("head", Map.of(CrmFixture.CONNECTION, HEAD)), "rules", rules);
    }

    static RuleSettings settings(Map<String, Object> yaml, String locale) {
        RuleSettings.Parsed parsed = RuleSettings.read(yaml, context(locale));
        assertThat(parsed.problems()).isEmpty();
        return parsed.settings();
    }

    static List<ProposedAction> run(CrmFixture f, Map<String, Object> yaml, String locale, String period, String asOf) {
        return new RuleBook(settings(yaml, locale)).evaluate(f.snapshot(), f.query(period, asOf));
    }

    static List<ProposedAction> run(CrmFixture f, String period, String asOf) {
        return run(f, yaml(Map.of()), "en", period, asOf);
    }

    static List<ProposedAction> of(List<ProposedAction> actions, String rule) {
        return actions.stream().filter(a -> a.rule().equals(rule)).toList();
    }
}
