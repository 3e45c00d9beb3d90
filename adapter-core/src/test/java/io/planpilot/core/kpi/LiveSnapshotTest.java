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
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A live snapshot kept current change by change computes what a snapshot built from scratch over
 * the same data computes, and a snapshot handed out earlier keeps its own figures.
 */
class LiveSnapshotTest {

    private static final KpiSettings SETTINGS = new KpiSettings("USD", Map.of("EUR", new BigDecimal("1.08")),
            ZoneId.of("Europe/Moscow"), 90, 14, Set.of(LocalDate.of(2026, 11, 4)));
    private static final Instant T = Instant.parse("2026-11-20T12:00:00Z");
    private static final List<KpiQuery> QUERIES = List.of(
            new KpiQuery(Period.parse("2026-11"), T, null),
            new KpiQuery(Period.parse("2026-Q4"), T, "a"),
            new KpiQuery(Period.parse("2026-10-01..2026-11-15"), Instant.parse("2026-11-01T00:00:00Z"), null));

    @RepeatedTest(20)
    void changesAppliedOneByOneGiveTheFiguresOfAFreshBuild(RepetitionInfo repetition) {
        SplittableRandom random = new SplittableRandom(repetition.getCurrentRepetition() * 7919L);
        World world = new World(random);
        LiveSnapshot live = new LiveSnapshot(world.data(), SETTINGS, world.plan);
        KpiSnapshot before = live.current();
        Map<String, Object> figuresBefore = figures(before);

        for (int round = 0; round < 5; round++) {
            live.apply(world.change(random));
            Map<String, Object> fresh = figures(KpiSnapshot.of(world.data(), SETTINGS, world.plan));
            Map<String, Object> kept = figures(live.current());
            for (String key : fresh.keySet()) {
                assertThat(kept.get(key)).as("round %d, %s", round, key).isEqualTo(fresh.get(key));
            }
        }
        assertThat(figures(before)).as("the snapshot handed out first").isEqualTo(figuresBefore);
    }

    @Test
    void aPlanReplacedLiveIsTheOneTheFiguresUse() {
        World world = new World(new SplittableRandom(1));
        LiveSnapshot live = new LiveSnapshot(world.data(), SETTINGS, List.of());
        assertThat(new KpiEngine(live.current()).summary(QUERIES.get(0)).plan()).isNull();

        live.replacePlan(List.of(new PlanTarget(YearMonth.of(2026, 11), Dimension.DEPARTMENT, "", new BigDecimal("3000"), null)));

        assertThat(new KpiEngine(live.current()).summary(QUERIES.get(0)).plan()).isEqualByComparingTo("3000");
    }

    private static Map<String, Object> figures(KpiSnapshot snapshot) {
        KpiEngine engine = new KpiEngine(snapshot);
        Map<String, Object> all = new HashMap<>();
        for (int i = 0; i < QUERIES.size(); i++) {
            KpiQuery query = QUERIES.get(i);
            for (Dimension dimension : Dimension.values()) {
                all.put(i + "/breakdown/" + dimension, engine.breakdown(query, dimension));
                all.put(i + "/capacity/" + dimension, engine.capacity(query, dimension));
            }
            all.put(i + "/reps", engine.reps(query));
            all.put(i + "/quality", engine.dataQuality(query));
            all.put(i + "/funnel", engine.funnel(new KpiQuery(query.period(), query.asOf(), "a"), "p1"));
        }
        return all;
    }

    /** A small CRM that changes a little at a time; {@link #data()} is what a fresh load would read. */
    private static final class World {
        final Map<String, Deal> deals = new HashMap<>();
        final Map<String, Activity> activities = new HashMap<>();
        final Map<String, StageTransition> history = new HashMap<>();
        final List<Rep> reps = new ArrayList<>();
        final List<PlanTarget> plan = List.of(
                new PlanTarget(YearMonth.of(2026, 11), Dimension.DEPARTMENT, "", new BigDecimal("5000"), null),
                new PlanTarget(YearMonth.of(2026, 11), Dimension.REGION, "North", new BigDecimal("2000"), null));
        private int next;

        World(SplittableRandom random) {
            for (String connection : List.of("a", "b")) {
                for (int r = 1; r <= 3; r++) {
                    reps.add(new Rep(connection, "u" + r, "User " + r, "u" + r + "@" + connection, r != 3, null));
                }
            }
            for (int i = 0; i < 30; i++) {
                Deal deal = randomDeal(random, random.nextBoolean() ? "a" : "b", "d" + i);
                deals.put(key(deal.connection(), deal.id()), deal);
                addHistory(random, deal);
                addActivity(random, deal);
            }
        }

        CrmData data() {
            return new CrmData(List.of(new Pipeline("a", "p1", "One"), new Pipeline("b", "p1", "One B")),
                    stages(), reps, List.copyOf(deals.values()), List.copyOf(history.values()),
                    List.copyOf(activities.values()), Map.of(), Map.of("a", Set.of("region"), "b", Set.of("region", "product")));
        }

        CrmChanges change(SplittableRandom random) {
            List<Deal> changedDeals = new ArrayList<>();
            List<CrmChanges.RecordRef> deletedDeals = new ArrayList<>();
            List<StageTransition> newHistory = new ArrayList<>();
            List<CrmChanges.TransitionRef> removedHistory = new ArrayList<>();
            List<Activity> changedActivities = new ArrayList<>();
            List<CrmChanges.RecordRef> deletedActivities = new ArrayList<>();
            List<String> keys = new ArrayList<>(deals.keySet());
            keys.sort(null);
            for (int i = 0; i < 4 && !keys.isEmpty(); i++) {
                Deal old = deals.get(keys.get(random.nextInt(keys.size())));
                if (old == null) {
                    continue; // deleted earlier in this change
                }
                switch (random.nextInt(5)) {
                    case 0 -> { // reworked deal
                        Deal deal = randomDeal(random, old.connection(), old.id());
                        deals.put(key(deal.connection(), deal.id()), deal);
                        changedDeals.add(deal);
                    }
                    case 1 -> { // deleted deal
                        deals.remove(key(old.connection(), old.id()));
                        deletedDeals.add(new CrmChanges.RecordRef(old.connection(), old.id()));
                    }
                    case 2 -> newHistory.addAll(addHistory(random, old));
                    case 3 -> changedActivities.add(addActivity(random, old));
                    default -> {
                        history.values().stream().filter(h -> h.deal().equals(old.id()) && h.connection().equals(old.connection()))
                                .findFirst().ifPresent(h -> {
                                    history.remove(key(h.connection(), h.id()));
                                    removedHistory.add(new CrmChanges.TransitionRef(h.connection(), h.id(), h.deal()));
                                });
                        activities.values().stream().filter(a -> old.id().equals(a.deal()) && a.connection().equals(old.connection()))
                                .findFirst().ifPresent(a -> {
                                    activities.remove(key(a.connection(), a.id()));
                                    deletedActivities.add(new CrmChanges.RecordRef(a.connection(), a.id()));
                                });
                    }
                }
            }
            Deal added = randomDeal(random, "b", "new" + next++);
            deals.put(key(added.connection(), added.id()), added);
            changedDeals.add(added);
            return new CrmChanges(List.of(), changedDeals, deletedDeals, newHistory, removedHistory, changedActivities,
                    deletedActivities);
        }

        private Deal randomDeal(SplittableRandom random, String connection, String id) {
            Instant created = Instant.parse("2026-08-01T00:00:00Z").plusSeconds(random.nextLong(110L * 86_400));
            DealStatus status = DealStatus.values()[random.nextInt(3)];
            Instant closed = status == DealStatus.OPEN ? null : created.plusSeconds(random.nextLong(60L * 86_400));
            String stage = switch (status) {
                case OPEN -> random.nextBoolean() ? "s1" : "s2";
                case WON -> "won";
                case LOST -> "lost";
            };
            BigDecimal amount = random.nextInt(6) == 0 ? null : BigDecimal.valueOf(random.nextInt(1, 5000));
            List<ProductLine> lines = random.nextInt(4) == 0
                    ? List.of(new ProductLine("X", new BigDecimal("2")), new ProductLine("Y", new BigDecimal("1")))
                    : List.of();
            Map<String, String> dimensions = new HashMap<>();
            if (random.nextInt(5) != 0) {
                dimensions.put("region", random.nextBoolean() ? "North" : "South");
            }
            if (random.nextBoolean()) {
                dimensions.put("product", "X");
            }
            return new Deal(connection, id, null, "p1", stage, status, amount, random.nextInt(4) == 0 ? "EUR" : "USD",
                    random.nextInt(7) == 0 ? null : "u" + random.nextInt(1, 4), created, closed,
                    random.nextBoolean() ? null : LocalDate.of(2026, 11, 1 + random.nextInt(28)), dimensions, lines, null,
                    false, closed);
        }

        private List<StageTransition> addHistory(SplittableRandom random, Deal deal) {
            List<StageTransition> added = new ArrayList<>();
            Instant at = deal.createdAt();
            for (String stage : List.of("s1", "s2")) {
                if (random.nextBoolean()) {
                    at = at.plusSeconds(random.nextLong(1, 20L * 86_400));
                    StageTransition transition = new StageTransition(deal.connection(), "h" + next++, deal.id(), stage, at);
                    history.put(key(deal.connection(), transition.id()), transition);
                    added.add(transition);
                }
            }
            return added;
        }

        private Activity addActivity(SplittableRandom random, Deal deal) {
            Instant created = deal.createdAt().plusSeconds(random.nextLong(1, 40L * 86_400));
            ActivityType type = ActivityType.values()[random.nextInt(ActivityType.values().length)];
            Instant completed = random.nextBoolean() ? created.plusSeconds(random.nextLong(1, 5L * 86_400)) : null;
            Instant due = type == ActivityType.TASK ? created.plusSeconds(3L * 86_400) : null;
            Activity activity = new Activity(deal.connection(), "act" + next++, type, "u" + random.nextInt(1, 4), deal.id(),
                    created, due, completed, false);
            activities.put(key(activity.connection(), activity.id()), activity);
            return activity;
        }

        private static List<Stage> stages() {
            List<Stage> stages = new ArrayList<>();
            for (String connection : List.of("a", "b")) {
                stages.add(new Stage(connection, "p1", "s1", "First", BigDecimal.ONE, DealStatus.OPEN, new BigDecimal("0.2")));
                stages.add(new Stage(connection, "p1", "s2", "Second", BigDecimal.valueOf(2), DealStatus.OPEN, null));
                stages.add(new Stage(connection, "p1", "won", "Won", BigDecimal.TEN, DealStatus.WON, null));
                stages.add(new Stage(connection, "p1", "lost", "Lost", BigDecimal.valueOf(11), DealStatus.LOST, null));
            }
            return stages;
        }

        private static String key(String connection, String id) {
            return connection + "/" + id;
        }
    }
}
