package io.planpilot.core.connector;

/** A configuration problem: {@code key} relative to the connection ({@code path}), then what is wrong. */
public record SettingProblem(String key, String problem) {
}
