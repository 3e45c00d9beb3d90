package io.planpilot.app.ui;

import io.planpilot.app.action.Action;
import io.planpilot.app.sync.Connections;
import io.planpilot.core.domain.ActivityType;
import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.BreakdownRow;
import io.planpilot.core.kpi.CapacityRow;
import io.planpilot.core.kpi.DataQuality;
import io.planpilot.core.kpi.DealFacts;
import io.planpilot.core.kpi.DealList;
import io.planpilot.core.kpi.Funnel;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;
import io.planpilot.core.kpi.RepFigures;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures each dashboard page shows, from the same {@link KpiEngine} calls as the API (so they
 * are the API's figures), shaped for the templates.
 */
public final class DashboardPages {

    /** Deals a list shows at most; the total and the sum cover them all. */
    static final int LISTED = 500;
    /** Months a rep's sparkline covers, up to the period's own. */
    static final int TREND_MONTHS = 6;
    private final KpiEngine engine;
    private final KpiQuery query;
    private final Connections connections;
    /** The deal page's norm is the stuck-in-stage rule's ({@link io.planpilot.core.rules.StageNorm}). */
    private final io.planpilot.core.rules.RuleSettings.StuckInStage stuckInStage;

    DashboardPages(KpiEngine engine, KpiQuery query, Connections connections,
                   io.planpilot.core.rules.RuleSettings.StuckInStage stuckInStage) {
        this.engine = engine;
        this.query = query;
        this.connections = connections;
        this.stuckInStage = stuckInStage;
    }

    public record Overview(KpiFigures department, Dimension dimension, List<BreakdownRow> rows, ChartSpec chart) {
    }

    Overview overview(Dimension dimension, Messages m, UiContext ctx) {
        KpiFigures department = engine.summary(query);
        List<BreakdownRow> rows = dimension == Dimension.DEPARTMENT ? List.of() : engine.breakdown(query, dimension);
        List<BreakdownRow> shown = rows.isEmpty()
                ? List.of(new BreakdownRow("(all)", m.t("dimension.department"), department)) : rows;
        List<String> categories = shown.stream().map(BreakdownRow::name).toList();
        List<String> wonLinks = shown.stream().map(r -> dealsHref(ctx, DealList.Kind.WON, dimension, r.key())).toList();
        List<String> openLinks = shown.stream().map(r -> dealsHref(ctx, DealList.Kind.OPEN, dimension, r.key())).toList();
        ChartSpec chart = ChartSpec.bars("plan-vs-actual", shown.size() > 8 ? "hbar" : "bar", categories)
                .with(m.t("kpi.plan"), shown.stream().map(r -> r.figures().plan()).toList(), null)
                .with(m.t("kpi.wonAmount"), shown.stream().map(r -> r.figures().wonAmount()).toList(), wonLinks)
                .with(m.t("kpi.forecast"), shown.stream().map(r -> r.figures().forecast()).toList(), openLinks);
        return new Overview(department, dimension, rows, chart);
    }

    public record PipelineFunnel(String key, String name, Funnel funnel, ChartSpec chart) {
    }

    List<PipelineFunnel> funnels(Messages m, UiContext ctx) {
        List<PipelineFunnel> funnels = new ArrayList<>();
        for (BreakdownRow pipeline : engine.breakdown(query, Dimension.PIPELINE)) {
            Funnel funnel = engine.funnel(query, pipeline.key());
            List<String> categories = new ArrayList<>(funnel.stages().stream().map(Funnel.Step::name).toList());
            categories.add(m.t("status.WON"));
            List<Long> reached = new ArrayList<>(funnel.stages().stream().map(Funnel.Step::reached).toList());
            reached.add(funnel.won());
            List<String> links = new ArrayList<>(funnel.stages().stream()
                    .map(s -> dealsHref(ctx, DealList.Kind.REACHED, Dimension.PIPELINE, pipeline.key(), "stage", s.id())).toList());
            links.add(dealsHref(ctx, DealList.Kind.CREATED, Dimension.PIPELINE, pipeline.key(), "status", "WON"));
            ChartSpec chart = ChartSpec.bars("funnel-" + funnels.size(), "hbar", categories)
                    .with(m.t("funnel.reached"), reached, links);
            funnels.add(new PipelineFunnel(pipeline.key(), pipeline.name(), funnel, chart));
        }
        return funnels;
    }

    /** A rep's row with the won amount of each of the last months (oldest first), for the sparkline. */
    public record RepRow(RepFigures figures, long activities, List<BigDecimal> trend, String sparkline) {
    }

    List<RepRow> reps(String sort, boolean descending) {
        List<RepFigures> rows = engine.reps(query);
        YearMonth last = YearMonth.from(query.period().end().minusDays(1));
        List<Map<String, BigDecimal>> months = new ArrayList<>();
        for (int i = TREND_MONTHS - 1; i >= 0; i--) {
            Map<String, BigDecimal> won = new LinkedHashMap<>();
            KpiQuery month = new KpiQuery(Period.month(last.minusMonths(i)), query.asOf(), query.connection());
            engine.reps(month).forEach(r -> won.put(r.key(), r.wonAmount()));
            months.add(won);
        }
        List<RepRow> result = new ArrayList<>();
        for (RepFigures rep : rows) {
            List<BigDecimal> trend = months.stream().map(m -> m.getOrDefault(rep.key(), BigDecimal.ZERO)).toList();
            long activities = rep.activitiesDone().values().stream().mapToLong(Long::longValue).sum();
            result.add(new RepRow(rep, activities, trend, Sparkline.points(trend, 90, 24)));
        }
        Comparator<RepRow> order = RepSort.comparator(sort);
        result.sort(descending ? order.reversed() : order);
        return result;
    }

    List<CapacityRow> capacity(Dimension dimension) {
        return engine.capacity(query, dimension);
    }

    DataQuality dataQuality() {
        return engine.dataQuality(query);
    }

    public record DealLine(DealList.Line deal, String crmUrl) {
    }

    /** The deals behind a figure, the first {@link #LISTED} of them, with their count and their amount. */
    public record Deals(List<DealLine> lines, int total, BigDecimal amount) {
    }

    Deals deals(DealList.Filter filter, String status, java.util.Set<String> onlyKeys) {
        List<DealList.Line> all = engine.deals(query, filter).stream()
                .filter(d -> status == null || d.status().name().equals(status))
                .filter(d -> onlyKeys == null || onlyKeys.contains(d.key()))
                .toList();
        BigDecimal amount = all.stream().map(DealList.Line::amount).filter(java.util.Objects::nonNull)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        List<DealLine> lines = all.stream().limit(LISTED).map(d -> new DealLine(d, crmUrl(d.connection(), d.id()))).toList();
        return new Deals(lines, all.size(), amount);
    }

    /** How long the deal has been in its stage, against the norm of the stage's finished visits in the lookback window. */
    public record StageTiming(String stageName, Instant enteredAt, BigDecimal daysInStage, BigDecimal normDays, int visits,
                              boolean overNorm) {
    }

    /** One deal's page: the deal, its stage timing when it is open, its owner's figures, the actions about it. */
    public record DealPage(DealLine deal, StageTiming timing, RepFigures owner, List<Action> actions) {
    }

    Optional<DealPage> deal(String dealId, List<Action> actions) {
        Optional<DealList.Line> found = engine.deals(query, DealList.Filter.of(DealList.Kind.ANY)).stream()
                .filter(d -> d.id().equals(dealId)).findFirst();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        DealList.Line deal = found.get();
        StageTiming timing = null;
        if (deal.status() == io.planpilot.core.domain.DealStatus.OPEN) {
            DealFacts facts = engine.dealFacts(query);
            Optional<DealFacts.OpenDeal> open = facts.open().stream().filter(d -> d.id().equals(dealId)).findFirst();
            if (open.isPresent()) {
                DealFacts.OpenDeal o = open.get();
                List<BigDecimal> visits = io.planpilot.core.rules.StageNorm.visits(facts, o);
                BigDecimal days = BigDecimal.valueOf(Duration.between(o.stageEnteredAt(), query.asOf()).toMillis())
                        .divide(BigDecimal.valueOf(86_400_000L), MathContext.DECIMAL128);
                io.planpilot.core.rules.StageNorm usual = io.planpilot.core.rules.StageNorm.of(visits, stuckInStage);
                BigDecimal norm = usual == null ? null : usual.days();
                timing = new StageTiming(o.stageName(), o.stageEnteredAt(), days, norm, visits.size(),
                        norm != null && days.compareTo(norm) > 0);
            }
        }
        RepFigures owner = deal.ownerId() == null ? null
                : engine.reps(query).stream().filter(r -> r.key().equals(deal.ownerKey())).findFirst().orElse(null);
        List<Action> about = actions.stream().filter(a -> dealId.equals(a.dealId())).toList();
        return Optional.of(new DealPage(new DealLine(deal, crmUrl(deal.connection(), deal.id())), timing, owner, about));
    }

    private String crmUrl(String connection, String dealId) {
        return connections.find(connection).flatMap(c -> c.connector().dealUrl(dealId)).orElse(null);
    }

    static String dealsHref(UiContext ctx, DealList.Kind kind, Dimension dimension, String key, String... more) {
        List<String> params = new ArrayList<>(List.of("set", kind.name()));
        if (dimension != Dimension.DEPARTMENT && key != null) {
            params.addAll(List.of("dimension", dimension.key(), "key", key));
        }
        params.addAll(List.of(more));
        return ctx.href("/ui/deals", params.toArray(String[]::new));
    }

    /** Activity types in the order the reps' table shows them. */
    static final List<ActivityType> ACTIVITY_TYPES = List.of(ActivityType.values());

}
