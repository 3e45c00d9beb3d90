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
import io.planpilot.core.kpi.CrmCurrencies;
import io.planpilot.core.kpi.CrmData;
import io.planpilot.core.kpi.DataQuality;
import io.planpilot.core.kpi.Funnel;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiParameterException;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSettings;
import io.planpilot.core.kpi.RepFigures;
import io.planpilot.core.kpi.UnknownKeyException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A test oracle: an independent, deliberately plain and slow reading of {@code shared/KPI.md} and
 * {@code docs/kpi.md}, written without looking at {@code KpiEngine}. One small method per term of
 * the spec; every figure is computed exactly ({@link Rational}) and rounded once to DECIMAL128 on
 * the way out. Nothing is cached across queries; within one query only what is a pure function of
 * the query is memoised.
 */
public final class ReferenceKpis implements Kpis {

    static final String ALL = "(all)";
    static final String NONE = Dimension.NONE;
    static final List<String> FIXED_ISSUES =
            List.of("NO_AMOUNT", "NO_OWNER", "UNKNOWN_CURRENCY", "PAST_EXPECTED_CLOSE", "NO_ACTIVITY");
    static final String MISSING_DIMENSION = "MISSING_DIMENSION:";
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    /**
     * The order of the MISSING_DIMENSION issues: as KPI.md lists the dimensions (region, segment,
     * product), any other name after them alphabetically. docs/kpi.md orders a deal's issues "in the
     * order of the counts", which the counts map itself does not show.
     */
    static final Comparator<String> DIMENSION_ORDER = Comparator
            .comparing((String name) -> Dimension.fromKey(name).map(Enum::ordinal).orElse(Integer.MAX_VALUE))
            .thenComparing(Comparator.naturalOrder());

    private final CrmData data;
    private final KpiSettings settings;
    private final List<PlanTarget> plan;
    /** Every connection that appears anywhere in the data. */
    private final SortedSet<String> connections = new TreeSet<>();
    private final Map<String, Stage> stagesById = new HashMap<>();
    private final Map<String, Pipeline> pipelinesById = new HashMap<>();
    private final Map<String, List<StageTransition>> transitionsByDeal = new HashMap<>();
    private final Map<String, List<Activity>> activitiesByDeal = new HashMap<>();

    public ReferenceKpis(CrmData data, KpiSettings settings, List<PlanTarget> plan) {
        this.data = data;
        this.settings = settings;
        this.plan = List.copyOf(plan);
        data.pipelines().forEach(p -> connections.add(p.connection()));
        data.stages().forEach(s -> connections.add(s.connection()));
        data.reps().forEach(r -> connections.add(r.connection()));
        data.deals().forEach(d -> connections.add(d.connection()));
        data.transitions().forEach(t -> connections.add(t.connection()));
        data.activities().forEach(a -> connections.add(a.connection()));
        data.stages().forEach(s -> stagesById.put(id(s.connection(), s.id()), s));
        data.pipelines().forEach(p -> pipelinesById.put(id(p.connection(), p.id()), p));
        data.transitions().forEach(t ->
                transitionsByDeal.computeIfAbsent(id(t.connection(), t.deal()), k -> new ArrayList<>()).add(t));
        data.activities().stream().filter(a -> a.deal() != null).forEach(a ->
                activitiesByDeal.computeIfAbsent(id(a.connection(), a.deal()), k -> new ArrayList<>()).add(a));
    }

    private static String id(String connection, String id) {
        return connection + "\u0000" + id;
    }

    // ------------------------------------------------------------------ the public API, mirroring KpiEngine

    @Override
    public KpiFigures summary(KpiQuery q) {
        At at = new At(q);
        return at.figures(Dimension.DEPARTMENT, ALL);
    }

    @Override
    public List<BreakdownRow> breakdown(KpiQuery q, Dimension dimension) {
        At at = new At(q);
        List<BreakdownRow> rows = new ArrayList<>();
        for (String key : at.rowKeys(dimension)) {
            rows.add(new BreakdownRow(key, at.rowName(dimension, key), at.figures(dimension, key)));
        }
        return rows;
    }

    /** @param pipelineKey the pipeline key; null for the only pipeline in scope */
    @Override
    public Funnel funnel(KpiQuery q, String pipelineKey) {
        return new At(q).funnel(pipelineKey);
    }

    @Override
    public List<RepFigures> reps(KpiQuery q) {
        return new At(q).reps();
    }

    @Override
    public List<CapacityRow> capacity(KpiQuery q, Dimension dimension) {
        return new At(q).capacity(dimension);
    }

    @Override
    public DataQuality dataQuality(KpiQuery q) {
        return new At(q).dataQuality();
    }

    // ------------------------------------------------------------------ one query

    /** A user of a connection. */
    record RepRef(String connection, String id) {
    }

    /** A window of instants: {@code [from, to)}, or {@code [from, to]} when {@code toIncluded}. */
    record Window(Instant from, Instant to, boolean toIncluded) {
        boolean contains(Instant i) {
            if (i == null || i.isBefore(from)) {
                return false;
            }
            return toIncluded ? !i.isAfter(to) : i.isBefore(to);
        }
    }

    private final class At {
        final KpiQuery q;
        final Instant t;
        /** P as instants: [start 00:00, end 00:00) in the zone. */
        final Window p;
        /** L: the lookback-days local dates ending at the start of P. */
        final Window l;
        final LocalDate lStartDate;
        /** Pipeline and rep keys (and data-quality ids) carry the connection. */
        final boolean prefixed;
        /** Deals that exist at t (created at or before t), not deleted, of the connection(s) asked for. */
        final List<Deal> deals = new ArrayList<>();
        /** Activities that exist at t, not deleted, of the connection(s) asked for. */
        final List<Activity> activities = new ArrayList<>();
        final Map<String, long[]> reachedInL = new HashMap<>();
        final Map<Deal, Map<String, Rational>> shares = new IdentityHashMap<>();

        At(KpiQuery q) {
            this.q = q;
            // a connection without records (configured, never synced) is a scope without deals
            this.t = q.asOf();
            this.p = new Window(q.period().startInstant(settings.zone()), q.period().endInstant(settings.zone()), false);
            this.lStartDate = q.period().start().minusDays(settings.lookbackDays());
            this.l = new Window(lStartDate.atStartOfDay(settings.zone()).toInstant(), p.from(), false);
            this.prefixed = q.connection() == null && connections.size() > 1;
            for (Deal d : data.deals()) {
                if (!d.deleted() && inScope(d.connection()) && !d.createdAt().isAfter(t)) {
                    deals.add(d);
                }
            }
            for (Activity a : data.activities()) {
                if (!a.deleted() && inScope(a.connection()) && !a.createdAt().isAfter(t)) {
                    activities.add(a);
                }
            }
        }

        boolean inScope(String connection) {
            return q.connection() == null || q.connection().equals(connection);
        }

        Set<String> scopeConnections() {
            return q.connection() == null ? connections : Set.of(q.connection());
        }

        // ---------------------------------------------------------- keys

        String scoped(String connection, String id) {
            return prefixed ? connection + ":" + id : id;
        }

        String repKey(RepRef r) {
            return scoped(r.connection(), r.id());
        }

        /** The user a rep row key stands for; null for {@code (none)}. */
        RepRef repOfKey(String key) {
            if (NONE.equals(key)) {
                return null;
            }
            if (prefixed) {
                int colon = key.indexOf(':');
                return colon < 0 ? new RepRef("", key) : new RepRef(key.substring(0, colon), key.substring(colon + 1));
            }
            String connection = q.connection() != null ? q.connection() : connections.first();
            return new RepRef(connection, key);
        }

        Rep rep(RepRef r) {
            for (Rep rep : data.reps()) {
                if (rep.connection().equals(r.connection()) && rep.id().equals(r.id())) {
                    return rep;
                }
            }
            return null;
        }

        String rowName(Dimension dimension, String key) {
            switch (dimension) {
                case DEPARTMENT:
                    return ALL;
                case PIPELINE:
                    for (Pipeline pl : data.pipelines()) {
                        if (inScope(pl.connection()) && scoped(pl.connection(), pl.id()).equals(key)) {
                            return pl.name();
                        }
                    }
                    return key;
                case REP:
                    // a user the CRM does not list (any more) is named by its id, as Rep names a nameless user
                    RepRef r = repOfKey(key);
                    Rep rep = r == null ? null : rep(r);
                    return rep != null ? rep.name() : r != null ? r.id() : key;
                default:
                    return key;
            }
        }

        // ---------------------------------------------------------- time

        boolean atOrBeforeT(Instant i) {
            return i != null && !i.isAfter(t);
        }

        LocalDate localDate(Instant i) {
            return i.atZone(settings.zone()).toLocalDate();
        }

        Rational days(Instant from, Instant to) {
            return Rational.of(ChronoUnit.MICROS.between(from, to), MICROS_PER_DAY);
        }

        // ---------------------------------------------------------- a deal at t

        Stage stage(String connection, String stageId) {
            return stagesById.get(id(connection, stageId));
        }

        List<Stage> openStages(String connection, String pipeline) {
            List<Stage> open = new ArrayList<>();
            for (Stage s : data.stages()) {
                if (s.connection().equals(connection) && s.pipeline().equals(pipeline) && s.semantic() == DealStatus.OPEN) {
                    open.add(s);
                }
            }
            open.sort(Comparator.comparing(Stage::sort));
            return open;
        }

        Stage firstOpenStage(String connection, String pipeline) {
            return openStages(connection, pipeline).get(0);
        }

        /** The semantic of the stage the deal is in now. */
        DealStatus semanticNow(Deal d) {
            Stage s = stage(d.connection(), d.stage());
            return s == null ? d.status() : s.semantic();
        }

        /** WON or LOST when it has a closedAt at or before t, else OPEN. */
        DealStatus statusAt(Deal d) {
            if (d.closedAt() != null && !d.closedAt().isAfter(t)) {
                return semanticNow(d);
            }
            return DealStatus.OPEN;
        }

        boolean closedIn(Deal d, Window w) {
            return statusAt(d).isClosed() && w.contains(d.closedAt());
        }

        boolean wonIn(Deal d, Window w) {
            return statusAt(d) == DealStatus.WON && w.contains(d.closedAt());
        }

        boolean lostIn(Deal d, Window w) {
            return statusAt(d) == DealStatus.LOST && w.contains(d.closedAt());
        }

        boolean createdIn(Deal d, Window w) {
            return w.contains(d.createdAt()) && atOrBeforeT(d.createdAt());
        }

        /** Open at t with an expected close date in P or none: the open set of P. */
        boolean inOpenSet(Deal d) {
            return statusAt(d) == DealStatus.OPEN
                    && (d.expectedClose() == null || q.period().contains(d.expectedClose()));
        }

        /** The deal's history entries at or before t, in order of enteredAt, then id. */
        List<StageTransition> historyAt(Deal d) {
            List<StageTransition> h = new ArrayList<>();
            for (StageTransition e : transitionsByDeal.getOrDefault(id(d.connection(), d.id()), List.of())) {
                if (!e.enteredAt().isAfter(t)) {
                    h.add(e);
                }
            }
            h.sort(Comparator.comparing(StageTransition::enteredAt).thenComparing(StageTransition::id));
            return h;
        }

        /** Its closed stage when closed at t; else the last history entry at or before t; else its open current stage; else the first open stage. */
        Stage stageAt(Deal d) {
            if (statusAt(d).isClosed()) {
                return stage(d.connection(), d.stage());
            }
            List<StageTransition> h = historyAt(d);
            if (!h.isEmpty()) {
                return stage(d.connection(), h.get(h.size() - 1).stage());
            }
            Stage current = stage(d.connection(), d.stage());
            if (current != null && current.semantic() == DealStatus.OPEN) {
                return current;
            }
            return firstOpenStage(d.connection(), d.pipeline());
        }

        // ---------------------------------------------------------- money

        /** The deal's amount in its own currency: its amount, else the sum of its lines; null when neither. */
        Rational nativeAmount(Deal d) {
            if (d.amount() != null) {
                return Rational.of(d.amount());
            }
            if (!d.lines().isEmpty()) {
                Rational sum = Rational.ZERO;
                for (ProductLine line : d.lines()) {
                    sum = sum.add(Rational.of(line.amount()));
                }
                return sum;
            }
            return null;
        }

        /** The CRM's own rate when its base currency is the adapter's, else adapter.currency-rates, else 1 for the base currency. */
        Rational rate(String connection, String currency) {
            CrmCurrencies crm = data.currencies().get(connection);
            if (crm != null && settings.baseCurrency().equals(crm.baseCurrency()) && crm.rates().containsKey(currency)) {
                return Rational.of(crm.rates().get(currency));
            }
            if (settings.currencyRates().containsKey(currency)) {
                return Rational.of(settings.currencyRates().get(currency));
            }
            if (settings.baseCurrency().equals(currency)) {
                return Rational.ONE;
            }
            return null;
        }

        /** The amount in the base currency; null when the deal has no money value. */
        Rational amount(Deal d) {
            Rational amount = nativeAmount(d);
            Rational rate = rate(d.connection(), d.currency());
            return amount == null || rate == null ? null : amount.multiply(rate);
        }

        /** Product -> its share of the deal amount (lines merged by product, scaled; or the one fallback line). */
        Map<String, Rational> lineShares(Deal d) {
            return shares.computeIfAbsent(d, deal -> {
                Map<String, Rational> merged = new TreeMap<>();
                for (ProductLine line : deal.lines()) {
                    merged.merge(line.product(), Rational.of(line.amount()), Rational::add);
                }
                Rational total = Rational.ZERO;
                for (Rational v : merged.values()) {
                    total = total.add(v);
                }
                Map<String, Rational> result = new TreeMap<>();
                if (merged.isEmpty() || total.isZero()) {
                    result.put(dimensionValue(deal, "product"), Rational.ONE);
                    return result;
                }
                for (Map.Entry<String, Rational> e : merged.entrySet()) {
                    result.put(e.getKey(), e.getValue().divide(total));
                }
                return result;
            });
        }

        String dimensionValue(Deal d, String dimension) {
            String value = d.dimensions().get(dimension);
            return value == null || value.isBlank() ? NONE : value;
        }

        // ---------------------------------------------------------- rows

        /** The keys a deal counts under (several for product). */
        List<String> keysOf(Deal d, Dimension dimension) {
            switch (dimension) {
                case DEPARTMENT:
                    return List.of(ALL);
                case REGION:
                    return List.of(dimensionValue(d, "region"));
                case SEGMENT:
                    return List.of(dimensionValue(d, "segment"));
                case PRODUCT:
                    return new ArrayList<>(lineShares(d).keySet());
                case REP:
                    return List.of(d.owner() == null ? NONE : scoped(d.connection(), d.owner()));
                case PIPELINE:
                    return List.of(scoped(d.connection(), d.pipeline()));
                default:
                    throw new IllegalArgumentException(dimension.toString());
            }
        }

        boolean inRow(Deal d, Dimension dimension, String key) {
            return keysOf(d, dimension).contains(key);
        }

        List<Deal> rowDeals(Dimension dimension, String key) {
            List<Deal> row = new ArrayList<>();
            for (Deal d : deals) {
                if (inRow(d, dimension, key)) {
                    row.add(d);
                }
            }
            return row;
        }

        /** The deal's money in a row: the whole amount, or under product the scaled line amount. */
        Rational rowMoney(Deal d, Dimension dimension, String key) {
            Rational amount = amount(d);
            if (amount == null) {
                return null;
            }
            return dimension == Dimension.PRODUCT ? amount.multiply(lineShares(d).get(key)) : amount;
        }

        SortedSet<String> rowKeys(Dimension dimension) {
            SortedSet<String> keys = new TreeSet<>();
            if (dimension == Dimension.DEPARTMENT) {
                keys.add(ALL);
                return keys;
            }
            for (Deal d : deals) {
                if (createdIn(d, p) || closedIn(d, p) || inOpenSet(d)) {
                    keys.addAll(keysOf(d, dimension));
                }
            }
            for (PlanTarget target : plan) {
                if (target.dimension() == dimension && planApplies(target) && daysInside(target.month()) > 0) {
                    keys.add(planKey(target));
                }
            }
            if (dimension == Dimension.REP) {
                for (Rep rep : data.reps()) {
                    if (rep.active() && inScope(rep.connection())) {
                        keys.add(scoped(rep.connection(), rep.id()));
                    }
                }
                for (Activity a : activities) {
                    boolean createdInP = p.contains(a.createdAt());
                    boolean completedInP = atOrBeforeT(a.completedAt()) && p.contains(a.completedAt());
                    if (a.owner() != null && (createdInP || completedInP)) {
                        keys.add(scoped(a.connection(), a.owner()));
                    }
                }
            }
            return keys;
        }

        // ---------------------------------------------------------- plan

        boolean planApplies(PlanTarget target) {
            return q.connection() == null ? target.connection() == null : q.connection().equals(target.connection());
        }

        int daysInside(YearMonth month) {
            LocalDate from = max(month.atDay(1), q.period().start());
            LocalDate to = min(month.plusMonths(1).atDay(1), q.period().end());
            return from.isBefore(to) ? (int) ChronoUnit.DAYS.between(from, to) : 0;
        }

        /** The row key a plan target is for: for rep, a user id, else an e-mail, else a name, resolved to the rep key. */
        String planKey(PlanTarget target) {
            if (target.dimension() == Dimension.DEPARTMENT) {
                return ALL;
            }
            if (target.dimension() != Dimension.REP) {
                return target.key();
            }
            String key = target.key();
            List<Rep> users = new ArrayList<>();
            for (Rep rep : data.reps()) {
                if (inScope(rep.connection())) {
                    users.add(rep);
                }
            }
            List<Rep> byKey = new ArrayList<>();
            List<Rep> byId = new ArrayList<>();
            List<Rep> byEmail = new ArrayList<>();
            List<Rep> byName = new ArrayList<>();
            for (Rep rep : users) {
                if (scoped(rep.connection(), rep.id()).equals(key)) {
                    byKey.add(rep);
                }
                if (rep.id().equals(key)) {
                    byId.add(rep);
                }
                if (rep.email() != null && rep.email().equalsIgnoreCase(key)) {
                    byEmail.add(rep);
                }
                if (rep.name().equalsIgnoreCase(key)) {
                    byName.add(rep);
                }
            }
            for (List<Rep> match : List.of(byKey, byId, byEmail, byName)) {
                if (match.size() == 1) {
                    return scoped(match.get(0).connection(), match.get(0).id());
                }
            }
            return key;
        }

        /** Σ over the months overlapping P of target × days inside / days of the month; null when no month has a row. */
        Rational plan(Dimension dimension, String key) {
            Rational sum = null;
            for (PlanTarget target : plan) {
                if (target.dimension() != dimension || !planApplies(target) || !planKey(target).equals(key)) {
                    continue;
                }
                int inside = daysInside(target.month());
                if (inside == 0) {
                    continue;
                }
                Rational part = Rational.of(target.amount()).multiply(inside).divide(target.month().lengthOfMonth());
                sum = sum == null ? part : sum.add(part);
            }
            return sum;
        }

        // ---------------------------------------------------------- funnel "reached" and p(s)

        /** The open stage that stands in for a deal without (usable) history. */
        Stage standIn(Deal d) {
            if (statusAt(d) == DealStatus.LOST) {
                return firstOpenStage(d.connection(), d.pipeline());
            }
            Stage s = stageAt(d);
            return s.semantic() == DealStatus.OPEN ? s : firstOpenStage(d.connection(), d.pipeline());
        }

        boolean reached(Deal d, Stage s) {
            if (statusAt(d) == DealStatus.WON) {
                return true;
            }
            boolean anyOpenShown = false;
            for (StageTransition e : historyAt(d)) {
                Stage shown = stage(d.connection(), e.stage());
                if (shown != null && shown.semantic() == DealStatus.OPEN && shown.pipeline().equals(s.pipeline())) {
                    anyOpenShown = true;
                    if (shown.sort().compareTo(s.sort()) >= 0) {
                        return true;
                    }
                }
            }
            if (anyOpenShown) {
                return false;
            }
            return standIn(d).sort().compareTo(s.sort()) >= 0;
        }

        /** [deals of the pipeline closed in L that reached s, of them WON]. */
        long[] reachedInL(Stage s) {
            return reachedInL.computeIfAbsent(id(s.connection(), s.id()), k -> {
                long reached = 0;
                long won = 0;
                for (Deal d : data.deals()) {
                    if (d.deleted() || !d.connection().equals(s.connection()) || !d.pipeline().equals(s.pipeline())
                            || d.createdAt().isAfter(t) || !closedIn(d, l)) {
                        continue;
                    }
                    if (reached(d, s)) {
                        reached++;
                        if (statusAt(d) == DealStatus.WON) {
                            won++;
                        }
                    }
                }
                return new long[] {reached, won};
            });
        }

        Rational p(Deal d, Stage s) {
            if (s.semantic() == DealStatus.WON) {
                return Rational.ONE;
            }
            if (s.semantic() == DealStatus.LOST) {
                return Rational.ZERO;
            }
            long[] rw = reachedInL(s);
            if (rw[0] >= 5) {
                return Rational.of(rw[1], rw[0]);
            }
            if (s.probability() != null) {
                return Rational.of(s.probability());
            }
            if (d.crmProbability() != null) {
                return Rational.of(d.crmProbability());
            }
            return Rational.ZERO;
        }

        // ---------------------------------------------------------- figures

        Rational ratio(long a, long b) {
            return b == 0 ? null : Rational.of(a, b);
        }

        Rational sumMoney(List<Deal> list, Dimension dimension, String key) {
            Rational sum = Rational.ZERO;
            for (Deal d : list) {
                Rational money = rowMoney(d, dimension, key);
                if (money != null) {
                    sum = sum.add(money);
                }
            }
            return sum;
        }

        long countMoney(List<Deal> list, Dimension dimension, String key) {
            long n = 0;
            for (Deal d : list) {
                if (rowMoney(d, dimension, key) != null) {
                    n++;
                }
            }
            return n;
        }

        Rational mean(List<Rational> values) {
            if (values.isEmpty()) {
                return null;
            }
            Rational sum = Rational.ZERO;
            for (Rational v : values) {
                sum = sum.add(v);
            }
            return sum.divide(values.size());
        }

        Rational median(List<Rational> values) {
            if (values.isEmpty()) {
                return null;
            }
            List<Rational> sorted = new ArrayList<>(values);
            sorted.sort(Comparator.naturalOrder());
            int n = sorted.size();
            if (n % 2 == 1) {
                return sorted.get(n / 2);
            }
            return sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(2);
        }

        List<Deal> filter(List<Deal> list, java.util.function.Predicate<Deal> predicate) {
            List<Deal> out = new ArrayList<>();
            for (Deal d : list) {
                if (predicate.test(d)) {
                    out.add(d);
                }
            }
            return out;
        }

        List<Rational> cycleDays(List<Deal> won) {
            List<Rational> days = new ArrayList<>();
            for (Deal d : won) {
                days.add(days(d.createdAt(), d.closedAt()));
            }
            return days;
        }

        /** The rates of a row over its deals closed in a window: [winRate, averageDeal, cycleDaysMean, wonCount]. */
        final class Rates {
            final long wonCount;
            final long lostCount;
            final Rational wonAmount;
            final Rational winRate;
            final Rational averageDeal;
            final Rational cycleMean;
            final Rational cycleMedian;

            Rates(List<Deal> row, Dimension dimension, String key, Window w) {
                List<Deal> won = filter(row, d -> wonIn(d, w));
                List<Deal> lost = filter(row, d -> lostIn(d, w));
                wonCount = won.size();
                lostCount = lost.size();
                wonAmount = sumMoney(won, dimension, key);
                winRate = ratio(wonCount, wonCount + lostCount);
                long withMoney = countMoney(won, dimension, key);
                averageDeal = withMoney == 0 ? null : wonAmount.divide(withMoney);
                cycleMean = mean(cycleDays(won));
                cycleMedian = median(cycleDays(won));
            }
        }

        KpiFigures figures(Dimension dimension, String key) {
            List<Deal> row = rowDeals(dimension, key);
            Rates inP = new Rates(row, dimension, key, p);
            Rates inL = new Rates(row, dimension, key, l);
            Rational plan = plan(dimension, key);
            Rational attainment = plan == null || plan.isZero() ? null : inP.wonAmount.divide(plan);
            List<Deal> open = filter(row, this::inOpenSet);
            Rational openAmount = sumMoney(open, dimension, key);
            Rational weighted = weightedPipeline(open, dimension, key);
            Rational forecast = inP.wonAmount.add(weighted);
            Rational coverage = null;
            if (plan != null && plan.subtract(inP.wonAmount).signum() > 0) {
                coverage = openAmount.divide(plan.subtract(inP.wonAmount));
            }
            Rational velocity = null;
            if (inL.winRate != null && inL.averageDeal != null && inL.cycleMean != null && !inL.cycleMean.isZero()) {
                velocity = Rational.of(open.size()).multiply(inL.winRate).multiply(inL.averageDeal).divide(inL.cycleMean);
            }
            return new KpiFigures(bd(inP.wonAmount), inP.wonCount, inP.lostCount, bd(inP.winRate), bd(inP.averageDeal),
                    bd(inP.cycleMean), bd(inP.cycleMedian), bd(plan), bd(attainment), open.size(), bd(openAmount),
                    bd(weighted), bd(forecast), bd(coverage), bd(velocity));
        }

        Rational weightedPipeline(List<Deal> open, Dimension dimension, String key) {
            Rational sum = Rational.ZERO;
            for (Deal d : open) {
                Rational money = rowMoney(d, dimension, key);
                if (money != null) {
                    sum = sum.add(money.multiply(p(d, stageAt(d))));
                }
            }
            return sum;
        }

        // ---------------------------------------------------------- funnel

        Funnel funnel(String pipelineKey) {
            List<Pipeline> inScope = new ArrayList<>();
            for (Pipeline pl : data.pipelines()) {
                if (inScope(pl.connection())) {
                    inScope.add(pl);
                }
            }
            Pipeline pipeline = null;
            if (pipelineKey == null) {
                if (inScope.size() != 1) {
                    throw new KpiParameterException("pipeline", "required: there are " + inScope.size() + " pipelines");
                }
                pipeline = inScope.get(0);
            } else {
                for (Pipeline pl : inScope) {
                    if (scoped(pl.connection(), pl.id()).equals(pipelineKey)) {
                        pipeline = pl;
                    }
                }
                if (pipeline == null) {
                    throw new UnknownKeyException("pipeline", pipelineKey);
                }
            }
            String connection = pipeline.connection();
            String pipelineId = pipeline.id();
            List<Deal> cohort = filter(deals,
                    d -> d.connection().equals(connection) && d.pipeline().equals(pipelineId) && createdIn(d, p));
            List<Stage> stages = openStages(connection, pipelineId);
            long[] reached = new long[stages.size()];
            for (int i = 0; i < stages.size(); i++) {
                for (Deal d : cohort) {
                    if (reached(d, stages.get(i))) {
                        reached[i]++;
                    }
                }
            }
            long won = filter(cohort, d -> statusAt(d) == DealStatus.WON).size();
            List<Funnel.Step> steps = new ArrayList<>();
            for (int i = 0; i < stages.size(); i++) {
                long next = i + 1 < stages.size() ? reached[i + 1] : won;
                Rational conversion = ratio(next, reached[i]);
                List<Rational> times = new ArrayList<>();
                for (Deal d : cohort) {
                    Rational time = finishedTimeIn(d, stages.get(i));
                    if (time != null) {
                        times.add(time);
                    }
                }
                steps.add(new Funnel.Step(stages.get(i).id(), stages.get(i).name(), reached[i], bd(conversion),
                        bd(median(times))));
            }
            Rational funnelWinRate = stages.isEmpty() ? null : ratio(won, reached[0]);
            return new Funnel(scoped(connection, pipelineId), steps, won, bd(funnelWinRate));
        }

        /** One stay in a stage: [from, to); to is null while it is still going at t. */
        record Visit(String stage, Instant from, Instant to) {
        }

        List<Visit> visits(Deal d) {
            List<StageTransition> h = historyAt(d);
            Stage first = firstOpenStage(d.connection(), d.pipeline());
            List<String> stagesEntered = new ArrayList<>();
            List<Instant> entered = new ArrayList<>();
            boolean hasFirst = false;
            for (StageTransition e : h) {
                if (e.stage().equals(first.id())) {
                    hasFirst = true;
                }
            }
            if (!hasFirst) {
                stagesEntered.add(first.id());
                entered.add(d.createdAt());
            }
            for (StageTransition e : h) {
                stagesEntered.add(e.stage());
                entered.add(e.enteredAt());
            }
            Instant lastEnd = null;
            if (statusAt(d).isClosed() && (h.isEmpty() || !h.get(h.size() - 1).stage().equals(d.stage()))) {
                lastEnd = d.closedAt();
            }
            List<Visit> visits = new ArrayList<>();
            for (int i = 0; i < stagesEntered.size(); i++) {
                Instant to = i + 1 < stagesEntered.size() ? entered.get(i + 1) : lastEnd;
                visits.add(new Visit(stagesEntered.get(i), entered.get(i), to));
            }
            return visits;
        }

        /** The deal's total time in s over its finished visits, in days; null when it has none. */
        Rational finishedTimeIn(Deal d, Stage s) {
            Rational total = null;
            for (Visit v : visits(d)) {
                if (v.stage().equals(s.id()) && v.to() != null) {
                    Rational time = days(v.from(), v.to());
                    total = total == null ? time : total.add(time);
                }
            }
            return total;
        }

        // ---------------------------------------------------------- reps

        boolean ownedBy(Deal d, RepRef r) {
            return r != null && d.connection().equals(r.connection()) && r.id().equals(d.owner());
        }

        boolean ownedBy(Activity a, RepRef r) {
            return r != null && a.connection().equals(r.connection()) && r.id().equals(a.owner());
        }

        boolean completedIn(Activity a, Window w) {
            return atOrBeforeT(a.completedAt()) && w.contains(a.completedAt());
        }

        List<Activity> activitiesOf(Deal d) {
            List<Activity> list = new ArrayList<>();
            for (Activity a : activitiesByDeal.getOrDefault(id(d.connection(), d.id()), List.of())) {
                if (!a.deleted() && !a.createdAt().isAfter(t)) {
                    list.add(a);
                }
            }
            return list;
        }

        /** The latest created or completed instant at or before t of the deal's activities; its createdAt without one. */
        Instant lastActivity(Deal d) {
            Instant last = null;
            for (Activity a : activitiesOf(d)) {
                for (Instant i : new Instant[] {a.createdAt(), a.completedAt()}) {
                    if (atOrBeforeT(i) && (last == null || i.isAfter(last))) {
                        last = i;
                    }
                }
            }
            return last == null ? d.createdAt() : last;
        }

        boolean stale(Deal d) {
            return statusAt(d) == DealStatus.OPEN
                    && lastActivity(d).isBefore(t.minus(Duration.ofDays(settings.staleDays())));
        }

        List<RepFigures> reps() {
            List<RepFigures> rows = new ArrayList<>();
            for (String key : rowKeys(Dimension.REP)) {
                if (NONE.equals(key)) {
                    continue;
                }
                RepRef r = repOfKey(key);
                KpiFigures f = figures(Dimension.REP, key);
                Map<ActivityType, Long> done = new EnumMap<>(ActivityType.class);
                for (ActivityType type : ActivityType.values()) {
                    done.put(type, 0L);
                }
                long tasksDue = 0;
                long tasksOnTime = 0;
                long overdue = 0;
                for (Activity a : activities) {
                    if (!ownedBy(a, r)) {
                        continue;
                    }
                    if (completedIn(a, p)) {
                        done.merge(a.type(), 1L, Long::sum);
                    }
                    if (a.type() == ActivityType.TASK && a.dueAt() != null && p.contains(a.dueAt()) && a.dueAt().isBefore(t)) {
                        tasksDue++;
                        if (a.completedAt() != null && !a.completedAt().isAfter(a.dueAt())) {
                            tasksOnTime++;
                        }
                    }
                    boolean doneAtT = atOrBeforeT(a.completedAt());
                    if (a.type() == ActivityType.TASK && !doneAtT && a.dueAt() != null && a.dueAt().isBefore(t)) {
                        overdue++;
                    }
                }
                long doneTotal = 0;
                for (long n : done.values()) {
                    doneTotal += n;
                }
                long staleDeals = 0;
                for (Deal d : deals) {
                    if (ownedBy(d, r) && stale(d)) {
                        staleDeals++;
                    }
                }
                rows.add(new RepFigures(key, rowName(Dimension.REP, key), f.wonAmount(), f.wonCount(), f.winRate(), done,
                        bd(ratio(doneTotal, f.wonCount())), bd(ratio(tasksOnTime, tasksDue)), overdue, staleDeals));
            }
            return rows;
        }

        // ---------------------------------------------------------- capacity

        List<Activity> rowActivities(Dimension dimension, String key, List<Deal> row) {
            if (dimension == Dimension.DEPARTMENT) {
                return new ArrayList<>(activities);
            }
            if (dimension == Dimension.REP) {
                RepRef r = repOfKey(key);
                List<Activity> own = new ArrayList<>();
                for (Activity a : activities) {
                    if (ownedBy(a, r)) {
                        own.add(a);
                    }
                }
                return own;
            }
            List<Activity> linked = new ArrayList<>();
            for (Deal d : row) {
                linked.addAll(activitiesOf(d));
            }
            return linked;
        }

        Set<RepRef> rowReps(Dimension dimension, String key, List<Deal> row) {
            Set<RepRef> reps = new java.util.HashSet<>();
            if (dimension == Dimension.REP) {
                RepRef r = repOfKey(key);
                if (r != null) {
                    reps.add(r);
                }
                return reps;
            }
            for (Deal d : row) {
                if (d.owner() != null) {
                    reps.add(new RepRef(d.connection(), d.owner()));
                }
            }
            return reps;
        }

        /** Owns one of the row's deals created or closed in w, or completed one of the row's activities in w. */
        boolean working(RepRef r, List<Deal> row, List<Activity> rowActivities, Window w) {
            for (Deal d : row) {
                if (ownedBy(d, r) && (createdIn(d, w) || closedIn(d, w))) {
                    return true;
                }
            }
            for (Activity a : rowActivities) {
                if (ownedBy(a, r) && completedIn(a, w)) {
                    return true;
                }
            }
            return false;
        }

        List<CapacityRow> capacity(Dimension dimension) {
            List<CapacityRow> rows = new ArrayList<>();
            if (dimension == Dimension.DEPARTMENT) {
                rows.add(capacityRow(dimension, ALL));
                return rows;
            }
            for (String key : rowKeys(dimension)) {
                if (plan(dimension, key) != null) {
                    rows.add(capacityRow(dimension, key));
                }
            }
            return rows;
        }

        CapacityRow capacityRow(Dimension dimension, String key) {
            List<Deal> row = rowDeals(dimension, key);
            Rates inP = new Rates(row, dimension, key, p);
            Rates inL = new Rates(row, dimension, key, l);
            Rational plan = plan(dimension, key);
            Rational wonAmount = inP.wonAmount;
            Rational averageDealL = inL.averageDeal;
            Rational winRateL = inL.winRate;

            List<Activity> rowActivities = rowActivities(dimension, key, row);
            long doneInL = 0;
            for (Activity a : rowActivities) {
                if (completedIn(a, l)) {
                    doneInL++;
                }
            }
            Rational activitiesPerWonL = ratio(doneInL, inL.wonCount);

            Set<RepRef> reps = rowReps(dimension, key, row);
            Set<RepRef> workingInL = new java.util.HashSet<>();
            for (RepRef r : reps) {
                if (working(r, row, rowActivities, l)) {
                    workingInL.add(r);
                }
            }
            long doneInLByWorking = 0;
            for (Activity a : rowActivities) {
                if (completedIn(a, l) && a.owner() != null && workingInL.contains(new RepRef(a.connection(), a.owner()))) {
                    doneInLByWorking++;
                }
            }
            int workingDaysOfL = settings.workingDays(lStartDate, q.period().start());
            Rational activitiesPerRepDayL = ratio(doneInLByWorking, (long) workingInL.size() * workingDaysOfL);

            Rational remaining = plan == null ? null : plan.subtract(wonAmount).max(Rational.ZERO);
            Long winsNeeded;
            if (remaining == null) {
                winsNeeded = null;
            } else if (remaining.isZero()) {
                winsNeeded = 0L;
            } else if (averageDealL == null || averageDealL.isZero()) {
                winsNeeded = null;
            } else {
                winsNeeded = remaining.divide(averageDealL).ceil();
            }
            Rational expectedWins = Rational.ZERO;
            for (Deal d : row) {
                if (inOpenSet(d)) {
                    expectedWins = expectedWins.add(p(d, stageAt(d)));
                }
            }
            Long opportunitiesNeeded = null;
            if (winsNeeded != null && winRateL != null && !winRateL.isZero()) {
                opportunitiesNeeded = Rational.of(winsNeeded).subtract(expectedWins).max(Rational.ZERO).divide(winRateL).ceil();
            }
            Rational activitiesNeeded = winsNeeded == null || activitiesPerWonL == null
                    ? null : Rational.of(winsNeeded).multiply(activitiesPerWonL);

            LocalDate from = max(localDate(t), q.period().start());
            int workingDaysLeft = from.isBefore(q.period().end()) ? settings.workingDays(from, q.period().end()) : 0;
            Window last30 = new Window(t.minus(Duration.ofDays(30)), t, true);
            int repsActive = 0;
            for (RepRef r : reps) {
                if (working(r, row, rowActivities, last30)) {
                    repsActive++;
                }
            }
            Rational activitiesAvailable = activitiesPerRepDayL == null
                    ? null : Rational.of(repsActive).multiply(activitiesPerRepDayL).multiply(workingDaysLeft);
            Long repsNeeded = null;
            if (activitiesNeeded != null && activitiesPerRepDayL != null && !activitiesPerRepDayL.isZero() && workingDaysLeft != 0) {
                repsNeeded = activitiesNeeded.divide(activitiesPerRepDayL.multiply(workingDaysLeft)).ceil();
            }
            Long gapReps = repsNeeded == null ? null : Math.max(repsNeeded - repsActive, 0L);
            Rational achievable = null;
            if (activitiesAvailable != null && activitiesPerWonL != null && !activitiesPerWonL.isZero()
                    && winsNeeded != null && averageDealL != null) {
                achievable = wonAmount.add(activitiesAvailable.divide(activitiesPerWonL).min(Rational.of(winsNeeded))
                        .multiply(averageDealL));
            }
            CapacityRow.Verdict verdict = gapReps == null ? null
                    : gapReps == 0 ? CapacityRow.Verdict.ON_TRACK : CapacityRow.Verdict.EXPAND_OR_LOWER_PLAN;

            List<String> reason = new ArrayList<>();
            if (plan == null) {
                reason.add("plan");
            }
            // docs/kpi.md: "each input that is null, or is 0 where it divides" (averageDealL divides winsNeeded),
            // listed even when remaining = 0 spares the division
            if (averageDealL == null || averageDealL.isZero()) {
                reason.add("averageDealL");
            }
            if (winRateL == null || winRateL.isZero()) {
                reason.add("winRateL");
            }
            if (activitiesPerWonL == null || activitiesPerWonL.isZero()) {
                reason.add("activitiesPerWonL");
            }
            if (activitiesPerRepDayL == null || activitiesPerRepDayL.isZero()) {
                reason.add("activitiesPerRepDayL");
            }
            if (workingDaysLeft == 0) {
                reason.add("workingDaysLeft");
            }
            return new CapacityRow(key, rowName(dimension, key), bd(plan), bd(wonAmount), bd(averageDealL), bd(winRateL),
                    bd(activitiesPerWonL), bd(activitiesPerRepDayL), bd(remaining), winsNeeded, bd(expectedWins),
                    opportunitiesNeeded, bd(activitiesNeeded), workingDaysLeft, repsActive, bd(activitiesAvailable),
                    repsNeeded, gapReps, bd(achievable), verdict, reason);
        }

        // ---------------------------------------------------------- data quality

        DataQuality dataQuality() {
            SortedSet<String> mapped = new TreeSet<>(DIMENSION_ORDER);
            for (String connection : scopeConnections()) {
                mapped.addAll(data.mappedDimensions().getOrDefault(connection, Set.of()));
            }
            List<String> names = new ArrayList<>(FIXED_ISSUES);
            for (String dimension : mapped) {
                names.add(MISSING_DIMENSION + dimension);
            }
            Map<String, Long> counts = zeros(names);
            Map<String, Map<String, Long>> byRep = new TreeMap<>();
            List<DataQuality.Item> items = new ArrayList<>();
            // docs/kpi.md: items sorted by deal id (as shown), each deal's issues in the order of the counts
            List<Deal> sorted = new ArrayList<>(deals);
            sorted.sort(Comparator.comparing((Deal d) -> scoped(d.connection(), d.id())));
            for (Deal d : sorted) {
                DealStatus status = statusAt(d);
                boolean open = status == DealStatus.OPEN;
                if (!open && !closedIn(d, p)) {
                    continue;
                }
                String rep = d.owner() == null ? NONE : scoped(d.connection(), d.owner());
                Map<String, Long> repCounts = byRep.computeIfAbsent(rep, k -> zeros(names));
                for (String issue : issues(d, status)) {
                    items.add(new DataQuality.Item(scoped(d.connection(), d.id()), rep, issue));
                    counts.merge(issue, 1L, Long::sum);
                    repCounts.merge(issue, 1L, Long::sum);
                }
            }
            return new DataQuality(counts, byRep, items);
        }

        List<String> issues(Deal d, DealStatus status) {
            List<String> issues = new ArrayList<>();
            Rational amount = nativeAmount(d);
            if (status != DealStatus.LOST && (amount == null || amount.isZero())) {
                issues.add("NO_AMOUNT");
            }
            if (d.owner() == null) {
                issues.add("NO_OWNER");
            }
            if (rate(d.connection(), d.currency()) == null) {
                issues.add("UNKNOWN_CURRENCY");
            }
            boolean open = status == DealStatus.OPEN;
            if (open && d.expectedClose() != null && d.expectedClose().isBefore(localDate(t))) {
                issues.add("PAST_EXPECTED_CLOSE");
            }
            if (open && stale(d)) {
                issues.add("NO_ACTIVITY");
            }
            SortedSet<String> mapped = new TreeSet<>(DIMENSION_ORDER);
            mapped.addAll(data.mappedDimensions().getOrDefault(d.connection(), Set.of()));
            for (String dimension : mapped) {
                if (NONE.equals(dimensionValue(d, dimension))) {
                    issues.add(MISSING_DIMENSION + dimension);
                }
            }
            return issues;
        }

        Map<String, Long> zeros(List<String> names) {
            Map<String, Long> map = new LinkedHashMap<>();
            for (String name : names) {
                map.put(name, 0L);
            }
            return map;
        }
    }

    // ------------------------------------------------------------------ small helpers

    static BigDecimal bd(Rational r) {
        return Rational.toBigDecimal(r);
    }

    static LocalDate max(LocalDate a, LocalDate b) {
        return a.isAfter(b) ? a : b;
    }

    static LocalDate min(LocalDate a, LocalDate b) {
        return a.isBefore(b) ? a : b;
    }

    /** For the tests: the connections of the data, sorted. */
    public SortedSet<String> connections() {
        return new TreeSet<>(connections);
    }

    @Override
    public String toString() {
        return "ReferenceKpis" + Objects.toString(connections);
    }
}
