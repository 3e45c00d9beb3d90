package io.planpilot.core.domain;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Objects;

/** An amount in a currency (ISO 4217 code, kept upper case: codes are case-insensitive everywhere). */
public record Money(BigDecimal amount, String currency) {
    public Money {
        Objects.requireNonNull(amount, "amount");
        currency = normalizeCurrency(Objects.requireNonNull(currency, "currency"));
    }

    public static String normalizeCurrency(String code) {
        return code == null ? null : code.trim().toUpperCase(Locale.ROOT);
    }
}
