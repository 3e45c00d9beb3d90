package io.planpilot.app.ui;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.MessageFormat;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/**
 * The dashboard's words and number formats in one language ({@code ui/messages*.properties}). Figures
 * are shown rounded; the charts and links carry them at full precision.
 */
public final class Messages {

    public static final String EN = "en";
    public static final String RU = "ru";
    private static final String DASH = "—";

    private final String lang;
    private final ResourceBundle bundle;
    private final Locale locale;
    private final ZoneId zone;

    Messages(String lang, ZoneId zone) {
        this.lang = supported(lang) ? lang : EN;
        this.locale = Locale.forLanguageTag(this.lang);
        this.bundle = ResourceBundle.getBundle("ui.messages", locale,
                ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
        this.zone = zone;
    }

    static boolean supported(String lang) {
        return EN.equals(lang) || RU.equals(lang);
    }

    public String lang() {
        return lang;
    }

    /** The text of a key; its arguments fill {0}, {1}, ... */
    public String t(String key, Object... arguments) {
        String text;
        try {
            text = bundle.getString(key);
        } catch (MissingResourceException e) {
            return key;
        }
        return arguments.length == 0 ? text : new MessageFormat(text, locale).format(arguments);
    }

    public String money(BigDecimal value) {
        return value == null ? DASH : decimal(0).format(value.setScale(0, RoundingMode.HALF_UP));
    }

    /** A ratio shown as a percentage with one decimal. */
    public String percent(BigDecimal ratio) {
        return ratio == null ? DASH : decimal(1).format(ratio.movePointRight(2).setScale(1, RoundingMode.HALF_UP)) + " %";
    }

    public String number(BigDecimal value, int decimals) {
        return value == null ? DASH : decimal(decimals).format(value.setScale(decimals, RoundingMode.HALF_UP));
    }

    public String count(Number value) {
        return value == null ? DASH : decimal(0).format(value);
    }

    public String date(Instant instant) {
        return instant == null ? DASH : DateTimeFormatter.ISO_LOCAL_DATE.format(instant.atZone(zone));
    }

    public String date(LocalDate date) {
        return date == null ? DASH : date.toString();
    }

    private DecimalFormat decimal(int decimals) {
        DecimalFormatSymbols symbols = DecimalFormatSymbols.getInstance(locale);
        if (RU.equals(lang)) {
            symbols.setGroupingSeparator('\u00a0');
        }
        DecimalFormat format = new DecimalFormat(decimals == 0 ? "#,##0" : "#,##0." + "0".repeat(decimals), symbols);
        format.setRoundingMode(RoundingMode.HALF_UP);
        return format;
    }
}
