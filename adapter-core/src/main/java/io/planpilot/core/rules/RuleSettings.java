package io.planpilot.core.rules;

import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rule book's settings: rules.yml read over its defaults (docs/rules.md). Immutable. Read one
 * with {@link #read}: every problem of the file is one line naming its key, and the settings
 * hold the defaults wherever the file is wrong.
 *
 * @param recipients who receives notifications, by role, then connection id: a CRM user id
 */
public record RuleSettings(RuleContext context, Map<Role, Map<String, String>> recipients, TaskDue taskDue,
                           PlanAtRisk planAtRisk, CapacityGap capacityGap, StaleDeal staleDeal, StuckInStage stuckInStage,
                           LargeDeal largeDeal, TasksNotDone tasksNotDone, Tactics tactics, CrmHygiene crmHygiene) {

    public static final String PLAN_AT_RISK = "plan-at-risk";
    public static final String CAPACITY_GAP = "capacity-gap";
    public static final String STALE_DEAL = "stale-deal";
    public static final String STUCK_IN_STAGE = "stuck-in-stage";
    public static final String LARGE_DEAL = "large-deal";
    public static final String TASKS_NOT_DONE = "tasks-not-done";
    public static final String TACTICS = "tactics";
    public static final String CRM_HYGIENE = "crm-hygiene";
    /** Every rule id, in the order the rule book evaluates them. */
    public static final List<String> RULE_IDS = List.of(PLAN_AT_RISK, CAPACITY_GAP, STALE_DEAL, STUCK_IN_STAGE,
            LARGE_DEAL, TASKS_NOT_DONE, TACTICS, CRM_HYGIENE);

    private static final Set<Dimension> PLAN_DIMENSIONS = Set.of(Dimension.DEPARTMENT, Dimension.REGION,
            Dimension.SEGMENT, Dimension.PRODUCT, Dimension.REP);
    private static final Set<Dimension> TACTIC_DIMENSIONS = Set.of(Dimension.REGION, Dimension.SEGMENT, Dimension.PRODUCT);
    private static final BigDecimal ONE_THIRD = BigDecimal.ONE.divide(BigDecimal.valueOf(3), MathContext.DECIMAL128);
    private static final BigDecimal ZERO = BigDecimal.ZERO;
    private static final BigDecimal ONE = BigDecimal.ONE;

    public RuleSettings {
        Objects.requireNonNull(context, "context");
        Map<Role, Map<String, String>> copy = new EnumMap<>(Role.class);
        recipients.forEach((role, byConnection) -> copy.put(role, Map.copyOf(byConnection)));
        recipients = java.util.Collections.unmodifiableMap(copy);
    }

    /** The settings and the problems found reading rules.yml. */
    public record Parsed(RuleSettings settings, List<String> problems) {
        public Parsed {
            problems = List.copyOf(problems);
        }
    }

    /**
     * When a TASK is due: at {@code time} local, {@code workingDays} working days after the day the
     * rules run (0: the same day).
     */
    public record TaskDue(int workingDays, LocalTime time) {
    }

    /**
     * @param threshold    forecast / plan below this is at risk
     * @param fromShare    only once this share of the period has passed
     * @param dimensions   the rows looked at: department, region, segment, product, rep (those with a plan)
     * @param step         the width of the forecast/plan steps of the dedupe key
     * @param contributors how many of the biggest contributors to the gap the department's notice names
     */
    public record PlanAtRisk(boolean enabled, BigDecimal threshold, BigDecimal fromShare, List<Dimension> dimensions,
                             BigDecimal step, int contributors) {
    }

    /** @param notifyRoles extra roles: {@code marketing} hears when new opportunities fall short of opportunitiesNeeded */
    public record CapacityGap(boolean enabled, List<Dimension> dimensions, List<Role> notifyRoles) {
    }

    /** The window is adapter.rules.stale-days (KPI.md "staleDeals"). */
    public record StaleDeal(boolean enabled) {
    }

    /** @param minVisits a stage with fewer finished visits in the lookback has no percentile and fires nothing */
    public record StuckInStage(boolean enabled, int percentile, int minVisits) {
    }

    /**
     * @param amount       a fixed threshold in the base currency; null: the percentile of won deals in the lookback
     * @param minWonDeals  fewer won deals with an amount in the lookback: no percentile, the rule fires nothing
     * @param notifyRoles       extra roles told when a large deal is won (production, logistics, accounting)
     */
    public record LargeDeal(boolean enabled, int percentile, BigDecimal amount, int minWonDeals, List<Role> notifyRoles) {
    }

    /** @param step the width of the completion steps of the dedupe key */
    public record TasksNotDone(boolean enabled, BigDecimal threshold, BigDecimal step) {
    }

    /**
     * @param minTaskCompletion the team's median task completion at or above which the tasks count as done
     * @param top               keys recommended per dimension
     * @param minClosedDeals    a key needs this many deals closed in the lookback to be recommended
     */
    public record Tactics(boolean enabled, BigDecimal minTaskCompletion, int top, int minClosedDeals,
                          List<Dimension> dimensions) {
    }

    /** @param maxDealsListed the deals named in one task's body; more are counted */
    public record CrmHygiene(boolean enabled, int maxDealsListed) {
    }

    /** The defaults of every rule, without recipients. */
    public static RuleSettings defaults(RuleContext context) {
        return read(null, context).settings();
    }

    /** The CRM user of a role in a connection; null when none is configured. */
    public String recipient(Role role, String connection) {
        return recipients.getOrDefault(role, Map.of()).get(connection);
    }

    /**
     * Reads rules.yml's root map over the defaults.
     *
     * @param rulesYaml the parsed file; null when it is absent (all defaults)
     */
    public static Parsed read(Map<String, Object> rulesYaml, RuleContext context) {
        List<String> problems = new ArrayList<>();
        YamlSection root = YamlSection.of("", rulesYaml, problems);
        Map<Role, Map<String, String>> recipients = recipients(root.section("recipients"), context, problems);

        YamlSection due = root.section("task-due");
        TaskDue taskDue = new TaskDue(due.integer("working-days", 1, 0, 30), due.time("time", LocalTime.of(18, 0)));
        due.finish();

        YamlSection rules = root.section("rules");
        for (String id : rules.keys()) {
            if (!RULE_IDS.contains(id)) {
                rules.raw(id);
                rules.problem(id, "unknown rule (" + String.join(", ", RULE_IDS) + ")");
            }
        }

        YamlSection s = rules.section(PLAN_AT_RISK);
        PlanAtRisk planAtRisk = new PlanAtRisk(s.bool("enabled", true),
                s.decimal("threshold", new BigDecimal("0.9"), ZERO, BigDecimal.TEN),
                s.decimal("from-share", ONE_THIRD, ZERO, ONE),
                s.dimensions("dimensions", List.of(Dimension.DEPARTMENT, Dimension.REGION, Dimension.SEGMENT,
                        Dimension.PRODUCT, Dimension.REP), PLAN_DIMENSIONS),
                s.decimal("step", new BigDecimal("0.05"), new BigDecimal("0.001"), ONE),
                s.integer("contributors", 3, 0, 20));
        s.finish();

        s = rules.section(CAPACITY_GAP);
        CapacityGap capacityGap = new CapacityGap(s.bool("enabled", true),
                s.dimensions("dimensions", List.of(Dimension.DEPARTMENT), PLAN_DIMENSIONS),
                s.roles("notify", List.of(Role.MARKETING)));
        s.finish();

        s = rules.section(STALE_DEAL);
        StaleDeal staleDeal = new StaleDeal(s.bool("enabled", true));
        s.finish(Map.of("days", "the window is adapter.rules.stale-days", "stale-days", "the window is adapter.rules.stale-days"));

        s = rules.section(STUCK_IN_STAGE);
        StuckInStage stuck = new StuckInStage(s.bool("enabled", true), s.integer("percentile", 75, 1, 99),
                s.integer("min-visits", 5, 1, 1_000_000));
        s.finish();

        s = rules.section(LARGE_DEAL);
        LargeDeal largeDeal = new LargeDeal(s.bool("enabled", true), s.integer("percentile", 95, 1, 99),
                s.optionalDecimal("amount", ZERO), s.integer("min-won-deals", 5, 1, 1_000_000),
                s.roles("notify", List.of(Role.PRODUCTION, Role.LOGISTICS, Role.ACCOUNTING)));
        s.finish();

        s = rules.section(TASKS_NOT_DONE);
        TasksNotDone tasksNotDone = new TasksNotDone(s.bool("enabled", true),
                s.decimal("threshold", new BigDecimal("0.7"), ZERO, ONE),
                s.decimal("step", new BigDecimal("0.1"), new BigDecimal("0.001"), ONE));
        s.finish();

        s = rules.section(TACTICS);
        Tactics tactics = new Tactics(s.bool("enabled", true),
                s.decimal("min-task-completion", new BigDecimal("0.7"), ZERO, ONE),
                s.integer("top", 3, 1, 20), s.integer("min-closed-deals", 5, 1, 1_000_000),
                s.dimensions("dimensions", List.of(Dimension.REGION, Dimension.SEGMENT, Dimension.PRODUCT), TACTIC_DIMENSIONS));
        s.finish();

        s = rules.section(CRM_HYGIENE);
        CrmHygiene hygiene = new CrmHygiene(s.bool("enabled", true), s.integer("max-deals-listed", 20, 1, 1000));
        s.finish();

        rules.finish();
        root.finish();
        RuleSettings settings = new RuleSettings(context, recipients, taskDue, planAtRisk, capacityGap, staleDeal, stuck,
                largeDeal, tasksNotDone, tactics, hygiene);
        return new Parsed(settings, problems);
    }

    private static Map<Role, Map<String, String>> recipients(YamlSection section, RuleContext context, List<String> problems) {
        Map<Role, Map<String, String>> recipients = new EnumMap<>(Role.class);
        for (String name : section.keys()) {
            Object value = section.raw(name);
            Role role = Role.fromKey(name).orElse(null);
            if (role == null) {
                section.problem(name, "unknown role (head, marketing, production, logistics, accounting)");
                continue;
            }
            YamlSection byConnection = YamlSection.of(section.key(name), value, problems);
            Map<String, String> users = new TreeMap<>();
            for (String connection : byConnection.keys()) {
                Object user = byConnection.raw(connection);
                if (!context.connections().contains(connection)) {
                    byConnection.problem(connection, "unknown connection (" + String.join(", ",
                            new java.util.TreeSet<>(context.connections())) + ")");
                } else if (user == null || user instanceof Map || user instanceof List || String.valueOf(user).isBlank()) {
                    byConnection.problem(connection, "must be the CRM user id of the " + name);
                } else {
                    users.put(connection, user instanceof Number n ? new BigDecimal(n.toString()).toPlainString()
                            : String.valueOf(user).trim());
                }
            }
            recipients.put(role, users);
        }
        return recipients;
    }
}
