package io.planpilot.app.placement;

import io.planpilot.app.config.AdapterConfig;
import io.planpilot.app.kpi.KpiSnapshots;
import io.planpilot.core.kpi.DealFacts;
import io.planpilot.core.kpi.KpiEngine;
import io.planpilot.core.kpi.KpiQuery;
import io.planpilot.core.kpi.Period;
import io.planpilot.core.kpi.RepFigures;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One open deal's figures for a CRM card: its stage and days in it against the usual time there (the
 * stuck-in-stage rule's percentile of the stage's finished visits in the lookback window), its owner's
 * figures this month, and the actions the adapter proposed about it.
 */
@Component
public class DealCard {

    private final KpiSnapshots snapshots;
    private final AdapterConfig config;
    private final DatabaseClient db;
    private final Clock clock;

    public DealCard(KpiSnapshots snapshots, AdapterConfig config, DatabaseClient db, Clock clock) {
        this.snapshots = snapshots;
        this.config = config;
        this.db = db;
        this.clock = clock;
    }

    /**
     * @param norm        days most visits to this stage took at most (percentile {@code normPercentile}); null
     *                    when the stage has fewer than the rule's minimum of finished visits
     * @param normVisits  how many finished visits the norm is taken from
     */
    public record Stage(String id, String name, BigDecimal daysInStage, BigDecimal norm, int normPercentile,
                        int normVisits, boolean overNorm, Instant enteredAt) {
    }

    /** The owner's figures for the month so far (null figures are undefined, as in the API). */
    public record Owner(String id, String name, BigDecimal wonAmount, long wonCount, BigDecimal winRate,
                        BigDecimal taskCompletion, long overdueTasks, long staleDeals) {
    }

    public record CardAction(long id, String rule, String kind, String status, String title, Instant deadline,
                             String crmId, Instant createdAt) {
    }

    public record Card(String connection, String dealId, String currency, BigDecimal amount, boolean stale,
                       Instant lastActivity, Stage stage, Owner owner, String period, List<CardAction> actions) {
    }

    /** The card of an open deal; empty when the deal is not open (closed, unknown, or not synced yet). */
    public Mono<Optional<Card>> of(String connection, String dealId) {
        Instant now = clock.instant();
        Period period = Period.monthOf(now, config.timeZone());
        KpiQuery query = new KpiQuery(period, now, connection);
        KpiEngine engine = new KpiEngine(snapshots.current());
        DealFacts facts = engine.dealFacts(query);
        DealFacts.OpenDeal deal = facts.open().stream().filter(d -> d.id().equals(dealId)).findFirst().orElse(null);
        if (deal == null) {
            return Mono.just(Optional.empty());
        }
        var rule = config.rules().settings().stuckInStage();
        List<BigDecimal> visits = io.planpilot.core.rules.StageNorm.visits(facts, deal);
        io.planpilot.core.rules.StageNorm usual = io.planpilot.core.rules.StageNorm.of(visits, rule);
        BigDecimal norm = usual == null ? null : usual.days();
        BigDecimal days = BigDecimal.valueOf(Duration.between(deal.stageEnteredAt(), now).toMinutes())
                .divide(BigDecimal.valueOf(24 * 60), 1, RoundingMode.HALF_UP);
        Stage stage = new Stage(deal.stageId(), deal.stageName(), days, norm, rule.percentile(), visits.size(),
                norm != null && days.compareTo(norm) > 0, deal.stageEnteredAt());
        Owner owner = null;
        if (deal.ownerId() != null) {
            RepFigures rep = engine.reps(query).stream().filter(r -> deal.ownerId().equals(r.key())).findFirst().orElse(null);
            owner = rep == null ? new Owner(deal.ownerId(), deal.ownerName(), null, 0, null, null, 0, 0)
                    : new Owner(rep.key(), rep.name(), rep.wonAmount(), rep.wonCount(), rep.winRate(), rep.taskCompletion(),
                    rep.overdueTasks(), rep.staleDeals());
        }
        Owner figures = owner;
        return actions(connection, dealId).map(actions -> Optional.of(new Card(connection, dealId, config.baseCurrency(),
                deal.amount(), deal.stale(), deal.lastActivity(), stage, figures, period.label(), actions)));
    }

    private Mono<List<CardAction>> actions(String connection, String dealId) {
        return db.sql("""
                        select id, rule, kind, status, title, deadline, crm_id, created_at from action
                        where connection = :connection and deal_id = :deal order by id desc limit 20""")
                .bind("connection", connection)
                .bind("deal", dealId)
                .map(row -> new CardAction(row.get("id", Long.class), row.get("rule", String.class),
                        row.get("kind", String.class), row.get("status", String.class), row.get("title", String.class),
                        row.get("deadline", Instant.class), row.get("crm_id", String.class), row.get("created_at", Instant.class)))
                .all()
                .collectList();
    }
}
