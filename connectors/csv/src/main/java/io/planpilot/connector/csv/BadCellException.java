package io.planpilot.connector.csv;

/**
 * A cell that cannot be read: the row becomes a warning and is skipped. Cheap (no stack trace), as
 * a file may have many bad rows.
 */
final class BadCellException extends RuntimeException {

    private final String column;

    BadCellException(String reason) {
        this(null, reason);
    }

    BadCellException(String column, String reason) {
        super(reason, null, false, false);
        this.column = column;
    }

    /** The expected column name, or null when the row as a whole is wrong. */
    String column() {
        return column;
    }

    String reason() {
        return getMessage();
    }

    BadCellException inColumn(String name) {
        return column != null ? this : new BadCellException(name, reason());
    }
}
