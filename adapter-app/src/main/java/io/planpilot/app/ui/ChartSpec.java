package io.planpilot.app.ui;

import java.util.ArrayList;
import java.util.List;

/**
 * A chart as the page's script draws it with ECharts (ui.js): categories, one or more series of
 * full-precision figures, and for each bar the link to the deals behind it (null: none).
 *
 * @param kind    {@code bar} (vertical bars), {@code hbar} (horizontal bars, for long category names)
 * @param percent whether the values are ratios shown as percentages
 */
public record ChartSpec(String id, String kind, boolean percent, List<String> categories, List<Series> series) {

    public record Series(String name, List<Number> data, List<String> links) {
    }

    static ChartSpec bars(String id, String kind, List<String> categories) {
        return new ChartSpec(id, kind, false, categories, new ArrayList<>());
    }

    ChartSpec with(String name, List<? extends Number> data, List<String> links) {
        series.add(new Series(name, new ArrayList<>(data), links));
        return this;
    }
}
