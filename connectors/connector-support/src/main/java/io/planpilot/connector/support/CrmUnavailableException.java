package io.planpilot.connector.support;

/**
 * The CRM could not answer: HTTP 5xx (other than a limit error), a connect or read timeout, a
 * reset connection, or a circuit breaker that is open after too many of these. Retried by
 * {@link CrmResilience}; each one counts as a failure for its circuit breaker.
 */
public class CrmUnavailableException extends CrmCallException {

    public CrmUnavailableException(String connectorType, String endpoint, String detail) {
        this(connectorType, endpoint, detail, null);
    }

    public CrmUnavailableException(String connectorType, String endpoint, String detail, Throwable cause) {
        super(connectorType, endpoint, detail, cause);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
