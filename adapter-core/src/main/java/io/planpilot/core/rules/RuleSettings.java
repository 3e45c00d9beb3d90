package io.planpilot.core.rules;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;

// PLACEHOLDER until the rules branch lands (not committed)
public final class RuleSettings {
    public record RuleContext(Set<String> connections, String locale, String publicBaseUrl, int staleDays, ZoneId zone) {
    }

    public record Parsed(RuleSettings settings, List<String> problems) {
    }

    public static Parsed read(Map<String, Object> rulesYaml, RuleContext context) {
        return new Parsed(new RuleSettings(), List.of());
    }
}
