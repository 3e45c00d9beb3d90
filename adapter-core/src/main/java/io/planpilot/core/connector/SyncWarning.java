package io.planpilot.core.connector;

/**
 * A record that was skipped, and why. {@code file} names the file or endpoint, {@code line} the line
 * (1-based, the header is line 1) or null, {@code column} the column or field or null.
 */
public record SyncWarning(String file, Long line, String column, String reason) {
}
