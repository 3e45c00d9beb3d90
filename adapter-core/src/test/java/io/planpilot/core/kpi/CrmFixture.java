package io.planpilot.core.kpi;

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

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tiny fluent builder of CRM data for the KPI engine tests.
 *
 * <p>Defaults: connection {@code crm}; zone Europe/Moscow (UTC+3, no DST); base currency USD with
 * {@code EUR = 1.08}; lookback 180 days; stale 14 days; no holidays; no reps.
 * {@link #crm()} adds the standard pipeline {@code main} ("Main") with the open stages
 * {@code new} (sort 10, p 0.1), {@code offer} (20, 0.4), {@code contract} (30, 0.7) and the closed
 * stages {@code won} and {@code lost}.
 *
 * <p>Times are strings: {@code 2026-11-10} is 12:00 (noon) local time on that date,
 * {@code 2026-11-10T09:30} a local time, {@code 2026-10-31T21:00:00Z} an instant.
 *
 * <p>Deals default to: the standard pipeline, status OPEN in the pipeline's first open stage, no
 * amount, USD, no owner, created 2026-09-01 12:00 local, no expected close, no history. Activities
 * default to no owner, no deal, created 2026-09-01 12:00 local (or at their completion when earlier).
 */
public final class CrmFixture {
    public static final String CONNECTION = "crm";
    public static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");
    public static final String DEFAULT_CREATED = "2026-09-01";

    private final ZoneId zone = MOSCOW;
    private String baseCurrency = "USD";
    private final Map<String, BigDecimal> rates = new TreeMap<>(Map.of("EUR", new BigDecimal("1.08")));
    private int lookbackDays = 180;
    private int staleDays = 14;
    private final Set<LocalDate> holidays = new HashSet<>();

    private final List<Pipeline> pipelines = new ArrayList<>();
    private final List<Stage> stages = new ArrayList<>();
    private final List<Rep> reps = new ArrayList<>();
    private final List<DealBuilder> deals = new ArrayList<>();
    private final List<ActivityBuilder> activities = new ArrayList<>();
    private final Map<String, CrmCurrencies> crmCurrencies = new LinkedHashMap<>();
    private final Map<String, Set<String>> mappedDimensions = new LinkedHashMap<>();
    private final List<PlanTarget> plan = new ArrayList<>();
    private int activitySeq;

    private CrmFixture() {
    }

    /** Connection {@code crm} with the standard pipeline {@code main}. */
    public static CrmFixture crm() {
        return new CrmFixture().standardPipeline(CONNECTION);
    }

    // ---- settings -------------------------------------------------------------------------------

    public CrmFixture baseCurrency(String code) {
        this.baseCurrency = code;
        return this;
    }

    /** adapter.currency-rates: units of base currency for one unit of {@code code}. */
    public CrmFixture rate(String code, String rate) {
        rates.put(code, new BigDecimal(rate));
        return this;
    }

    public CrmFixture lookbackDays(int days) {
        this.lookbackDays = days;
        return this;
    }

    public CrmFixture staleDays(int days) {
        this.staleDays = days;
        return this;
    }

    public CrmFixture holiday(String date) {
        holidays.add(LocalDate.parse(date));
        return this;
    }

    /** The CRM's own rate of a connection (its base currency is {@code crmBase}). */
    public CrmFixture crmRate(String connection, String crmBase, String code, String rate) {
        CrmCurrencies old = crmCurrencies.get(connection);
        Map<String, BigDecimal> all = new TreeMap<>(old == null ? Map.of() : old.rates());
        all.put(code, new BigDecimal(rate));
        crmCurrencies.put(connection, new CrmCurrencies(crmBase, all));
        return this;
    }

    /** The connection maps these dimensions (for MISSING_DIMENSION). */
    public CrmFixture maps(String connection, String... dimensions) {
        mappedDimensions.computeIfAbsent(connection, c -> new HashSet<>()).addAll(List.of(dimensions));
        return this;
    }

    public KpiSettings settings() {
        return new KpiSettings(baseCurrency, rates, zone, lookbackDays, staleDays, holidays);
    }

    // ---- pipelines and reps ---------------------------------------------------------------------

    /** Pipeline {@code main} ("Main") in {@code connection}: new 10/0.1, offer 20/0.4, contract 30/0.7, won, lost. */
    public CrmFixture standardPipeline(String connection) {
        pipeline(connection, "main", "Main")
                .open("new", "New", 10, "0.1")
                .open("offer", "Offer", 20, "0.4")
                .open("contract", "Contract", 30, "0.7")
                .won("won")
                .lost("lost");
        return this;
    }

    public PipelineBuilder pipeline(String connection, String id, String name) {
        pipelines.add(new Pipeline(connection, id, name));
        return new PipelineBuilder(connection, id);
    }

    public PipelineBuilder pipeline(String id, String name) {
        return pipeline(CONNECTION, id, name);
    }

    public final class PipelineBuilder {
        private final String connection;
        private final String pipeline;
        private int closedSort = 1000;

        private PipelineBuilder(String connection, String pipeline) {
            this.connection = connection;
            this.pipeline = pipeline;
        }

        /** An open stage; {@code probability} may be null (the CRM configures none). */
        public PipelineBuilder open(String id, String name, int sort, String probability) {
            stages.add(new Stage(connection, pipeline, id, name, BigDecimal.valueOf(sort), DealStatus.OPEN,
                    probability == null ? null : new BigDecimal(probability)));
            return this;
        }

        public PipelineBuilder won(String id) {
            stages.add(new Stage(connection, pipeline, id, "Won", BigDecimal.valueOf(closedSort++), DealStatus.WON,
                    BigDecimal.ONE));
            return this;
        }

        public PipelineBuilder lost(String id) {
            stages.add(new Stage(connection, pipeline, id, "Lost", BigDecimal.valueOf(closedSort++), DealStatus.LOST,
                    BigDecimal.ZERO));
            return this;
        }
    }

    public CrmFixture rep(String id, String name) {
        return rep(CONNECTION, id, name, true);
    }

    public CrmFixture inactiveRep(String id, String name) {
        return rep(CONNECTION, id, name, false);
    }

    public CrmFixture rep(String connection, String id, String name, boolean active) {
        reps.add(new Rep(connection, id, name, id + "@example.com", active, null));
        return this;
    }

    // ---- plan -----------------------------------------------------------------------------------

    /** A department target (key "") for a month such as {@code 2026-11}. */
    public CrmFixture plan(String month, String amount) {
        return plan(month, Dimension.DEPARTMENT, "", amount, null);
    }

    public CrmFixture plan(String month, Dimension dimension, String key, String amount) {
        return plan(month, dimension, key, amount, null);
    }

    public CrmFixture plan(String month, Dimension dimension, String key, String amount, String connection) {
        plan.add(new PlanTarget(YearMonth.parse(month), dimension, key, new BigDecimal(amount), connection));
        return this;
    }

    // ---- deals ----------------------------------------------------------------------------------

    public DealBuilder deal(String id) {
        DealBuilder deal = new DealBuilder(id);
        deals.add(deal);
        return deal;
    }

    public final class DealBuilder {
        private final String id;
        private String connection = CONNECTION;
        private String pipeline = "main";
        private String stage;
        private DealStatus status = DealStatus.OPEN;
        private BigDecimal amount;
        private String currency = "USD";
        private String owner;
        private Instant createdAt = at(DEFAULT_CREATED);
        private Instant closedAt;
        private LocalDate expectedClose;
        private final Map<String, String> dimensions = new LinkedHashMap<>();
        private final List<ProductLine> lines = new ArrayList<>();
        private BigDecimal crmProbability;
        private boolean deleted;
        private final List<String[]> history = new ArrayList<>();

        private DealBuilder(String id) {
            this.id = id;
        }

        public DealBuilder connection(String connection) {
            this.connection = connection;
            return this;
        }

        public DealBuilder pipeline(String pipeline) {
            this.pipeline = pipeline;
            return this;
        }

        /** The stage it is in now (an open stage for an open deal). */
        public DealBuilder stage(String stage) {
            this.stage = stage;
            return this;
        }

        public DealBuilder amount(String amount) {
            this.amount = new BigDecimal(amount);
            return this;
        }

        public DealBuilder amount(long amount) {
            this.amount = BigDecimal.valueOf(amount);
            return this;
        }

        public DealBuilder currency(String currency) {
            this.currency = currency;
            return this;
        }

        public DealBuilder owner(String owner) {
            this.owner = owner;
            return this;
        }

        public DealBuilder created(String when) {
            this.createdAt = at(when);
            return this;
        }

        /** Now in the pipeline's won stage, closed at {@code when}. */
        public DealBuilder won(String when) {
            this.status = DealStatus.WON;
            this.closedAt = at(when);
            return this;
        }

        /** Now in the pipeline's lost stage, closed at {@code when}. */
        public DealBuilder lost(String when) {
            this.status = DealStatus.LOST;
            this.closedAt = at(when);
            return this;
        }

        public DealBuilder expectedClose(String date) {
            this.expectedClose = LocalDate.parse(date);
            return this;
        }

        public DealBuilder region(String value) {
            return dimension("region", value);
        }

        public DealBuilder segment(String value) {
            return dimension("segment", value);
        }

        public DealBuilder product(String value) {
            return dimension("product", value);
        }

        public DealBuilder dimension(String key, String value) {
            dimensions.put(key, value);
            return this;
        }

        /** A product line, in the deal's currency. */
        public DealBuilder line(String product, String amount) {
            lines.add(new ProductLine(product, new BigDecimal(amount)));
            return this;
        }

        public DealBuilder crmProbability(String probability) {
            this.crmProbability = new BigDecimal(probability);
            return this;
        }

        public DealBuilder deleted() {
            this.deleted = true;
            return this;
        }

        /** A stage-history entry: the deal entered {@code stage} at {@code when}. */
        public DealBuilder entered(String stage, String when) {
            history.add(new String[] {stage, when});
            return this;
        }

        private Deal build() {
            String current = stage != null ? stage : switch (status) {
                case OPEN -> firstOpenStage(connection, pipeline);
                case WON -> closedStage(connection, pipeline, DealStatus.WON);
                case LOST -> closedStage(connection, pipeline, DealStatus.LOST);
            };
            return new Deal(connection, id, "Deal " + id, pipeline, current, status, amount, currency, owner,
                    createdAt, closedAt, expectedClose, dimensions, lines, crmProbability, deleted,
                    closedAt != null ? closedAt : createdAt);
        }

        private List<StageTransition> transitions() {
            List<StageTransition> result = new ArrayList<>();
            for (int i = 0; i < history.size(); i++) {
                String[] entry = history.get(i);
                result.add(new StageTransition(connection, id + "-h" + (i + 1), id, entry[0], at(entry[1])));
            }
            return result;
        }
    }

    private String firstOpenStage(String connection, String pipeline) {
        return stages.stream()
                .filter(s -> s.connection().equals(connection) && s.pipeline().equals(pipeline)
                        && s.semantic() == DealStatus.OPEN)
                .min(Comparator.comparing(Stage::sort))
                .orElseThrow(() -> new IllegalStateException("no open stage in " + connection + "/" + pipeline))
                .id();
    }

    private String closedStage(String connection, String pipeline, DealStatus semantic) {
        return stages.stream()
                .filter(s -> s.connection().equals(connection) && s.pipeline().equals(pipeline)
                        && s.semantic() == semantic)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + semantic + " stage in " + connection + "/" + pipeline))
                .id();
    }

    // ---- activities -----------------------------------------------------------------------------

    public ActivityBuilder activity(ActivityType type) {
        ActivityBuilder activity = new ActivityBuilder("a" + (++activitySeq), type);
        activities.add(activity);
        return activity;
    }

    public final class ActivityBuilder {
        private final String id;
        private final ActivityType type;
        private String connection = CONNECTION;
        private String owner;
        private String deal;
        private Instant createdAt;
        private Instant dueAt;
        private Instant completedAt;
        private boolean deleted;
        private int times = 1;

        private ActivityBuilder(String id, ActivityType type) {
            this.id = id;
            this.type = type;
        }

        public ActivityBuilder connection(String connection) {
            this.connection = connection;
            return this;
        }

        public ActivityBuilder owner(String owner) {
            this.owner = owner;
            return this;
        }

        public ActivityBuilder deal(String deal) {
            this.deal = deal;
            return this;
        }

        /** Created at {@code when}; without it, at 2026-09-01 noon (or when completed, if that is earlier). */
        public ActivityBuilder created(String when) {
            this.createdAt = at(when);
            return this;
        }

        public ActivityBuilder due(String when) {
            this.dueAt = at(when);
            return this;
        }

        /** Completed at {@code when}. */
        public ActivityBuilder done(String when) {
            this.completedAt = at(when);
            return this;
        }

        public ActivityBuilder deleted() {
            this.deleted = true;
            return this;
        }

        /** This activity {@code n} times (identical copies with their own ids). */
        public ActivityBuilder times(int n) {
            this.times = n;
            return this;
        }

        private List<Activity> build() {
            Instant created = createdAt;
            if (created == null) {
                Instant byDefault = at(DEFAULT_CREATED);
                created = completedAt != null && completedAt.isBefore(byDefault) ? completedAt : byDefault;
            }
            List<Activity> result = new ArrayList<>();
            for (int i = 1; i <= times; i++) {
                String copyId = times == 1 ? id : id + "." + i;
                result.add(new Activity(connection, copyId, type, owner, deal, created, dueAt, completedAt, deleted));
            }
            return result;
        }
    }

    // ---- the engine -----------------------------------------------------------------------------

    public CrmData data() {
        List<Deal> builtDeals = new ArrayList<>();
        List<StageTransition> transitions = new ArrayList<>();
        for (DealBuilder deal : deals) {
            builtDeals.add(deal.build());
            transitions.addAll(deal.transitions());
        }
        List<Activity> builtActivities = new ArrayList<>();
        activities.forEach(a -> builtActivities.addAll(a.build()));
        Map<String, Set<String>> mapped = new LinkedHashMap<>();
        mappedDimensions.forEach((connection, dims) -> mapped.put(connection, Set.copyOf(dims)));
        return new CrmData(pipelines, stages, reps, builtDeals, transitions, builtActivities, crmCurrencies, mapped);
    }

    public KpiEngine engine() {
        return new KpiEngine(snapshot());
    }

    public KpiSnapshot snapshot() {
        return KpiSnapshot.of(data(), settings(), plan);
    }

    public KpiQuery query(String period, String asOf) {
        return query(period, asOf, null);
    }

    public KpiQuery query(String period, String asOf, String connection) {
        return new KpiQuery(Period.parse(period), at(asOf), connection);
    }

    public KpiFigures summary(String period, String asOf) {
        return engine().summary(query(period, asOf));
    }

    /** {@code 2026-11-10} is noon local time; {@code 2026-11-10T09:30} local; {@code ...Z} or an offset: an instant. */
    public Instant at(String when) {
        if (when.endsWith("Z") || when.matches(".*T.*[+-]\\d{2}:\\d{2}$")) {
            return OffsetDateTime.parse(when.endsWith("Z") ? when.substring(0, when.length() - 1) + "+00:00" : when)
                    .toInstant();
        }
        if (when.contains("T")) {
            return LocalDateTime.parse(when).atZone(zone).toInstant();
        }
        return LocalDate.parse(when).atTime(LocalTime.NOON).atZone(zone).toInstant();
    }

    // ---- assertions -----------------------------------------------------------------------------

    public static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }

    /** The exact fraction {@code numerator / denominator} in DECIMAL128. */
    public static BigDecimal fraction(String numerator, String denominator) {
        return new BigDecimal(numerator).divide(new BigDecimal(denominator), MathContext.DECIMAL128);
    }

    /** For non-terminating quotients: {@code actual} within 1e-12 relative of {@code expected}. */
    public static void assertClose(BigDecimal actual, BigDecimal expected) {
        assertThat(actual).as("expected ≈ %s", expected).isNotNull();
        BigDecimal tolerance = expected.abs().multiply(new BigDecimal("1e-12"));
        assertThat(actual.subtract(expected).abs())
                .as("%s ≈ %s (1e-12 relative)", actual, expected)
                .isLessThanOrEqualTo(tolerance);
    }
}
