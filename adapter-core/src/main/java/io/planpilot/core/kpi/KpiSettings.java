package io.planpilot.core.kpi;

import io.planpilot.core.domain.Money;

import java.math.BigDecimal;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the KPI definitions depend on besides the data: the base currency and rates, the zone of
 * local dates, the lookback and stale windows, and the holidays.
 *
 * @param currencyRates units of base currency for 1 unit of each currency (adapter.currency-rates);
 *                      codes are case-insensitive
 */
public record KpiSettings(String baseCurrency, Map<String, BigDecimal> currencyRates, ZoneId zone, int lookbackDays,
                          int staleDays, Set<LocalDate> holidays) {

    public KpiSettings {
        baseCurrency = Money.normalizeCurrency(Objects.requireNonNull(baseCurrency, "baseCurrency"));
        Map<String, BigDecimal> rates = new TreeMap<>();
        currencyRates.forEach((code, rate) -> rates.put(Money.normalizeCurrency(code), rate));
        currencyRates = Map.copyOf(rates);
        Objects.requireNonNull(zone, "zone");
        holidays = Set.copyOf(holidays);
    }

    public static KpiSettings defaults() {
        return new KpiSettings("USD", Map.of(), ZoneId.of("UTC"), 180, 14, Set.of());
    }

    /** The configured rate of a currency; 1 for the base currency; null when unknown. */
    public BigDecimal configuredRate(String currency) {
        String code = Money.normalizeCurrency(currency);
        if (baseCurrency.equals(code)) {
            return BigDecimal.ONE;
        }
        return currencyRates.get(code);
    }

    /** Monday to Friday, minus the holidays. */
    public boolean isWorkingDay(LocalDate date) {
        DayOfWeek day = date.getDayOfWeek();
        return day != DayOfWeek.SATURDAY && day != DayOfWeek.SUNDAY && !holidays.contains(date);
    }

    /** Working days in {@code [from, to)}. */
    public int workingDays(LocalDate from, LocalDate to) {
        int days = 0;
        for (LocalDate date = from; date.isBefore(to); date = date.plusDays(1)) {
            if (isWorkingDay(date)) {
                days++;
            }
        }
        return days;
    }
}
