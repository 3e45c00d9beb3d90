package io.planpilot.core.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A deal as the CRM has it now. Ids are scoped by the connection: the same CRM id in two
 * connections is two deals.
 *
 * @param amount         null when the CRM has none (an amount of 0 is an amount)
 * @param currency       the deal's currency, upper case; never null
 * @param owner          the CRM user id of the rep who owns it; null when unassigned
 * @param closedAt       when it last entered the won or lost stage it is in now; null while open
 * @param expectedClose  the expected close date as it is now; null when missing
 * @param dimensions     dimension values by dimension key (region, segment, product, ...), missing keys absent
 * @param lines          product lines in the deal's currency; empty when the deal has none
 * @param crmProbability the deal's own win probability (0..1) for CRMs that keep it on the deal; else null
 */
public record Deal(
        String connection,
        String id,
        String title,
        String pipeline,
        String stage,
        DealStatus status,
        BigDecimal amount,
        String currency,
        String owner,
        Instant createdAt,
        Instant closedAt,
        LocalDate expectedClose,
        Map<String, String> dimensions,
        List<ProductLine> lines,
        BigDecimal crmProbability,
        boolean deleted,
        Instant updatedAt) {

    public Deal {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(stage, "stage");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        currency = Money.normalizeCurrency(Objects.requireNonNull(currency, "currency"));
        dimensions = Map.copyOf(dimensions == null ? Map.of() : dimensions);
        lines = List.copyOf(lines == null ? List.of() : lines);
    }

    /** The amount with its currency, or null when the deal has no amount. */
    public Money money() {
        return amount == null ? null : new Money(amount, currency);
    }

    public Deal markedDeleted() {
        return new Deal(connection, id, title, pipeline, stage, status, amount, currency, owner, createdAt,
                closedAt, expectedClose, dimensions, lines, crmProbability, true, updatedAt);
    }
}
