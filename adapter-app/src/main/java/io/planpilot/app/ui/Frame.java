package io.planpilot.app.ui;

import java.util.List;

/**
 * The frame around every page: the request's context, the page's title and navigation entry, and
 * the same page in the other language.
 *
 * @param page     the navigation entry ({@code overview}, {@code funnel}, ...); null for pages outside the menu
 * @param langHref the same page in the other language
 */
public record Frame(UiContext ctx, String title, String page, String langHref) {

    /** ECharts from its webjar, served by the adapter (no CDN: the adapter may run without internet). */
    public static final String ECHARTS = "/webjars/echarts/5.3.1/dist/echarts.min.js";

    /** The menu: each entry's key and path. */
    public static final List<Nav> NAV = List.of(new Nav("overview", "/ui"), new Nav("funnel", "/ui/funnel"),
            new Nav("reps", "/ui/reps"), new Nav("capacity", "/ui/capacity"), new Nav("quality", "/ui/quality"),
            new Nav("actions", "/ui/actions"));

    public record Nav(String key, String path) {
    }

    public Messages m() {
        return ctx.m();
    }

    /** This page's path in the menu; null for pages outside it. */
    public String path() {
        return NAV.stream().filter(n -> n.key().equals(page)).map(Nav::path).findFirst().orElse(null);
    }
}
