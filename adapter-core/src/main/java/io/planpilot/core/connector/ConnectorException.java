package io.planpilot.core.connector;

/**
 * A read or write that failed as a whole; the message says, in an admin's words, which connection,
 * file or endpoint, and what is wrong. Pages already accepted stay stored.
 */
public class ConnectorException extends RuntimeException {
    public ConnectorException(String message) {
        super(message);
    }

    public ConnectorException(String message, Throwable cause) {
        super(message, cause);
    }
}
