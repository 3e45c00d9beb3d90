package io.planpilot.core.kpi;

import io.planpilot.core.domain.Activity;
import io.planpilot.core.domain.Deal;
import io.planpilot.core.domain.DealStatus;
import io.planpilot.core.domain.Pipeline;
import io.planpilot.core.domain.PlanTarget;
import io.planpilot.core.domain.ProductLine;
import io.planpilot.core.domain.Rep;
import io.planpilot.core.domain.Stage;
import io.planpilot.core.domain.StageTransition;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds snapshots and keeps them current. One writer per live snapshot, used from one thread at a
 * time: it appends new deal and activity rows and marks replaced ones dead at the new version, so
 * that snapshots already handed out stay as they were.
 */
final class SnapshotWriter {

    private final KpiSettings settings;
    private final Map<String, CrmCurrencies> currencies;
    private final Map<String, Set<String>> mappedDimensions;
    private final Catalog catalog = new Catalog();
    private List<PlanTarget> plan;
    private DealColumns deals;
    private ActivityColumns activities;
    private int version;

    /** Deal numbers are stable across versions; rows are not. */
    private final RecordKeys dealNos;
    private int dealNoCount;
    private int[] rowOfDealNo = new int[16];
    /** Each deal number's pipeline (its history names stages of it), -1 before the deal is seen. */
    private int[] pipelineOfDealNo = new int[16];
    /** Each deal number's stage history (the rows share these arrays), sorted by time then id. */
    private int[][] historyStages = new int[16][];
    private long[][] historyTimes = new long[16][];
    private String[][] historyIds = new String[16][];
    private String[][] historyStageIds = new String[16][];
    private long[][] historyEntryTimes = new long[16][];
    /** Each deal number's live activity rows. */
    private int[][] activityRowsOfDealNo = new int[16][];
    private int[] activityCountOfDealNo = new int[16];
    private final RecordKeys activityRows;
    /** Stage ids repeat in every history entry: one string each. */
    private final Map<String, String> stageIds = new HashMap<>();

    SnapshotWriter(CrmData data, KpiSettings settings, List<PlanTarget> plan) {
        this.settings = settings;
        this.currencies = data.currencies();
        this.mappedDimensions = data.mappedDimensions();
        this.plan = List.copyOf(plan);
        this.dealNos = new RecordKeys(data.deals().size());
        this.activityRows = new RecordKeys(data.activities().size());
        // room for a quarter more: the first changes append without copying every column
        this.deals = new DealColumns(data.deals().size() + data.deals().size() / 4);
        this.activities = new ActivityColumns(data.activities().size() + data.activities().size() / 4);
        buildCatalog(data);
        data.reps().forEach(this::putRep);
        for (Deal deal : data.deals()) {
            int no = dealNo(deal.connection(), deal.id());
            pipelineOfDealNo[no] = pipelineOf(catalog.connection(deal.connection()), deal.pipeline());
        }
        loadHistory(data.transitions());
        for (Activity activity : data.activities()) {
            if (!activity.deleted()) {
                appendActivity(activity);
            }
        }
        for (Deal deal : data.deals()) {
            if (!deal.deleted()) {
                appendDeal(deal);
            }
        }
    }

    KpiSnapshot snapshot() {
        return new KpiSnapshot(settings, catalog, new PlanBook(plan, catalog), mappedDimensions, deals, deals.size,
                activities, activities.size, version, Arrays.copyOf(rowOfDealNo, dealNoCount));
    }

    void replacePlan(List<PlanTarget> targets) {
        this.plan = List.copyOf(targets);
    }

    /** Applies changes as a new version; the snapshots handed out before are not affected. */
    void apply(CrmChanges changes) {
        version++;
        changes.reps().forEach(this::putRep);
        Set<Integer> touched = new LinkedHashSet<>();
        for (Activity activity : changes.activities()) {
            removeActivity(activity.connection(), activity.id(), touched);
            if (!activity.deleted()) {
                int row = appendActivity(activity);
                if (activities.dealNo[row] >= 0) {
                    touched.add(activities.dealNo[row]);
                }
            }
        }
        for (CrmChanges.RecordRef activity : changes.deletedActivities()) {
            removeActivity(activity.connection(), activity.id(), touched);
        }
        Map<Integer, List<StageTransition>> added = new LinkedHashMap<>();
        for (StageTransition transition : changes.transitions()) {
            added.computeIfAbsent(dealNo(transition.connection(), transition.deal()), no -> new ArrayList<>()).add(transition);
        }
        Map<Integer, Set<String>> removed = new LinkedHashMap<>();
        for (CrmChanges.TransitionRef transition : changes.removedTransitions()) {
            removed.computeIfAbsent(dealNo(transition.connection(), transition.deal()), no -> new HashSet<>()).add(transition.id());
        }
        Set<Integer> historyChanged = new LinkedHashSet<>(added.keySet());
        historyChanged.addAll(removed.keySet());
        for (int no : historyChanged) {
            rewriteHistory(no, added.getOrDefault(no, List.of()), removed.getOrDefault(no, Set.of()));
            touched.add(no);
        }
        Set<Integer> replaced = new HashSet<>();
        for (Deal deal : changes.deals()) {
            int no = dealNo(deal.connection(), deal.id());
            killRow(no);
            if (!deal.deleted()) {
                appendDeal(deal);
            }
            replaced.add(no);
        }
        for (CrmChanges.RecordRef deal : changes.deletedDeals()) {
            int no = dealNo(deal.connection(), deal.id());
            killRow(no);
            replaced.add(no);
        }
        for (int no : touched) {
            int row = rowOfDealNo[no];
            if (!replaced.contains(no) && row >= 0) {
                deals.died[row] = version;
                appendCopy(no, row);
            }
        }
    }

    private void removeActivity(String connection, String id, Set<Integer> touched) {
        int old = activityRows.remove(RecordKeys.of(connection, id));
        if (old < 0) {
            return;
        }
        activities.died[old] = version;
        int dealNo = activities.dealNo[old];
        if (dealNo >= 0) {
            removeActivityOfDeal(dealNo, old);
            touched.add(dealNo);
        }
    }

    // ---- catalog

    private void buildCatalog(CrmData data) {
        Map<String, List<Stage>> stagesByPipeline = new LinkedHashMap<>();
        Map<String, Pipeline> pipelines = new LinkedHashMap<>();
        for (Pipeline pipeline : data.pipelines()) {
            pipelines.put(key(pipeline.connection(), pipeline.id()), pipeline);
        }
        for (Stage stage : data.stages()) {
            stagesByPipeline.computeIfAbsent(key(stage.connection(), stage.pipeline()), k -> new ArrayList<>()).add(stage);
            pipelines.putIfAbsent(key(stage.connection(), stage.pipeline()), new Pipeline(stage.connection(), stage.pipeline(), null));
        }
        for (Pipeline pipeline : pipelines.values()) {
            List<Stage> stages = new ArrayList<>(stagesByPipeline.getOrDefault(key(pipeline.connection(), pipeline.id()), List.of()));
            stages.sort(Comparator.comparing(Stage::sort).thenComparing(Stage::id));
            List<Stage> open = stages.stream().filter(s -> s.semantic() == DealStatus.OPEN).toList();
            int connection = catalog.connection(pipeline.connection());
            int pipelineNo = catalog.pipelines.size();
            int[] openStages = new int[open.size()];
            int firstStageNo = catalog.stages.size();
            int rank = 0;
            for (Stage stage : stages) {
                int openRank = stage.semantic() == DealStatus.OPEN ? rank++ : -1;
                catalog.addStage(new Catalog.StageInfo(connection, pipelineNo, stage.id(), stage.name(), stage.sort(),
                        stage.semantic(), stage.probability(), openRank));
            }
            for (int i = 0, o = 0; i < stages.size(); i++) {
                if (stages.get(i).semantic() == DealStatus.OPEN) {
                    openStages[o++] = firstStageNo + i;
                }
            }
            catalog.addPipeline(new Catalog.PipelineInfo(connection, pipeline.id(), pipeline.name(), openStages));
        }
    }

    private int pipelineOf(int connection, String id) {
        int pipeline = catalog.pipeline(connection, id);
        return pipeline >= 0 ? pipeline : catalog.addPipeline(new Catalog.PipelineInfo(connection, id, id, new int[0]));
    }

    private void putRep(Rep rep) {
        int connection = catalog.connection(rep.connection());
        Catalog.RepInfo info = new Catalog.RepInfo(connection, rep.id(), rep.name(), rep.email(), rep.active());
        int existing = catalog.rep(connection, rep.id());
        if (existing >= 0) {
            catalog.reps.set(existing, info);
        } else {
            catalog.addRep(info);
        }
    }

    // ---- deals

    private int dealNo(String connection, String id) {
        long key = RecordKeys.of(connection, id);
        int known = dealNos.get(key);
        if (known >= 0) {
            return known;
        }
        int no = dealNoCount++;
        dealNos.put(key, no);
        {
            if (no == rowOfDealNo.length) {
                int capacity = no * 2;
                rowOfDealNo = Arrays.copyOf(rowOfDealNo, capacity);
                pipelineOfDealNo = Arrays.copyOf(pipelineOfDealNo, capacity);
                historyStages = Arrays.copyOf(historyStages, capacity);
                historyTimes = Arrays.copyOf(historyTimes, capacity);
                historyIds = Arrays.copyOf(historyIds, capacity);
                historyStageIds = Arrays.copyOf(historyStageIds, capacity);
                historyEntryTimes = Arrays.copyOf(historyEntryTimes, capacity);
                activityRowsOfDealNo = Arrays.copyOf(activityRowsOfDealNo, capacity);
                activityCountOfDealNo = Arrays.copyOf(activityCountOfDealNo, capacity);
            }
            rowOfDealNo[no] = -1;
            pipelineOfDealNo[no] = -1;
        }
        return no;
    }

    private void killRow(int no) {
        int row = rowOfDealNo[no];
        if (row >= 0) {
            deals.died[row] = version;
            rowOfDealNo[no] = -1;
        }
    }

    private int newDealRow() {
        if (deals.size == deals.capacity()) {
            deals = deals.grownTo(deals.capacity() * 2);
        }
        return deals.size++;
    }

    private void appendDeal(Deal deal) {
        int no = dealNo(deal.connection(), deal.id());
        int row = newDealRow();
        DealColumns d = deals;
        int connection = catalog.connection(deal.connection());
        int pipeline = pipelineOf(connection, deal.pipeline());
        if (pipelineOfDealNo[no] != pipeline) {
            pipelineOfDealNo[no] = pipeline;
            rewriteHistory(no, List.of(), Set.of()); // stage ids are resolved within the deal's pipeline
        }
        d.id[row] = deal.id();
        d.dealNo[row] = no;
        d.connection[row] = connection;
        d.pipeline[row] = pipeline;
        d.stage[row] = catalog.stage(pipeline, deal.stage());
        d.owner[row] = deal.owner() == null || deal.owner().isEmpty() ? -1 : catalog.repOrUnknown(connection, deal.owner());
        d.region[row] = catalog.regions.of(deal.dimensions().get("region"));
        d.segment[row] = catalog.segments.of(deal.dimensions().get("segment"));
        d.productField[row] = catalog.products.of(deal.dimensions().get("product"));
        d.status[row] = switch (deal.status()) {
            case OPEN -> DealColumns.OPEN;
            case WON -> DealColumns.WON;
            case LOST -> DealColumns.LOST;
        };
        d.created[row] = Micros.of(deal.createdAt());
        d.closed[row] = deal.status() == DealStatus.OPEN ? Micros.NONE : Micros.of(closedAt(deal));
        d.expectedClose[row] = deal.expectedClose() == null ? DealColumns.NO_DATE : (int) deal.expectedClose().toEpochDay();
        d.crmProbability[row] = deal.crmProbability();
        setMoney(d, row, deal);
        setHistory(d, row, no);
        d.activityInstants[row] = activityInstants(no);
        d.died[row] = DealColumns.ALIVE;
        rowOfDealNo[no] = row;
    }

    /** A closed deal without a close time is taken as closed when last updated, else when created. */
    private static java.time.Instant closedAt(Deal deal) {
        if (deal.closedAt() != null) {
            return deal.closedAt();
        }
        return deal.updatedAt() != null ? deal.updatedAt() : deal.createdAt();
    }

    private void appendCopy(int no, int from) {
        int row = newDealRow();
        DealColumns d = deals;
        d.id[row] = d.id[from];
        d.dealNo[row] = no;
        d.connection[row] = d.connection[from];
        d.pipeline[row] = d.pipeline[from];
        d.stage[row] = d.stage[from];
        d.owner[row] = d.owner[from];
        d.region[row] = d.region[from];
        d.segment[row] = d.segment[from];
        d.productField[row] = d.productField[from];
        d.status[row] = d.status[from];
        d.created[row] = d.created[from];
        d.closed[row] = d.closed[from];
        d.expectedClose[row] = d.expectedClose[from];
        d.amount[row] = d.amount[from];
        d.amountUnits[row] = d.amountUnits[from];
        d.noAmount[row] = d.noAmount[from];
        d.unknownCurrency[row] = d.unknownCurrency[from];
        d.crmProbability[row] = d.crmProbability[from];
        d.lineProducts[row] = d.lineProducts[from];
        d.lineAmounts[row] = d.lineAmounts[from];
        setHistory(d, row, no);
        d.activityInstants[row] = activityInstants(no);
        d.died[row] = DealColumns.ALIVE;
        rowOfDealNo[no] = row;
    }

    /** The deal's history, with what most queries need of it precomputed. */
    private void setHistory(DealColumns d, int row, int no) {
        int[] stages = historyStages[no] == null ? new int[0] : historyStages[no];
        long[] times = historyTimes[no] == null ? new long[0] : historyTimes[no];
        d.historyStages[row] = stages;
        d.historyTimes[row] = times;
        d.lastHistory[row] = times.length == 0 ? Micros.NONE : times[times.length - 1];
        int top = -1;
        for (int stage : stages) {
            top = Math.max(top, catalog.stages.get(stage).openRank());
        }
        d.topRank[row] = top;
    }

    /** Amount in the base currency and product lines (KPI.md, "Amount" and "Lines"). */
    private void setMoney(DealColumns d, int row, Deal deal) {
        Map<String, BigDecimal> merged = new LinkedHashMap<>();
        BigDecimal linesTotal = BigDecimal.ZERO;
        for (ProductLine line : deal.lines()) {
            merged.merge(line.product(), line.amount(), BigDecimal::add);
            linesTotal = linesTotal.add(line.amount());
        }
        BigDecimal raw = deal.amount() != null ? deal.amount() : (deal.lines().isEmpty() ? null : linesTotal);
        BigDecimal rate = rate(deal.connection(), deal.currency());
        d.unknownCurrency[row] = rate == null;
        d.noAmount[row] = raw == null || raw.signum() == 0;
        BigDecimal base = raw == null || rate == null ? null : raw.multiply(rate, MathContext.DECIMAL128);
        d.amount[row] = base;
        d.amountUnits[row] = MoneySum.toUnits(base);
        if (merged.isEmpty() || linesTotal.signum() == 0) {
            d.lineProducts[row] = new int[] {catalog.products.of(deal.dimensions().get("product"))};
            d.lineAmounts[row] = new BigDecimal[] {base};
            return;
        }
        int[] products = new int[merged.size()];
        BigDecimal[] amounts = new BigDecimal[merged.size()];
        int i = 0;
        for (Map.Entry<String, BigDecimal> line : merged.entrySet()) {
            products[i] = catalog.products.of(line.getKey());
            amounts[i] = base == null ? null
                    : base.multiply(line.getValue(), MathContext.DECIMAL128).divide(linesTotal, MathContext.DECIMAL128);
            i++;
        }
        d.lineProducts[row] = products;
        d.lineAmounts[row] = amounts;
    }

    /** The CRM's own rate when its base currency is ours, else the configured one (KPI.md, "Amount"). */
    private BigDecimal rate(String connection, String currency) {
        if (settings.baseCurrency().equals(currency)) {
            return BigDecimal.ONE;
        }
        CrmCurrencies crm = currencies.get(connection);
        if (crm != null && settings.baseCurrency().equals(crm.baseCurrency()) && crm.rates().containsKey(currency)) {
            return crm.rates().get(currency);
        }
        return settings.configuredRate(currency);
    }

    // ---- stage history

    private void loadHistory(List<StageTransition> transitions) {
        Map<Integer, List<StageTransition>> byDeal = new HashMap<>();
        for (StageTransition transition : transitions) {
            byDeal.computeIfAbsent(dealNo(transition.connection(), transition.deal()), no -> new ArrayList<>()).add(transition);
        }
        byDeal.forEach((no, list) -> rewriteHistory(no, list, Set.of()));
    }

    /** Replaces a deal's history: its entries, minus the removed ids, plus the upserts, sorted by time then id. */
    private void rewriteHistory(int no, List<StageTransition> upserts, Set<String> removals) {
        Map<String, HistoryEntry> entries = new HashMap<>();
        String[] ids = historyIds[no];
        if (ids != null) {
            for (int i = 0; i < ids.length; i++) {
                entries.put(ids[i], new HistoryEntry(ids[i], historyStageIds[no][i], historyEntryTimes[no][i]));
            }
        }
        removals.forEach(entries::remove);
        for (StageTransition transition : upserts) {
            String stage = stageIds.computeIfAbsent(transition.stage(), s -> s);
            entries.put(transition.id(), new HistoryEntry(transition.id(), stage, Micros.of(transition.enteredAt())));
        }
        List<HistoryEntry> sorted = new ArrayList<>(entries.values());
        sorted.sort(Comparator.comparingLong(HistoryEntry::time).thenComparing(HistoryEntry::id));
        int pipeline = pipelineOfDealNo[no];
        // entries of stages the pipeline does not have are kept for later, but not shown to the engine
        int known = 0;
        int[] stages = new int[sorted.size()];
        long[] times = new long[sorted.size()];
        for (HistoryEntry entry : sorted) {
            int stage = pipeline < 0 ? -1 : catalog.stage(pipeline, entry.stage());
            if (stage >= 0) {
                stages[known] = stage;
                times[known] = entry.time();
                known++;
            }
        }
        historyStages[no] = Arrays.copyOf(stages, known);
        historyTimes[no] = Arrays.copyOf(times, known);
        historyIds[no] = sorted.stream().map(HistoryEntry::id).toArray(String[]::new);
        historyStageIds[no] = sorted.stream().map(HistoryEntry::stage).toArray(String[]::new);
        historyEntryTimes[no] = sorted.stream().mapToLong(HistoryEntry::time).toArray();
    }

    private record HistoryEntry(String id, String stage, long time) {
    }

    // ---- activities

    private int appendActivity(Activity activity) {
        if (activities.size == activities.capacity()) {
            activities = activities.grownTo(activities.capacity() * 2);
        }
        int row = activities.size++;
        ActivityColumns a = activities;
        int connection = catalog.connection(activity.connection());
        a.connection[row] = connection;
        a.owner[row] = activity.owner() == null || activity.owner().isEmpty() ? -1 : catalog.repOrUnknown(connection, activity.owner());
        a.dealNo[row] = activity.deal() == null || activity.deal().isEmpty() ? -1 : dealNo(activity.connection(), activity.deal());
        a.type[row] = (byte) activity.type().ordinal();
        a.created[row] = Micros.of(activity.createdAt());
        a.due[row] = Micros.of(activity.dueAt());
        a.completed[row] = Micros.of(activity.completedAt());
        a.died[row] = DealColumns.ALIVE;
        activityRows.put(RecordKeys.of(activity.connection(), activity.id()), row);
        if (a.dealNo[row] >= 0) {
            addActivityOfDeal(a.dealNo[row], row);
        }
        return row;
    }

    private void addActivityOfDeal(int no, int row) {
        int[] rows = activityRowsOfDealNo[no];
        int count = activityCountOfDealNo[no];
        if (rows == null) {
            rows = new int[4];
        } else if (count == rows.length) {
            rows = Arrays.copyOf(rows, count * 2);
        }
        rows[count] = row;
        activityRowsOfDealNo[no] = rows;
        activityCountOfDealNo[no] = count + 1;
    }

    private void removeActivityOfDeal(int no, int row) {
        int[] rows = activityRowsOfDealNo[no];
        int count = activityCountOfDealNo[no];
        for (int i = 0; i < count; i++) {
            if (rows[i] == row) {
                rows[i] = rows[count - 1];
                activityCountOfDealNo[no] = count - 1;
                return;
            }
        }
    }

    /** Every created and completed instant of the deal's live activities, sorted. */
    private long[] activityInstants(int no) {
        int count = activityCountOfDealNo[no];
        long[] instants = new long[count * 2];
        int n = 0;
        for (int i = 0; i < count; i++) {
            int row = activityRowsOfDealNo[no][i];
            instants[n++] = activities.created[row];
            if (activities.completed[row] != Micros.NONE) {
                instants[n++] = activities.completed[row];
            }
        }
        long[] sorted = Arrays.copyOf(instants, n);
        Arrays.sort(sorted);
        return sorted;
    }

    private static String key(String connection, String id) {
        return connection + "\u0000" + id;
    }
}
