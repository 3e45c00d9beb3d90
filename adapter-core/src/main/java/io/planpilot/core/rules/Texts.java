package io.planpilot.core.rules;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.util.Locale;

/**
 * The words of the texts rules push into CRMs, in Russian or English, and how figures are written
 * in them: money in whole units of the base currency with digit groups, shares as whole percent,
 * days with one decimal.
 */
final class Texts {

    static final int TITLE_MAX = 250;

    private final boolean russian;
    private final String currency;
    private final String publicBaseUrl;

    Texts(String locale, String currency, String publicBaseUrl) {
        this.russian = "ru".equals(locale);
        this.currency = currency;
        this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
    }

    boolean russian() {
        return russian;
    }

    /** The English or the Russian text, by the locale. */
    String say(String english, String russianText) {
        return russian ? russianText : english;
    }

    String money(BigDecimal amount) {
        if (amount == null) {
            return say("n/a", "н/д");
        }
        return number(amount.setScale(0, RoundingMode.HALF_UP)) + " " + currency;
    }

    /** A ratio as whole percent: 0.834 is 83%. */
    String percent(BigDecimal ratio) {
        if (ratio == null) {
            return say("n/a", "н/д");
        }
        return ratio.movePointRight(2).setScale(0, RoundingMode.HALF_UP).toPlainString() + "%";
    }

    String days(BigDecimal days) {
        if (days == null) {
            return say("n/a", "н/д");
        }
        return decimal(days, 1);
    }

    String decimal(BigDecimal value, int scale) {
        if (value == null) {
            return say("n/a", "н/д");
        }
        return number(value.setScale(scale, RoundingMode.HALF_UP));
    }

    String date(LocalDate date) {
        return russian ? String.format("%02d.%02d.%d", date.getDayOfMonth(), date.getMonthValue(), date.getYear())
                : date.toString();
    }

    private String number(BigDecimal value) {
        DecimalFormatSymbols symbols = new DecimalFormatSymbols(Locale.ROOT);
        symbols.setGroupingSeparator(russian ? ' ' : ',');
        symbols.setDecimalSeparator(russian ? ',' : '.');
        DecimalFormat format = new DecimalFormat("#,##0", symbols);
        format.setMinimumFractionDigits(Math.max(value.scale(), 0));
        format.setMaximumFractionDigits(Math.max(value.scale(), 0));
        return format.format(value);
    }

    /** The dashboard link line for a period, or an empty string without adapter.public-base-url. */
    String dashboard(String period) {
        if (publicBaseUrl.isEmpty()) {
            return "";
        }
        return "\n" + say("Dashboard: ", "Дашборд: ") + publicBaseUrl + "/dashboard?period=" + period;
    }

    /** One line of at most 250 characters. */
    static String title(String text) {
        String line = text.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
        return line.length() <= TITLE_MAX ? line : line.substring(0, TITLE_MAX - 1) + "…";
    }

    /** A dimension's name in the text. */
    String dimension(io.planpilot.core.domain.Dimension dimension) {
        return switch (dimension) {
            case DEPARTMENT -> say("department", "отдел");
            case REGION -> say("region", "регион");
            case SEGMENT -> say("segment", "сегмент");
            case PRODUCT -> say("product", "продукт");
            case REP -> say("rep", "менеджер");
            case PIPELINE -> say("pipeline", "воронка");
        };
    }

    /** A row in a text: "the department", "region North". */
    String row(io.planpilot.core.domain.Dimension dimension, String name) {
        if (dimension == io.planpilot.core.domain.Dimension.DEPARTMENT) {
            return say("the department", "отдел");
        }
        return dimension(dimension) + " " + name;
    }
}
