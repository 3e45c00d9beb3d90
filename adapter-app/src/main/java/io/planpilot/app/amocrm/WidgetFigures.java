package io.planpilot.app.amocrm;

import io.planpilot.app.action.Action;
import io.planpilot.app.action.ActionOutbox;
import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.kpi.KpiSnapshots;
import io.planpilot.app.security.SignedLinks;
import io.planpilot.core.kpi.DealFacts;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiFigures;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;
import io.planpilot.core.rules.RuleSettings;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the widget shows, from the same KPI engine as the dashboard (this month in
 * {@code adapter.time-zone}, the connection alone): for a lead, its stage and time there against the
 * stage's norm, its owner's figures and the rules' actions about it; for the department, plan, won,
 * forecast and attainment. Each answer carries a signed dashboard link, valid for {@link #LINK_TTL}.
 */
@Component
class WidgetFigures {

    static final Duration LINK_TTL = Duration.ofMinutes(10);
    /** The rules' actions about a lead that are shown, newest first. */
    static final int ACTIONS_SHOWN = 10;

    private static final BigDecimal DAY_MILLIS = BigDecimal.valueOf(86_400_000L);

    private final KpiSnapshots snapshots;
    private final ActionOutbox outbox;
    private final SignedLinks links;
    private final AdapterConfig config;
    private final Clock clock;

    WidgetFigures(KpiSnapshots snapshots, ActionOutbox outbox, SignedLinks links, AdapterConfig config, Clock clock) {
        this.snapshots = snapshots;
        this.outbox = outbox;
        this.links = links;
        this.config = config;
        this.clock = clock;
    }

    /** @param base the adapter's base address for links */
    Mono<Map<String, Object>> lead(String connection, String leadId, String base) {
        Mono<List<Map<String, Object>>> actions = outbox.list(null, connection, null)
                .filter(action -> leadId.equals(action.dealId()))
                .take(ACTIONS_SHOWN)
                .map(WidgetFigures::action)
                .collectList();
        return Mono.fromCallable(() -> {
                    KpiQuery query = query(connection);
                    KpiEngine engine = new KpiEngine(snapshots.current());
                    Map<String, Object> answer = header(query);
                    DealFacts facts = engine.dealFacts(query);
                    Map<String, Object> lead = new LinkedHashMap<>();
                    lead.put("id", leadId);
                    String owner = describe(lead, facts, leadId, query.asOf());
                    answer.put("lead", lead);
                    answer.put("owner", owner == null ? null : engine.reps(query).stream()
                            .filter(rep -> rep.key().equals(owner)).findFirst().orElse(null));
                    answer.put("link", base + "/ui/deals/" + connection + "/" + leadId + "?t="
                            + links.issue("deal:" + connection + ":" + leadId, LINK_TTL));
                    return answer;
                })
                .subscribeOn(Schedulers.parallel())
                .zipWith(actions, (answer, shown) -> {
                    answer.put("actions", shown);
                    return answer;
                });
    }

    Mono<Map<String, Object>> department(String connection, String base) {
        return Mono.fromCallable(() -> {
            KpiQuery query = query(connection);
            KpiFigures f = new KpiEngine(snapshots.current()).summary(query);
            Map<String, Object> answer = header(query);
            Map<String, Object> department = new LinkedHashMap<>();
            department.put("plan", f.plan());
            department.put("wonAmount", f.wonAmount());
            department.put("wonCount", f.wonCount());
            department.put("forecast", f.forecast());
            department.put("attainment", f.attainment());
            department.put("openCount", f.openCount());
            department.put("openAmount", f.openAmount());
            answer.put("department", department);
            answer.put("link", base + "/ui?t=" + links.issue("connection:" + connection, LINK_TTL));
            return answer;
        }).subscribeOn(Schedulers.parallel());
    }

    /**
     * Fills in the lead: {@code state} OPEN (with its stage against the norm), WON (won in the lookback
     * window), or CLOSED_OR_UNKNOWN (lost, deleted, won long ago, or not synced yet).
     *
     * @return the owner's rep key; null when there is none to show
     */
    private String describe(Map<String, Object> lead, DealFacts facts, String leadId, Instant asOf) {
        Optional<DealFacts.OpenDeal> open = facts.open().stream().filter(deal -> deal.id().equals(leadId)).findFirst();
        if (open.isPresent()) {
            DealFacts.OpenDeal deal = open.get();
            RuleSettings.StuckInStage stuck = config.rules().settings().stuckInStage();
            io.planpilot.core.rules.StageNorm norm = io.planpilot.core.rules.StageNorm.of(facts, deal, stuck);
            BigDecimal days = BigDecimal.valueOf(Duration.between(deal.stageEnteredAt(), asOf).toMillis())
                    .divide(DAY_MILLIS, 1, RoundingMode.HALF_UP);
            lead.put("state", "OPEN");
            lead.put("amount", deal.amount());
            lead.put("pipelineId", deal.pipelineId());
            lead.put("stage", Map.of("id", deal.stageId(), "name", deal.stageName() == null ? deal.stageId() : deal.stageName()));
            lead.put("stageEnteredAt", instant(deal.stageEnteredAt()));
            lead.put("daysInStage", days);
            lead.put("stageNorm", norm);
            lead.put("overNorm", norm == null ? null : days.compareTo(norm.days()) > 0);
            lead.put("lastActivity", instant(deal.lastActivity()));
            lead.put("stale", deal.stale());
            lead.put("expectedClose", deal.expectedClose() == null ? null : deal.expectedClose().toString());
            lead.put("ownerName", deal.ownerName());
            return deal.ownerId() == null ? null : deal.ownerKey();
        }
        Optional<DealFacts.ClosedDeal> won = Stream.concat(facts.wonInPeriod().stream(), facts.wonInLookback().stream())
                .filter(deal -> deal.id().equals(leadId)).findFirst();
        if (won.isPresent()) {
            lead.put("state", "WON");
            lead.put("amount", won.get().amount());
            lead.put("closedAt", instant(won.get().closedAt()));
            lead.put("ownerName", won.get().ownerName());
            return won.get().ownerId() == null ? null : won.get().ownerKey();
        }
        lead.put("state", "CLOSED_OR_UNKNOWN");
        return null;
    }

    private KpiQuery query(String connection) {
        Instant now = clock.instant();
        return new KpiQuery(Period.monthOf(now, config.timeZone()), now, connection);
    }

    private Map<String, Object> header(KpiQuery query) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connection", query.connection());
        answer.put("period", query.period().label());
        answer.put("asOf", instant(query.asOf()));
        answer.put("currency", config.baseCurrency());
        return answer;
    }

    private static Map<String, Object> action(Action action) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", action.id());
        json.put("rule", action.rule());
        json.put("kind", action.kind().name());
        json.put("status", action.status().name());
        json.put("title", action.title());
        json.put("deadline", instant(action.deadline()));
        json.put("createdAt", instant(action.createdAt()));
        json.put("sentAt", instant(action.sentAt()));
        return json;
    }

    private static String instant(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.atOffset(ZoneOffset.UTC));
    }
}
