package io.planpilot.core.kpi;

import io.planpilot.core.domain.Money;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * A CRM's own currency rates: units of the CRM's base currency for 1 unit of each currency. They
 * are used only when the CRM's base currency is the adapter's (KPI.md, "Amount").
 */
public record CrmCurrencies(String baseCurrency, Map<String, BigDecimal> rates) {
    public CrmCurrencies {
        baseCurrency = Money.normalizeCurrency(baseCurrency);
        Map<String, BigDecimal> normalized = new TreeMap<>();
        rates.forEach((code, rate) -> normalized.put(Money.normalizeCurrency(code), rate));
        rates = Map.copyOf(normalized);
    }
}
