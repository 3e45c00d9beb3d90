package io.planpilot.connector.support;

/**
 * The CRM refuses the call: HTTP 401/403/404, or an error of the CRM's own that only an admin can
 * fix (a token without a scope, a portal address that names another account, a deleted pipeline).
 * Never retried. The detail names the CRM's error code and what the admin should do, for example
 * {@code HTTP 401 expired_token: the CRM refuses the token; issue a new one and put it in token}.
 */
public class CrmRejectedException extends CrmCallException {

    private final int status;
    private final String crmCode;

    public CrmRejectedException(String connectorType, String endpoint, int status, String crmCode, String detail) {
        super(connectorType, endpoint, detail, null);
        this.status = status;
        this.crmCode = crmCode;
    }

    /** The HTTP status the CRM answered with, or 0 when the error came in a 200 body. */
    public int status() {
        return status;
    }

    /** The CRM's own error code ({@code expired_token}, {@code ACCESS_DENIED}), or null when it gave none. */
    public String crmCode() {
        return crmCode;
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
