package io.planpilot.core.rules;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.CapacityRow;
import io.planpilot.core.kpi.DataQuality;
import io.planpilot.core.kpi.DealFacts;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSettings;
import io.planpilot.core.kpi.RepFigures;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * One run of the rule book: the engine's results for the query, each computed once and shared by
 * the rules, and what every rule needs around them (who is who, when tasks are due, the texts).
 */
final class Evaluation {

    static final MathContext MC = MathContext.DECIMAL128;

    final RuleSettings settings;
    final KpiEngine engine;
    final KpiQuery query;
    final Texts texts;
    final String period;

    private final Map<Dimension, List<BreakdownRow>> breakdowns = new EnumMap<>(Dimension.class);
    private final Map<Dimension, List<CapacityRow>> capacities = new EnumMap<>(Dimension.class);
    private List<RepFigures> reps;
    private DataQuality dataQuality;
    private DealFacts dealFacts;

    Evaluation(RuleSettings settings, KpiEngine engine, KpiQuery query) {
        this.settings = settings;
        this.engine = engine;
        this.query = query;
        this.texts = new Texts(settings.context().locale(), kpiSettings().baseCurrency(), settings.context().publicBaseUrl());
        this.period = query.period().label();
    }

    KpiSettings kpiSettings() {
        return engine.snapshot().settings();
    }

    List<BreakdownRow> breakdown(Dimension dimension) {
        return breakdowns.computeIfAbsent(dimension, d -> engine.breakdown(query, d));
    }

    List<CapacityRow> capacity(Dimension dimension) {
        return capacities.computeIfAbsent(dimension, d -> engine.capacity(query, d));
    }

    List<RepFigures> reps() {
        if (reps == null) {
            reps = engine.reps(query);
        }
        return reps;
    }

    DataQuality dataQuality() {
        if (dataQuality == null) {
            dataQuality = engine.dataQuality(query);
        }
        return dataQuality;
    }

    DealFacts dealFacts() {
        if (dealFacts == null) {
            dealFacts = engine.dealFacts(query);
        }
        return dealFacts;
    }

    /** The connections a department-wide figure concerns: the query's, else every one with data, sorted. */
    List<String> connections() {
        if (query.connection() != null) {
            return List.of(query.connection());
        }
        return List.copyOf(new TreeSet<>(engine.snapshot().connections()));
    }

    /** A rep (or deal) key of an answer as its connection and CRM id; null for {@code (none)}. */
    Subject subject(String key) {
        if (key == null || Dimension.NONE.equals(key)) {
            return null;
        }
        if (query.connection() != null) {
            return new Subject(query.connection(), key);
        }
        List<String> all = engine.snapshot().connections();
        if (all.size() > 1) {
            int colon = key.indexOf(':');
            return colon < 0 ? null : new Subject(key.substring(0, colon), key.substring(colon + 1));
        }
        return all.isEmpty() ? null : new Subject(all.get(0), key);
    }

    record Subject(String connection, String id) {
    }

    String head(String connection) {
        return settings.recipient(Role.HEAD, connection);
    }

    /** The share of the period that has passed at t, 0..1. */
    BigDecimal elapsedShare() {
        Instant start = query.period().startInstant(zone());
        Instant end = query.period().endInstant(zone());
        if (!query.asOf().isAfter(start)) {
            return BigDecimal.ZERO;
        }
        if (!query.asOf().isBefore(end)) {
            return BigDecimal.ONE;
        }
        return BigDecimal.valueOf(Duration.between(start, query.asOf()).getSeconds())
                .divide(BigDecimal.valueOf(Duration.between(start, end).getSeconds()), MC);
    }

    java.time.ZoneId zone() {
        return settings.context().zone();
    }

    /** When a TASK proposed now is due (rules.yml {@code task-due}). */
    Instant deadline() {
        LocalDate day = query.asOf().atZone(zone()).toLocalDate();
        for (int left = settings.taskDue().workingDays(); left > 0; ) {
            day = day.plusDays(1);
            if (kpiSettings().isWorkingDay(day)) {
                left--;
            }
        }
        return ZonedDateTime.of(day, settings.taskDue().time(), zone()).toInstant();
    }

    /** Days from an instant to t, as a decimal. */
    BigDecimal daysSince(Instant from) {
        return BigDecimal.valueOf(Duration.between(from, query.asOf()).toMillis())
                .divide(BigDecimal.valueOf(86_400_000L), MC);
    }

    /** The step a ratio falls in, for a dedupe key: floor(ratio / step). */
    static long step(BigDecimal ratio, BigDecimal step) {
        return ratio.divide(step, MC).setScale(0, java.math.RoundingMode.FLOOR).longValueExact();
    }

    static ProposedAction task(String rule, String connection, String user, String dealId, String key, String title,
                               String body, Instant deadline) {
        return new ProposedAction(rule, ActionKind.TASK, connection, user, dealId, key, Texts.title(title), body, deadline);
    }

    static ProposedAction notify(String rule, String connection, String user, String dealId, String key, String title,
                                 String body) {
        return new ProposedAction(rule, ActionKind.NOTIFY, connection, user, dealId, key, Texts.title(title), body, null);
    }

    static <T> List<T> list() {
        return new ArrayList<>();
    }
}
