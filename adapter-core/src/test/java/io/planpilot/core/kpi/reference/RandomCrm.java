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
import io.planpilot.core.kpi.CrmCurrencies;
import io.planpilot.core.kpi.CrmData;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSettings;
import io.planpilot.core.kpi.Period;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A random but deterministic CRM (from a seed) for the agreement tests: realistic shapes with the
 * nasty cases KPI.md has rules for. Everything satisfies the domain records' constructors.
 *
 * <p>Shape: 1–2 connections ({@code alpha}, {@code beta}) whose pipeline, stage, user and deal ids
 * deliberately collide (so unprefixed keys would mix connections up); 1–2 pipelines each with 2–4
 * open stages (distinct, non-contiguous sort indexes listed out of order) plus a WON and a LOST
 * stage; 3–6 users each; 20–120 deals; stage histories; activities; a plan; and the queries to ask.
 */
public final class RandomCrm {

    public static final String[] ZONES = {"UTC", "Europe/Moscow", "America/New_York"};
    static final String[] REGIONS = {"North", "South", "East", "West"};
    static final String[] SEGMENTS = {"SMB", "Mid", "Enterprise"};
    static final String[] PRODUCTS = {"Alpha", "Beta", "Gamma", "Delta"};
    static final String[] FIRST = {"Anna", "Boris", "Chen", "Dana", "Egor", "Fatima", "Gleb", "Hanna", "Ivan", "Julia", "Karl", "Lena"};
    static final String[] LAST = {"Ivanova", "Smith", "Li", "Novak", "Petrov", "Haddad", "Orlov", "Berg", "Kim", "Sousa", "Weber", "Popova"};

    private final long seed;
    private final SplittableRandom rnd;

    private final ZoneId zone;
    private final YearMonth anchor;
    private final Instant dataFrom;
    private final Instant dataTo;
    private final List<Instant> midnights = new ArrayList<>();

    private final List<String> connections = new ArrayList<>();
    private final List<Pipeline> pipelines = new ArrayList<>();
    private final List<Stage> stages = new ArrayList<>();
    private final List<Rep> reps = new ArrayList<>();
    private final List<Deal> deals = new ArrayList<>();
    private final List<StageTransition> transitions = new ArrayList<>();
    private final List<Activity> activities = new ArrayList<>();
    private final Map<String, CrmCurrencies> currencies = new TreeMap<>();
    private final Map<String, Set<String>> mappedDimensions = new TreeMap<>();
    private final Map<String, Boolean> dealProbabilityCrm = new TreeMap<>();
    private final List<PlanTarget> plan = new ArrayList<>();
    private final List<KpiQuery> queries = new ArrayList<>();
    private final List<Period> periods = new ArrayList<>();
    private final KpiSettings settings;
    private final CrmData data;
    private int historyIds;
    private int activityIds;

    private RandomCrm(long seed) {
        this.seed = seed;
        this.rnd = new SplittableRandom(seed);
        this.zone = ZoneId.of(ZONES[rnd.nextInt(ZONES.length)]);
        this.anchor = YearMonth.of(2025 + rnd.nextInt(2), 1 + rnd.nextInt(12));
        this.dataFrom = anchor.minusMonths(8).atDay(1).atStartOfDay(zone).toInstant();
        this.dataTo = anchor.plusMonths(2).atEndOfMonth().atStartOfDay(zone).toInstant();
        for (int m = -9; m <= 4; m++) {
            YearMonth month = anchor.plusMonths(m);
            midnights.add(month.atDay(1).atStartOfDay(zone).toInstant());
            midnights.add(month.atDay(15).atStartOfDay(zone).toInstant());
        }
        this.settings = makeSettings();
        int connectionCount = 1 + rnd.nextInt(2);
        for (int c = 0; c < connectionCount; c++) {
            connections.add(c == 0 ? "alpha" : "beta");
        }
        int totalDeals = 20 + rnd.nextInt(101);
        for (int c = 0; c < connectionCount; c++) {
            String connection = connections.get(c);
            int dealCount = connectionCount == 1 ? totalDeals : (c == 0 ? totalDeals / 2 + rnd.nextInt(totalDeals / 4 + 1) : totalDeals - deals.size());
            connection(connection, c, Math.max(dealCount, 5));
        }
        currencies();
        planTargets();
        makeQueries();
        this.data = new CrmData(pipelines, stages, reps, deals, transitions, activities, currencies, mappedDimensions);
    }

    public static RandomCrm generate(long seed) {
        return new RandomCrm(seed);
    }

    public long seed() {
        return seed;
    }

    public CrmData data() {
        return data;
    }

    public KpiSettings settings() {
        return settings;
    }

    public List<PlanTarget> plan() {
        return List.copyOf(plan);
    }

    /** The queries to compare: a month, a quarter and a custom range, each with t inside, after and before it, for all connections and each one. */
    public List<KpiQuery> queries() {
        return List.copyOf(queries);
    }

    /** The three periods of {@link #queries()}. */
    public List<Period> periods() {
        return List.copyOf(periods);
    }

    public List<String> connections() {
        return List.copyOf(connections);
    }

    public ZoneId zone() {
        return zone;
    }

    /** The pipeline keys a funnel can be asked for under a query (prefixed when several connections are shown together). */
    public List<String> pipelineKeys(KpiQuery q) {
        boolean prefixed = q.connection() == null && connections.size() > 1;
        List<String> keys = new ArrayList<>();
        for (Pipeline p : pipelines) {
            if (q.connection() == null || q.connection().equals(p.connection())) {
                keys.add(prefixed ? p.connection() + ":" + p.id() : p.id());
            }
        }
        return keys;
    }

    // ------------------------------------------------------------------ settings

    private KpiSettings makeSettings() {
        Map<String, BigDecimal> rates = new LinkedHashMap<>();
        rates.put("EUR", new BigDecimal("1.08"));
        rates.put(chance(0.3) ? "rub" : "RUB", new BigDecimal("0.0125"));
        int lookback = new int[] {180, 180, 90, 60}[rnd.nextInt(4)];
        int stale = chance(0.5) ? 14 : 7;
        Set<LocalDate> holidays = new HashSet<>();
        int n = rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            holidays.add(anchor.atDay(1).plusDays(rnd.nextInt(-60, 90)));
        }
        return new KpiSettings("USD", rates, zone, lookback, stale, holidays);
    }

    private void currencies() {
        double roll = rnd.nextDouble();
        if (roll < 0.35) {
            // the CRM's own rates, base currency = the adapter's: they win over adapter.currency-rates
            currencies.put(connections.get(0), new CrmCurrencies("usd",
                    Map.of("EUR", new BigDecimal("1.10"), "RUB", new BigDecimal("0.0111"), "GBP", new BigDecimal("1.27"), "USD", BigDecimal.ONE)));
        } else if (roll < 0.5) {
            // a CRM whose base currency is EUR: its rates must be ignored
            currencies.put(connections.get(0), new CrmCurrencies("EUR",
                    Map.of("USD", new BigDecimal("0.93"), "RUB", new BigDecimal("0.0105"), "GBP", new BigDecimal("1.17"), "EUR", BigDecimal.ONE)));
        }
        if (connections.size() > 1 && chance(0.3)) {
            currencies.put(connections.get(1), new CrmCurrencies("USD", Map.of("EUR", new BigDecimal("1.05"))));
        }
    }

    // ------------------------------------------------------------------ one connection

    private void connection(String connection, int index, int dealCount) {
        boolean dealProbability = chance(0.3);
        dealProbabilityCrm.put(connection, dealProbability);
        Set<String> mapped = new TreeSet<>();
        if (chance(0.8)) {
            mapped.add("region");
        }
        if (chance(0.6)) {
            mapped.add("segment");
        }
        if (chance(0.5)) {
            mapped.add("product");
        }
        mappedDimensions.put(connection, mapped);

        int pipelineCount = 1 + rnd.nextInt(2);
        List<Pipeline> own = new ArrayList<>();
        for (int p = 1; p <= pipelineCount; p++) {
            Pipeline pipeline = new Pipeline(connection, String.valueOf(p), chance(0.2) ? null : "Sales " + connection + " " + p);
            own.add(pipeline);
            pipelines.add(pipeline);
            int open = 2 + rnd.nextInt(3);
            List<Stage> openStages = new ArrayList<>();
            BigDecimal sort = BigDecimal.valueOf(rnd.nextInt(1, 20));
            for (int s = 1; s <= open; s++) {
                BigDecimal probability = null;
                if (!dealProbability && chance(0.6)) {
                    probability = BigDecimal.valueOf(rnd.nextInt(5, 95)).movePointLeft(2);
                }
                openStages.add(new Stage(connection, pipeline.id(), "p" + p + "-s" + s, chance(0.2) ? "" : "Stage " + s,
                        sort, DealStatus.OPEN, probability));
                sort = sort.add(chance(0.3) ? new BigDecimal("0.5") : BigDecimal.valueOf(rnd.nextInt(1, 15)));
            }
            // listed out of sort order on purpose
            for (int i = openStages.size() - 1; i > 0; i--) {
                int j = rnd.nextInt(i + 1);
                Stage tmp = openStages.get(i);
                openStages.set(i, openStages.get(j));
                openStages.set(j, tmp);
            }
            stages.addAll(openStages);
            stages.add(new Stage(connection, pipeline.id(), "p" + p + "-won", "Won", BigDecimal.valueOf(900),
                    DealStatus.WON, chance(0.5) ? BigDecimal.ONE : null));
            stages.add(new Stage(connection, pipeline.id(), "p" + p + "-lost", "Lost", BigDecimal.valueOf(1),
                    DealStatus.LOST, chance(0.5) ? BigDecimal.ZERO : null));
        }

        int repCount = 3 + rnd.nextInt(4);
        List<Rep> ownReps = new ArrayList<>();
        for (int r = 1; r <= repCount; r++) {
            String first = FIRST[(index * 6 + r - 1) % FIRST.length];
            String last = LAST[(index * 6 + r - 1 + (int) (seed % 5)) % LAST.length];
            String email = chance(0.8) ? (first + "." + last + "@" + connection + ".example").toLowerCase(Locale.ROOT) : null;
            Rep rep = new Rep(connection, "u" + r, first + " " + last, email, r == 1 || chance(0.75),
                    chance(0.5) ? "Team " + (1 + rnd.nextInt(2)) : null);
            ownReps.add(rep);
            reps.add(rep);
        }

        for (int n = 1; n <= dealCount; n++) {
            deal(connection, "d" + n, own, ownReps, mapped, dealProbability);
        }
        // activities not linked to any deal
        int loose = 5 + rnd.nextInt(20);
        for (int i = 0; i < loose; i++) {
            Instant created = randomInstant(dataFrom, dataTo);
            activity(connection, null, randomOwner(ownReps, 0.05), created);
        }
    }

    private void deal(String connection, String id, List<Pipeline> own, List<Rep> ownReps, Set<String> mapped,
                      boolean dealProbability) {
        Pipeline pipeline = own.get(rnd.nextInt(own.size()));
        List<Stage> open = openStagesSorted(connection, pipeline.id());
        Stage won = stage(connection, "p" + pipeline.id() + "-won");
        Stage lost = stage(connection, "p" + pipeline.id() + "-lost");

        Instant createdAt = chance(0.04) ? midnights.get(rnd.nextInt(midnights.size())) : randomInstant(dataFrom, dataTo);
        double roll = rnd.nextDouble();
        DealStatus status = roll < 0.45 ? DealStatus.OPEN : roll < 0.75 ? DealStatus.WON : DealStatus.LOST;
        Instant closedAt = null;
        if (status.isClosed()) {
            closedAt = createdAt.plus(randomDuration(Duration.ofMinutes(30), Duration.ofDays(120)));
            if (chance(0.12)) {
                // exactly on a period boundary at local midnight
                for (Instant midnight : midnights) {
                    if (midnight.isAfter(createdAt) && midnight.isBefore(createdAt.plus(Duration.ofDays(120)))) {
                        closedAt = midnight;
                        if (chance(0.5)) {
                            break;
                        }
                    }
                }
            }
        }
        Stage current = status == DealStatus.WON ? won : status == DealStatus.LOST ? lost : open.get(rnd.nextInt(open.size()));

        // money
        BigDecimal amount = null;
        double amountRoll = rnd.nextDouble();
        if (amountRoll < 0.06) {
            amount = BigDecimal.ZERO;
        } else if (amountRoll < 0.16) {
            amount = null;
        } else if (amountRoll < 0.4) {
            amount = BigDecimal.valueOf(1000L * rnd.nextInt(1, 60));
        } else {
            amount = BigDecimal.valueOf(rnd.nextLong(10_000, 5_000_000), 2);
        }
        String currency = pick(new String[] {"USD", "USD", "USD", "usd", "EUR", "EUR", "RUB", "XXX", "GBP"});
        List<ProductLine> lines = new ArrayList<>();
        if (chance(0.3)) {
            int n = 1 + rnd.nextInt(3);
            boolean zero = chance(0.15);
            for (int i = 0; i < n; i++) {
                BigDecimal lineAmount = zero ? BigDecimal.ZERO
                        : chance(0.08) ? BigDecimal.ZERO : BigDecimal.valueOf(rnd.nextLong(1_000, 2_000_000), 2);
                lines.add(new ProductLine(pick(PRODUCTS), lineAmount));
            }
        }

        Map<String, String> dimensions = new TreeMap<>();
        if (mapped.contains("region") && chance(0.85)) {
            dimensions.put("region", pick(REGIONS));
        }
        if (mapped.contains("segment") && chance(0.85)) {
            dimensions.put("segment", pick(SEGMENTS));
        }
        if (mapped.contains("product") && chance(0.6)) {
            dimensions.put("product", pick(PRODUCTS));
        }
        if (chance(0.2)) {
            dimensions.put("source", "web");
        }

        String owner;
        double ownerRoll = rnd.nextDouble();
        if (ownerRoll < 0.07) {
            owner = null;
        } else if (ownerRoll < 0.09) {
            owner = "u99"; // a user the CRM no longer lists
        } else {
            owner = ownReps.get(rnd.nextInt(ownReps.size())).id();
        }

        LocalDate expectedClose = null;
        if (chance(0.75)) {
            expectedClose = createdAt.atZone(zone).toLocalDate().plusDays(rnd.nextInt(-10, 100));
        }
        BigDecimal crmProbability = dealProbability && chance(0.6) ? BigDecimal.valueOf(rnd.nextInt(0, 101)).movePointLeft(2) : null;
        boolean deleted = chance(0.05);
        Deal deal = new Deal(connection, id, "Deal " + id, pipeline.id(), current.id(), status, amount, currency, owner,
                createdAt, closedAt, expectedClose, dimensions, lines, crmProbability, deleted,
                closedAt == null ? createdAt : closedAt);
        deals.add(deal);

        history(deal, open, won, lost);
        int activityCount = rnd.nextInt(5);
        for (int i = 0; i < activityCount; i++) {
            Instant created = createdAt.plus(randomDuration(Duration.ZERO, Duration.ofDays(60)));
            String activityOwner = owner != null && !owner.equals("u99") && chance(0.75) ? owner : randomOwner(ownReps, 0.05);
            activity(connection, id, activityOwner, created);
        }
    }

    /** 0–4 entries (plus the closing one), sometimes skipping the first stage, revisiting, or reopening. */
    private void history(Deal deal, List<Stage> open, Stage won, Stage lost) {
        if (chance(0.2)) {
            return; // no history at all
        }
        Instant end = deal.closedAt() != null ? deal.closedAt() : deal.createdAt().plus(Duration.ofDays(150));
        int n = rnd.nextInt(5);
        List<Stage> path = new ArrayList<>();
        int index = chance(0.25) ? Math.min(1, open.size() - 1) : 0; // sometimes missing the first stage
        for (int i = 0; i < n; i++) {
            path.add(open.get(index));
            if (chance(0.15) && index > 0) {
                index--; // revisit an earlier stage
            } else if (index + 1 < open.size() && chance(0.7)) {
                index++;
            }
        }
        boolean reopen = path.size() >= 2 && chance(0.08);
        if (deal.status() == DealStatus.OPEN && !path.isEmpty()) {
            // the current stage of an open deal is its last entry
            path.set(path.size() - 1, stage(deal.connection(), deal.stage()));
        }
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < path.size(); i++) {
            times.add(randomInstant(deal.createdAt(), end));
        }
        times.sort(Comparator.naturalOrder());
        if (!times.isEmpty() && chance(0.3)) {
            times.set(0, deal.createdAt()); // the first entry at creation
        }
        if (times.size() >= 2 && chance(0.05)) {
            times.set(1, times.get(0)); // a tie, ordered by id
        }
        for (int i = 0; i < path.size(); i++) {
            if (reopen && i == path.size() - 1) {
                // closed once and reopened: the closing entry lies between the last two open entries
                Instant before = times.get(i - 1);
                Instant after = times.get(i);
                if (before.isBefore(after)) {
                    Instant closedOnce = randomInstant(before, after);
                    transition(deal, chance(0.7) ? won : lost, closedOnce);
                }
            }
            transition(deal, path.get(i), times.get(i));
        }
        if (deal.closedAt() != null && chance(0.8)) {
            transition(deal, stage(deal.connection(), deal.stage()), deal.closedAt());
        }
    }

    private void transition(Deal deal, Stage stage, Instant at) {
        historyIds++;
        transitions.add(new StageTransition(deal.connection(), String.format("h%06d", historyIds), deal.id(), stage.id(), at));
    }

    private void activity(String connection, String deal, String owner, Instant createdAt) {
        activityIds++;
        ActivityType type = pick(ActivityType.values());
        Instant dueAt = null;
        if (type == ActivityType.TASK ? chance(0.85) : chance(0.2)) {
            if (chance(0.3)) {
                // a due date without a time: the last microsecond of that local day
                LocalDate day = createdAt.atZone(zone).toLocalDate().plusDays(rnd.nextInt(0, 20));
                dueAt = day.atTime(LocalTime.MAX).atZone(zone).toInstant().truncatedTo(ChronoUnit.MICROS);
            } else {
                dueAt = createdAt.plus(randomDuration(Duration.ofHours(1), Duration.ofDays(20)));
            }
        }
        Instant completedAt = null;
        if (chance(0.65)) {
            if (dueAt != null && chance(0.15)) {
                completedAt = dueAt; // exactly on time
            } else {
                completedAt = createdAt.plus(randomDuration(Duration.ZERO, Duration.ofDays(25)));
            }
        }
        activities.add(new Activity(connection, String.format("a%06d", activityIds), type, owner, deal, createdAt, dueAt,
                completedAt, chance(0.03)));
    }

    // ------------------------------------------------------------------ plan

    private void planTargets() {
        boolean multi = connections.size() > 1;
        for (int m = -8; m <= 3; m++) {
            YearMonth month = anchor.plusMonths(m);
            if (chance(0.85)) {
                plan.add(new PlanTarget(month, Dimension.DEPARTMENT, "", money(50_000, 400_000), null));
            }
            for (String connection : connections) {
                if (chance(0.6)) {
                    plan.add(new PlanTarget(month, Dimension.DEPARTMENT, "", money(20_000, 200_000), connection));
                }
            }
            for (String region : REGIONS) {
                if (chance(0.5)) {
                    plan.add(new PlanTarget(month, Dimension.REGION, region, money(5_000, 100_000), null));
                }
                if (chance(0.2)) {
                    plan.add(new PlanTarget(month, Dimension.REGION, region, money(5_000, 100_000), connections.get(0)));
                }
            }
            if (chance(0.3)) {
                plan.add(new PlanTarget(month, Dimension.REGION, "Atlantis", money(1_000, 10_000), null)); // no deals there
            }
            if (chance(0.3)) {
                plan.add(new PlanTarget(month, Dimension.SEGMENT, pick(SEGMENTS), money(5_000, 100_000), null));
            }
            if (chance(0.3)) {
                plan.add(new PlanTarget(month, Dimension.PRODUCT, pick(PRODUCTS), money(5_000, 100_000), null));
            }
            for (Pipeline pipeline : pipelines) {
                if (chance(0.4)) {
                    plan.add(new PlanTarget(month, Dimension.PIPELINE, pipeline.id(), money(10_000, 150_000), pipeline.connection()));
                }
                if (chance(0.3)) {
                    String key = multi ? pipeline.connection() + ":" + pipeline.id() : pipeline.id();
                    plan.add(new PlanTarget(month, Dimension.PIPELINE, key, money(10_000, 150_000), null));
                }
            }
            for (Rep rep : reps) {
                if (chance(0.3)) {
                    plan.add(new PlanTarget(month, Dimension.REP, repPlanKey(rep, false), money(5_000, 60_000), rep.connection()));
                }
                if (chance(0.25)) {
                    plan.add(new PlanTarget(month, Dimension.REP, repPlanKey(rep, multi), money(5_000, 60_000), null));
                }
            }
        }
    }

    /** A user id, else (sometimes) an e-mail or a display name in another case; with the connection when ids are ambiguous. */
    private String repPlanKey(Rep rep, boolean ambiguousIds) {
        double roll = rnd.nextDouble();
        if (roll < 0.25 && rep.email() != null) {
            return chance(0.5) ? rep.email().toUpperCase(Locale.ROOT) : rep.email();
        }
        if (roll < 0.45) {
            return chance(0.5) ? rep.name().toLowerCase(Locale.ROOT) : rep.name();
        }
        return ambiguousIds ? rep.connection() + ":" + rep.id() : rep.id();
    }

    private BigDecimal money(int from, int to) {
        return chance(0.5) ? BigDecimal.valueOf(1000L * rnd.nextInt(from / 1000, to / 1000 + 1))
                : BigDecimal.valueOf(rnd.nextLong(from * 100L, to * 100L), 2);
    }

    // ------------------------------------------------------------------ queries

    private void makeQueries() {
        periods.add(Period.month(anchor));
        int quarter = (anchor.getMonthValue() - 1) / 3 + 1;
        periods.add(Period.parse(anchor.getYear() + "-Q" + quarter));
        LocalDate customStart = anchor.atDay(1).plusDays(rnd.nextInt(-25, 25));
        LocalDate customLast = customStart.plusDays(rnd.nextInt(4, 50));
        periods.add(Period.parse(customStart + ".." + customLast));
        for (Period period : periods) {
            Instant start = period.startInstant(zone);
            Instant end = period.endInstant(zone);
            List<Instant> asOfs = new ArrayList<>();
            // inside the period: sometimes exactly a deal's closedAt or createdAt
            Instant inside = randomInstant(start, end);
            if (chance(0.3)) {
                for (Deal d : deals) {
                    Instant candidate = chance(0.5) ? d.closedAt() : d.createdAt();
                    if (candidate != null && !candidate.isBefore(start) && candidate.isBefore(end) && chance(0.2)) {
                        inside = candidate;
                        break;
                    }
                }
            }
            asOfs.add(inside);
            // after it: sometimes exactly its end
            asOfs.add(chance(0.2) ? end : end.plus(randomDuration(Duration.ofMinutes(1), Duration.ofDays(40))));
            // before it (a future period)
            asOfs.add(start.minus(randomDuration(Duration.ofHours(1), Duration.ofDays(30))));
            for (Instant asOf : asOfs) {
                queries.add(new KpiQuery(period, asOf, null));
                for (String connection : connections) {
                    queries.add(new KpiQuery(period, asOf, connection));
                }
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private List<Stage> openStagesSorted(String connection, String pipeline) {
        List<Stage> open = new ArrayList<>();
        for (Stage s : stages) {
            if (s.connection().equals(connection) && s.pipeline().equals(pipeline) && s.semantic() == DealStatus.OPEN) {
                open.add(s);
            }
        }
        open.sort(Comparator.comparing(Stage::sort));
        return open;
    }

    private Stage stage(String connection, String id) {
        for (Stage s : stages) {
            if (s.connection().equals(connection) && s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalStateException("no stage " + id);
    }

    private String randomOwner(List<Rep> ownReps, double noneChance) {
        return chance(noneChance) ? null : ownReps.get(rnd.nextInt(ownReps.size())).id();
    }

    private boolean chance(double p) {
        return rnd.nextDouble() < p;
    }

    private <T> T pick(T[] values) {
        return values[rnd.nextInt(values.length)];
    }

    /** A microsecond-precise instant in [from, to); from when the range is empty. */
    private Instant randomInstant(Instant from, Instant to) {
        long micros = ChronoUnit.MICROS.between(from, to);
        if (micros <= 0) {
            return from;
        }
        return from.plus(rnd.nextLong(micros), ChronoUnit.MICROS);
    }

    private Duration randomDuration(Duration min, Duration max) {
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.EPOCH.plus(max.minus(min)));
        return min.plus(micros <= 0 ? 0 : rnd.nextLong(micros), ChronoUnit.MICROS);
    }

    @Override
    public String toString() {
        return "RandomCrm[seed=" + seed + ", zone=" + zone + ", anchor=" + anchor + ", connections=" + connections
                + ", deals=" + deals.size() + ", activities=" + activities.size() + "]";
    }
}
