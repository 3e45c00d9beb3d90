package io.planpilot.app.ui;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.kpi.DealList;
import tools.jackson.databind.json.JsonMapper;

/** Small helpers the templates call. */
public final class Ui {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private Ui() {
    }

    /** The link to the deals behind a figure (the department's when {@code dimension} is null). */
    public static String deals(UiContext ctx, DealList.Kind kind, Dimension dimension, String key, String... more) {
        return DashboardPages.dealsHref(ctx, kind, dimension == null ? Dimension.DEPARTMENT : dimension, key, more);
    }

    /** A value as JSON, for a chart's {@code data-chart} attribute (the template escapes it for the attribute). */
    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }
}
