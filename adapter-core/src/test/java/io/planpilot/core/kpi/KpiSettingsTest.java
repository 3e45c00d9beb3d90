package io.planpilot.core.kpi;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** KPI.md "Working days" and "Amount" (the configured rates). */
class KpiSettingsTest {

    private static final LocalDate NOV_4 = LocalDate.of(2026, 11, 4);   // a Wednesday
    private static final LocalDate NOV_27 = LocalDate.of(2026, 11, 27); // a Friday

    private final KpiSettings settings = new KpiSettings("usd", Map.of("Eur", new BigDecimal("1.08"),
            "rub", new BigDecimal("0.011")), ZoneId.of("Europe/Moscow"), 180, 14, Set.of(NOV_4, NOV_27));

    @Test
    void weekendsAndHolidaysAreNotWorkingDays() {
        assertThat(settings.isWorkingDay(LocalDate.of(2026, 11, 2))).isTrue();   // Monday
        assertThat(settings.isWorkingDay(LocalDate.of(2026, 11, 6))).isTrue();   // Friday
        assertThat(settings.isWorkingDay(LocalDate.of(2026, 11, 7))).isFalse();  // Saturday
        assertThat(settings.isWorkingDay(LocalDate.of(2026, 11, 8))).isFalse();  // Sunday
        assertThat(settings.isWorkingDay(NOV_4)).isFalse();                      // holiday on a Wednesday
    }

    @Test
    void workingDaysOfAMonthAreWeekdaysMinusHolidays() {
        // November 2026: Sun 1st .. Mon 30th; weekdays 2-6, 9-13, 16-20, 23-27, 30 = 21; minus 4th and 27th → 19
        assertThat(settings.workingDays(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1))).isEqualTo(19);
        // without holidays: 21
        assertThat(KpiSettings.defaults().workingDays(LocalDate.of(2026, 11, 1), LocalDate.of(2026, 12, 1)))
                .isEqualTo(21);
    }

    @Test
    void workingDaysCountFromIncludedToExcluded() {
        // [Mon 23, Tue 1 Dec): 23, 24, 25, 26, (27 holiday), 30 → 5
        assertThat(settings.workingDays(LocalDate.of(2026, 11, 23), LocalDate.of(2026, 12, 1))).isEqualTo(5);
        // [Mon 23, Mon 30): 30 excluded → 4
        assertThat(settings.workingDays(LocalDate.of(2026, 11, 23), LocalDate.of(2026, 11, 30))).isEqualTo(4);
        // an empty window
        assertThat(settings.workingDays(LocalDate.of(2026, 11, 23), LocalDate.of(2026, 11, 23))).isZero();
        // any 28 days (4 weeks) without holidays: 20
        assertThat(settings.workingDays(LocalDate.of(2026, 10, 4), LocalDate.of(2026, 11, 1))).isEqualTo(20);
    }

    @Test
    void configuredRatesAreCaseInsensitive() {
        assertThat(settings.configuredRate("EUR")).isEqualByComparingTo("1.08");
        assertThat(settings.configuredRate("eur")).isEqualByComparingTo("1.08");
        assertThat(settings.configuredRate("Rub")).isEqualByComparingTo("0.011");
        assertThat(settings.currencyRates()).containsOnlyKeys("EUR", "RUB");
    }

    @Test
    void theBaseCurrencyHasRateOne() {
        assertThat(settings.baseCurrency()).isEqualTo("USD");
        assertThat(settings.configuredRate("USD")).isEqualByComparingTo("1");
        assertThat(settings.configuredRate("usd")).isEqualByComparingTo("1");
    }

    @Test
    void anUnknownCurrencyHasNoRate() {
        assertThat(settings.configuredRate("GBP")).isNull();
    }

    @Test
    void defaultsAreTheContractDefaults() {
        KpiSettings defaults = KpiSettings.defaults();

        assertThat(defaults.baseCurrency()).isEqualTo("USD");
        assertThat(defaults.zone()).isEqualTo(ZoneId.of("UTC"));
        assertThat(defaults.lookbackDays()).isEqualTo(180);
        assertThat(defaults.staleDays()).isEqualTo(14);
        assertThat(defaults.holidays()).isEmpty();
        assertThat(defaults.currencyRates()).isEmpty();
    }
}
