package io.planpilot.bench;

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
import io.planpilot.core.kpi.CrmChanges;
import io.planpilot.core.kpi.CrmData;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.KpiSettings;
import io.planpilot.core.kpi.Period;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic sales department of benchmark size: 1,000,000 deals, 5,000,000 activities, 300
 * reps, 3 pipelines, created over the 24 months that end with November 2026. The same seed gives
 * the same data on every run and machine. Records are generated straight into the lists that
 * {@link CrmData} takes, with no intermediate copies.
 *
 * <p>Shape: ~45 % of the deals won, ~30 % lost, ~25 % open (open ones created in the last 9
 * months); 1–4 stage-history entries per deal; regions follow the owner's home region (85 %);
 * ~30 % of the deals carry 1–3 product lines, half of the others a {@code product} field; amounts
 * log-uniform 1,000–250,000 in USD (70 %), EUR (25 %) or GBP (5 %), 2 % without an amount;
 * activities of all five types, 92 % linked to a deal (80 % owned by the deal's owner), tasks and
 * meetings with due times, most done.
 */
public final class BenchData {

    public static final long SEED = 20_261_120L;
    public static final String CONNECTION = "crm";
    public static final int DEALS = Integer.getInteger("bench.deals", 1_000_000);
    public static final int ACTIVITIES = Integer.getInteger("bench.activities", 5_000_000);
    public static final int REPS = 300;

    /** The data ends here: nothing is created, closed or done after it. */
    public static final Instant END = Instant.parse("2026-12-01T00:00:00Z");
    public static final Instant START = Instant.parse("2024-12-01T00:00:00Z");
    public static final Instant AS_OF = Instant.parse("2026-11-20T12:00:00Z");
    public static final Period PERIOD = Period.parse("2026-11");
    public static final KpiQuery QUERY = new KpiQuery(PERIOD, AS_OF, null);

    public static final String[] PIPELINES = {"p1", "p2", "p3"};
    static final String[] PIPELINE_NAMES = {"New business", "Upsell", "Renewal"};
    static final double[] PIPELINE_SHARE = {0.45, 0.35, 0.20};
    static final int OPEN_STAGES = 5;
    static final BigDecimal[] STAGE_PROBABILITY = {
            new BigDecimal("0.10"), new BigDecimal("0.25"), new BigDecimal("0.40"), new BigDecimal("0.60"), new BigDecimal("0.80")};
    static final String[] STAGE_NAMES = {"Qualification", "Discovery", "Proposal", "Negotiation", "Contract"};

    public static final String[] REGIONS = {
            "North America East", "North America West", "LATAM", "UK & Ireland", "DACH", "France", "Benelux",
            "Nordics", "Southern Europe", "Middle East", "India", "APAC"};
    static final double[] REGION_WEIGHT = {14, 12, 6, 10, 11, 8, 5, 6, 7, 5, 6, 10};
    static final String[] SEGMENTS = {"Enterprise", "Mid-Market", "SMB", "Public Sector", "Education", "Startup"};
    static final double[] SEGMENT_WEIGHT = {15, 30, 35, 8, 5, 7};
    static final int PRODUCTS = 40;
    static final String[] CURRENCIES = {"USD", "EUR", "GBP"};
    static final double[] CURRENCY_WEIGHT = {70, 25, 5};
    static final Map<String, BigDecimal> RATES = Map.of("EUR", new BigDecimal("1.08"), "GBP", new BigDecimal("1.27"));

    static final long SECOND = 1L;
    static final long HOUR = 3_600L;
    static final long DAY = 86_400L;

    public final CrmData data;
    public final KpiSettings settings;
    public final List<PlanTarget> plan;

    // per deal facts the activities and the change batches are generated from (indices = deal number)
    private final long[] dealCreated;
    private final long[] dealEnd;
    private final int[] dealOwner;
    private final int[] firstActivity;

    private BenchData(CrmData data, KpiSettings settings, List<PlanTarget> plan, long[] dealCreated, long[] dealEnd,
                      int[] dealOwner, int[] firstActivity) {
        this.data = data;
        this.settings = settings;
        this.plan = plan;
        this.dealCreated = dealCreated;
        this.dealEnd = dealEnd;
        this.dealOwner = dealOwner;
        this.firstActivity = firstActivity;
    }

    public static KpiSettings settings() {
        Set<LocalDate> holidays = Set.of(LocalDate.parse("2025-12-25"), LocalDate.parse("2026-01-01"),
                LocalDate.parse("2026-05-25"), LocalDate.parse("2026-07-03"), LocalDate.parse("2026-09-07"),
                LocalDate.parse("2026-11-26"), LocalDate.parse("2026-12-25"));
        return new KpiSettings("USD", RATES, ZoneId.of("UTC"), 180, 14, holidays);
    }

    public static BenchData generate() {
        return generate(DEALS, ACTIVITIES);
    }

    public static BenchData generate(int dealCount, int activityCount) {
        SplittableRandom random = new SplittableRandom(SEED);
        List<Pipeline> pipelines = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        for (int p = 0; p < PIPELINES.length; p++) {
            pipelines.add(new Pipeline(CONNECTION, PIPELINES[p], PIPELINE_NAMES[p]));
            for (int s = 0; s < OPEN_STAGES; s++) {
                stages.add(new Stage(CONNECTION, PIPELINES[p], stageId(p, s), STAGE_NAMES[s], BigDecimal.valueOf(10L * (s + 1)),
                        DealStatus.OPEN, STAGE_PROBABILITY[s]));
            }
            stages.add(new Stage(CONNECTION, PIPELINES[p], PIPELINES[p] + "-won", "Won", BigDecimal.valueOf(100),
                    DealStatus.WON, BigDecimal.ONE));
            stages.add(new Stage(CONNECTION, PIPELINES[p], PIPELINES[p] + "-lost", "Lost", BigDecimal.valueOf(110),
                    DealStatus.LOST, BigDecimal.ZERO));
        }

        List<Rep> reps = new ArrayList<>(REPS);
        int[] repRegion = new int[REPS];
        for (int r = 0; r < REPS; r++) {
            repRegion[r] = pick(random, REGION_WEIGHT);
            // a few reps left the company: inactive in the CRM, their old deals remain
            reps.add(new Rep(CONNECTION, repId(r), "Rep " + r, "rep" + r + "@example.com", random.nextDouble() >= 0.05,
                    "team-" + (r % 20)));
        }
        String[] products = new String[PRODUCTS];
        for (int i = 0; i < PRODUCTS; i++) {
            products[i] = String.format("Product %02d", i + 1);
        }

        long start = START.getEpochSecond();
        long end = END.getEpochSecond();
        long recentStart = end - 270 * DAY;
        long[] dealCreated = new long[dealCount];
        long[] dealEnd = new long[dealCount];
        int[] dealOwner = new int[dealCount];
        List<Deal> deals = new ArrayList<>(dealCount);
        List<StageTransition> transitions = new ArrayList<>(dealCount * 5 / 2);
        for (int i = 0; i < dealCount; i++) {
            double statusDraw = random.nextDouble();
            DealStatus status = statusDraw < 0.45 ? DealStatus.WON : statusDraw < 0.75 ? DealStatus.LOST : DealStatus.OPEN;
            long created = status == DealStatus.OPEN ? between(random, recentStart, end) : between(random, start, end);
            long closed = -1;
            if (status != DealStatus.OPEN) {
                // cycle 2..180 days, skewed short; a close that would fall after the end falls before it
                long cycle = 2 * DAY + (long) (178 * DAY * Math.pow(random.nextDouble(), 1.6));
                closed = created + cycle < end ? created + cycle : between(random, created + 1, end);
            }
            int pipeline = pick(random, PIPELINE_SHARE);
            int owner = random.nextDouble() < 0.01 ? -1 : random.nextInt(REPS);
            dealCreated[i] = created;
            dealEnd[i] = status == DealStatus.OPEN ? end : closed;
            dealOwner[i] = owner;

            Map<String, String> dimensions = new HashMap<>(4);
            if (random.nextDouble() >= 0.02) {
                int region = owner >= 0 && random.nextDouble() < 0.85 ? repRegion[owner] : pick(random, REGION_WEIGHT);
                dimensions.put("region", REGIONS[region]);
            }
            if (random.nextDouble() >= 0.03) {
                dimensions.put("segment", SEGMENTS[pick(random, SEGMENT_WEIGHT)]);
            }
            String currency = CURRENCIES[pick(random, CURRENCY_WEIGHT)];
            List<ProductLine> lines = List.of();
            BigDecimal amount;
            if (random.nextDouble() < 0.30) {
                int count = 1 + random.nextInt(3);
                ProductLine[] array = new ProductLine[count];
                BigDecimal sum = BigDecimal.ZERO;
                for (int l = 0; l < count; l++) {
                    array[l] = new ProductLine(products[product(random)], money(random, 500, 120_000));
                    sum = sum.add(array[l].amount());
                }
                lines = List.of(array);
                // most such deals carry the total, some no amount (the lines' sum stands in), a few a discount
                double draw = random.nextDouble();
                amount = draw < 0.70 ? sum : draw < 0.85 ? null : sum.multiply(new BigDecimal("0.90")).setScale(2, java.math.RoundingMode.HALF_UP);
            } else {
                if (random.nextBoolean()) {
                    dimensions.put("product", products[product(random)]);
                }
                amount = random.nextDouble() < 0.02 ? null : money(random, 1_000, 250_000);
            }

            String pipelineId = PIPELINES[pipeline];
            String dealId = dealId(i);
            int entries = 1 + random.nextInt(4);
            String stage;
            if (status == DealStatus.OPEN) {
                int[] ranks = ranks(random, entries);
                long[] times = times(random, created, end, entries);
                for (int e = 0; e < entries; e++) {
                    transitions.add(new StageTransition(CONNECTION, transitionId(i, e), dealId, stageId(pipeline, ranks[e]),
                            Instant.ofEpochSecond(times[e])));
                }
                stage = stageId(pipeline, ranks[entries - 1]);
            } else {
                stage = pipelineId + (status == DealStatus.WON ? "-won" : "-lost");
                int open = entries - 1;
                if (open > 0) {
                    int[] ranks = ranks(random, open);
                    long[] times = times(random, created, closed, open);
                    for (int e = 0; e < open; e++) {
                        transitions.add(new StageTransition(CONNECTION, transitionId(i, e), dealId, stageId(pipeline, ranks[e]),
                                Instant.ofEpochSecond(times[e])));
                    }
                }
                transitions.add(new StageTransition(CONNECTION, transitionId(i, open), dealId, stage, Instant.ofEpochSecond(closed)));
            }
            LocalDate expectedClose = null;
            if (random.nextDouble() >= 0.04) {
                long base = status == DealStatus.OPEN ? created + (30 + random.nextInt(210)) * DAY : closed + (random.nextInt(41) - 20) * DAY;
                expectedClose = LocalDate.ofEpochDay(Math.floorDiv(base, DAY));
            }
            Instant createdAt = Instant.ofEpochSecond(created);
            Instant closedAt = closed < 0 ? null : Instant.ofEpochSecond(closed);
            deals.add(new Deal(CONNECTION, dealId, null, pipelineId, stage, status, amount, currency,
                    owner < 0 ? null : repId(owner), createdAt, closedAt, expectedClose, dimensions, lines, null, false,
                    closedAt != null ? closedAt : createdAt));
        }

        ActivityType[] types = ActivityType.values();
        double[] typeWeight = {30, 15, 30, 20, 5}; // CALL, MEETING, EMAIL, TASK, OTHER
        int[] firstActivity = new int[dealCount];
        Arrays.fill(firstActivity, -1);
        List<Activity> activities = new ArrayList<>(activityCount);
        for (int a = 0; a < activityCount; a++) {
            int deal = random.nextDouble() < 0.92 ? random.nextInt(dealCount) : -1;
            int owner;
            long created;
            if (deal >= 0) {
                owner = dealOwner[deal] >= 0 && random.nextDouble() < 0.80 ? dealOwner[deal] : random.nextInt(REPS);
                long span = Math.min(dealEnd[deal] - dealCreated[deal], 200 * DAY);
                created = dealCreated[deal] + (long) (random.nextDouble() * span);
                if (firstActivity[deal] < 0) {
                    firstActivity[deal] = a;
                }
            } else {
                owner = random.nextInt(REPS);
                created = between(random, start, end);
            }
            ActivityType type = types[pick(random, typeWeight)];
            long due = -1;
            long completed = -1;
            switch (type) {
                case TASK -> {
                    due = created + (1 + random.nextInt(14)) * DAY;
                    if (random.nextDouble() < 0.80) {
                        completed = created + (long) (random.nextDouble() * 20 * DAY);
                    }
                }
                case MEETING -> {
                    due = created + random.nextInt(8) * DAY + random.nextInt(9) * HOUR;
                    if (random.nextDouble() < 0.90) {
                        completed = due + HOUR;
                    }
                }
                default -> {
                    if (random.nextDouble() < 0.95) {
                        completed = created + random.nextInt(2 * 3600) * SECOND;
                    }
                }
            }
            if (completed >= end) {
                completed = -1;
            }
            activities.add(new Activity(CONNECTION, activityId(a), type, repId(owner), deal < 0 ? null : dealId(deal),
                    Instant.ofEpochSecond(created), due < 0 ? null : Instant.ofEpochSecond(due),
                    completed < 0 ? null : Instant.ofEpochSecond(completed), false));
        }

        CrmData data = new CrmData(pipelines, stages, reps, deals, transitions, activities, Map.of(),
                Map.of(CONNECTION, Set.of("region", "segment", "product")));
        return new BenchData(data, settings(), plan(repRegion), dealCreated, dealEnd, dealOwner, firstActivity);
    }

    /**
     * Monthly targets from December 2024 to June 2027: the department, each region (by its weight),
     * and each rep. Set a little above what the data wins in a month (~24,500 won deals of ~46,000 in 2026-11), so that
     * the rows have a remaining plan to staff.
     */
    static List<PlanTarget> plan(int[] repRegion) {
        List<PlanTarget> plan = new ArrayList<>();
        double totalWeight = Arrays.stream(REGION_WEIGHT).sum();
        SplittableRandom random = new SplittableRandom(SEED + 1);
        for (YearMonth month = YearMonth.of(2024, 12); !month.isAfter(YearMonth.of(2027, 6)); month = month.plusMonths(1)) {
            long department = 1_200_000_000L + 10_000_000L * (month.getYear() * 12L + month.getMonthValue() - (2024 * 12L + 12));
            plan.add(new PlanTarget(month, Dimension.DEPARTMENT, "", BigDecimal.valueOf(department), null));
            for (int r = 0; r < REGIONS.length; r++) {
                long target = Math.round(department * REGION_WEIGHT[r] / totalWeight * (0.9 + 0.3 * random.nextDouble()));
                plan.add(new PlanTarget(month, Dimension.REGION, REGIONS[r], BigDecimal.valueOf(target), null));
            }
            for (int r = 0; r < REPS; r++) {
                long target = Math.round(department / (double) REPS * (0.8 + 0.4 * random.nextDouble()));
                plan.add(new PlanTarget(month, Dimension.REP, repId(r), BigDecimal.valueOf(target), null));
            }
        }
        return plan;
    }

    /**
     * {@code count} batches of changes, each with {@code dealsPerBatch} distinct changed deals (new
     * amounts; open deals moved a stage on, or closed, with a history entry), about one new activity
     * for every second changed deal and one completed activity for every third. Each batch is what
     * a sync of a busy hour would store.
     */
    public List<CrmChanges> changeBatches(int count, int dealsPerBatch) {
        SplittableRandom random = new SplittableRandom(SEED + 2);
        List<Deal> deals = data.deals();
        List<Activity> activities = data.activities();
        long changeTime = AS_OF.getEpochSecond() - 6 * HOUR;
        List<CrmChanges> batches = new ArrayList<>(count);
        for (int b = 0; b < count; b++) {
            List<Deal> changed = new ArrayList<>(dealsPerBatch);
            List<StageTransition> transitions = new ArrayList<>();
            List<Activity> changedActivities = new ArrayList<>();
            java.util.BitSet picked = new java.util.BitSet(deals.size());
            while (changed.size() < dealsPerBatch) {
                int i = random.nextInt(deals.size());
                if (picked.get(i)) {
                    continue;
                }
                picked.set(i);
                Deal d = deals.get(i);
                long at = changeTime + random.nextInt((int) (5 * HOUR));
                Instant when = Instant.ofEpochSecond(at);
                BigDecimal amount = d.amount() == null ? money(random, 1_000, 250_000)
                        : d.amount().multiply(BigDecimal.valueOf(80 + random.nextInt(41))).movePointLeft(2);
                String stage = d.stage();
                DealStatus status = d.status();
                Instant closedAt = d.closedAt();
                if (d.status() == DealStatus.OPEN && dealCreated[i] < at) {
                    int pipeline = Arrays.asList(PIPELINES).indexOf(d.pipeline());
                    int rank = Integer.parseInt(stage.substring(stage.length() - 1)) - 1;
                    double draw = random.nextDouble();
                    if (draw < 0.15) {
                        status = random.nextBoolean() ? DealStatus.WON : DealStatus.LOST;
                        stage = d.pipeline() + (status == DealStatus.WON ? "-won" : "-lost");
                        closedAt = when;
                    } else if (draw < 0.55 && rank + 1 < OPEN_STAGES) {
                        stage = stageId(pipeline, rank + 1);
                    }
                    if (!stage.equals(d.stage())) {
                        transitions.add(new StageTransition(CONNECTION, "u" + b + "-" + i, d.id(), stage, when));
                    }
                }
                changed.add(new Deal(d.connection(), d.id(), d.title(), d.pipeline(), stage, status, amount, d.currency(),
                        d.owner(), d.createdAt(), closedAt, d.expectedClose(), d.dimensions(), d.lines(), d.crmProbability(),
                        false, when));
                if (random.nextBoolean()) {
                    ActivityType type = random.nextBoolean() ? ActivityType.CALL : ActivityType.EMAIL;
                    changedActivities.add(new Activity(CONNECTION, "u" + b + "-" + i, type,
                            dealOwner[i] >= 0 ? repId(dealOwner[i]) : repId(random.nextInt(REPS)), d.id(), when, null, when, false));
                }
                if (random.nextInt(3) == 0 && firstActivity[i] >= 0) {
                    Activity old = activities.get(firstActivity[i]);
                    changedActivities.add(new Activity(old.connection(), old.id(), old.type(), old.owner(), old.deal(),
                            old.createdAt(), old.dueAt(), old.completedAt() != null ? old.completedAt() : when, false));
                }
            }
            batches.add(new CrmChanges(List.of(), changed, List.of(), transitions, List.of(), changedActivities, List.of()));
        }
        return batches;
    }

    static String stageId(int pipeline, int rank) {
        return PIPELINES[pipeline] + "-s" + (rank + 1);
    }

    public static String repId(int rep) {
        return "u" + (1000 + rep);
    }

    static String dealId(int deal) {
        return "D" + deal;
    }

    static String activityId(int activity) {
        return "A" + activity;
    }

    static String transitionId(int deal, int entry) {
        return "T" + deal + "-" + entry;
    }

    /** {@code n} increasing open-stage ranks, from the first stage, with an occasional skipped stage. */
    private static int[] ranks(SplittableRandom random, int n) {
        int[] ranks = new int[n];
        int rank = 0;
        for (int e = 0; e < n; e++) {
            ranks[e] = Math.min(rank, OPEN_STAGES - 1);
            rank += random.nextDouble() < 0.15 ? 2 : 1;
        }
        // a skip past the last stage leaves duplicates: make them strictly increasing again from the end
        for (int e = n - 2; e >= 0; e--) {
            if (ranks[e] >= ranks[e + 1]) {
                ranks[e] = ranks[e + 1] - 1;
            }
        }
        return ranks;
    }

    /** {@code n} increasing instants in {@code [from, to)}, the first at {@code from}. */
    private static long[] times(SplittableRandom random, long from, long to, int n) {
        long[] times = new long[n];
        times[0] = from;
        for (int e = 1; e < n; e++) {
            times[e] = between(random, from + 1, Math.max(to, from + 2));
        }
        Arrays.sort(times);
        return times;
    }

    private static long between(SplittableRandom random, long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }

    /** Log-uniform in [min, max), to the cent. */
    private static BigDecimal money(SplittableRandom random, double min, double max) {
        double value = min * Math.exp(random.nextDouble() * Math.log(max / min));
        return BigDecimal.valueOf(Math.round(value * 100), 2);
    }

    /** A product, the first ones more often (a few best sellers, a long tail). */
    private static int product(SplittableRandom random) {
        double u = random.nextDouble();
        return (int) (u * u * PRODUCTS);
    }

    private static int pick(SplittableRandom random, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double draw = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            draw -= weights[i];
            if (draw < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
