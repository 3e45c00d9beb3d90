package io.planpilot.app.ui;

import io.planpilot.core.kpi.Period;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;

/** The periods the picker offers: the last twelve months, the last four quarters and two years, newest first. */
public final class PeriodOptions {

    public record Option(String value, boolean selected) {
    }

    private PeriodOptions() {
    }

    static List<Option> around(LocalDate today, String selected) {
        List<String> values = new ArrayList<>();
        YearMonth month = YearMonth.from(today);
        for (int i = 0; i < 12; i++) {
            values.add(month.minusMonths(i).toString());
        }
        int quarter = (today.getMonthValue() - 1) / 3 + 1;
        int year = today.getYear();
        for (int i = 0; i < 4; i++) {
            values.add(year + "-Q" + quarter);
            if (--quarter == 0) {
                quarter = 4;
                year--;
            }
        }
        values.add(Integer.toString(today.getYear()));
        values.add(Integer.toString(today.getYear() - 1));
        if (!values.contains(selected)) {
            values.add(0, selected);
        }
        return values.stream().map(v -> new Option(v, v.equals(selected))).toList();
    }

    static String label(Period period) {
        return period.label();
    }
}
