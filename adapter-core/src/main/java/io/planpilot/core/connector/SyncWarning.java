package io.planpilot.core.connector;

/**
 * Something wrong with one record: either it was skipped, or it was imported with a stand-in value
 * (the reason says which). {@code file} names the file or endpoint, {@code line} the line
 * (1-based, the header is line 1) or null, {@code column} the column or field or null.
 */
public record SyncWarning(String file, Long line, String column, String reason) {
}
