package io.planpilot.core.kpi;

/** One key of a dimension: its key, its display name and its figures. */
public record BreakdownRow(String key, String name, KpiFigures figures) {
}
