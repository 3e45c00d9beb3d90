package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Deal by deal, what rules act on (the KPI results are sums; a rule needs to name the deal): every
 * deal open at t, the deals won in the period so far and in the lookback window, and how long
 * finished stage visits lasted in the lookback window. Same scope as every KPI: {@code asOf},
 * {@code period}, {@code connection}; deal and rep keys as in the data-quality answer.
 *
 * @param open              deals open at t (whatever their expected close date), by key
 * @param wonInPeriod       deals WON at t with {@code closedAt} in P, by key
 * @param wonInLookback     deals WON at t with {@code closedAt} in L, by key
 * @param createdInPeriod   deals created in P (and at or before t)
 * @param stageVisitsInLookback finished visits to each open stage that ended in L, by connection,
 *                          pipeline and the stage's sort order
 */
public record DealFacts(List<OpenDeal> open, List<ClosedDeal> wonInPeriod, List<ClosedDeal> wonInLookback,
                        long createdInPeriod, List<StageVisits> stageVisitsInLookback) {

    public DealFacts {
        open = List.copyOf(open);
        wonInPeriod = List.copyOf(wonInPeriod);
        wonInLookback = List.copyOf(wonInLookback);
        stageVisitsInLookback = List.copyOf(stageVisitsInLookback);
    }

    /**
     * A deal open at t.
     *
     * @param connection     the connection it belongs to
     * @param id             the CRM's deal id
     * @param key            the deal's key in answers ({@code <connection>:<id>} when several connections are shown together)
     * @param ownerId        the owner's CRM user id; null when unassigned
     * @param ownerKey       the owner's rep key ({@code (none)} when unassigned)
     * @param ownerName      the owner's display name
     * @param pipelineId     the CRM's pipeline id
     * @param stageId        the CRM's id of its stage at t
     * @param stageName      that stage's name
     * @param stageOpen      whether that stage is an open stage of its pipeline
     * @param stageEnteredAt when it last entered that stage (its last history entry at or before t; createdAt without one)
     * @param lastActivity   KPI.md's last activity: the latest created or completed instant at or before t
     *                       of its activities, its createdAt when it has none
     * @param stale          no activity for more than stale-days (KPI.md "staleDeals")
     * @param amount         in the base currency; null when it has none or its currency no rate
     * @param expectedClose  the expected close date as it is now; null when missing
     */
    public record OpenDeal(String connection, String id, String key, String ownerId, String ownerKey, String ownerName,
                           String pipelineId, String stageId, String stageName, boolean stageOpen,
                           Instant stageEnteredAt, Instant createdAt, Instant lastActivity, boolean stale,
                           BigDecimal amount, LocalDate expectedClose) {
    }

    /** A closed deal: where it belongs, whose it is, its amount in the base currency (null when none) and closedAt. */
    public record ClosedDeal(String connection, String id, String key, String ownerId, String ownerKey, String ownerName,
                             BigDecimal amount, Instant closedAt) {
    }

    /**
     * The finished visits to one open stage that ended (the deal left the stage: entered another,
     * or won or lost) within L, each visit on its own, in days, sorted ascending.
     */
    public record StageVisits(String connection, String pipelineId, String stageId, String stageName,
                              List<BigDecimal> days) {
        public StageVisits {
            days = List.copyOf(days);
        }
    }
}
