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

    /**
     * Whether trying again later may succeed (the CRM was down or limited), as opposed to a failure
     * that needs the admin (a refused token, a missing scope, a bad file). Writes that failed
     * transiently wait in the outbox; the others are marked failed with this message.
     */
    public boolean isTransient() {
        return false;
    }
}
