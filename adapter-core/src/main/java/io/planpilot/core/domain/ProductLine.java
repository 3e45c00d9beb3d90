package io.planpilot.core.domain;

import java.math.BigDecimal;
import java.util.Objects;

/** One product line of a deal, its amount in the deal's currency. */
public record ProductLine(String product, BigDecimal amount) {
    public ProductLine {
        Objects.requireNonNull(product, "product");
        Objects.requireNonNull(amount, "amount");
    }
}
