package io.planpilot.app.ui;

import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;

/** A trend as the points of an SVG polyline: drawn by the browser with no script, small enough for a table cell. */
final class Sparkline {

    private Sparkline() {
    }

    /** The points of the values over {@code width} × {@code height}, the largest at the top; a flat line at the bottom when all are 0. */
    static String points(List<BigDecimal> values, int width, int height) {
        double max = values.stream().mapToDouble(BigDecimal::doubleValue).max().orElse(0);
        StringBuilder points = new StringBuilder();
        int n = values.size();
        for (int i = 0; i < n; i++) {
            double x = n == 1 ? width / 2.0 : i * (double) width / (n - 1);
            double y = max <= 0 ? height - 1 : (height - 1) - values.get(i).doubleValue() / max * (height - 2);
            if (i > 0) {
                points.append(' ');
            }
            points.append(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
        }
        return points.toString();
    }
}
