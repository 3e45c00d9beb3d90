package io.planpilot.connector.support;

import io.planpilot.core.connector.ConnectorException;

import java.util.Objects;

/**
 * A call to a CRM that failed, in an admin's words: {@code "<connector type> <endpoint>: <detail>"},
 * for example {@code bitrix24 crm.deal.list: HTTP 503 QUERY_LIMIT_EXCEEDED}. The subclass says what
 * kind of failure it is, and so whether {@link CrmResilience} tries again:
 * <ul>
 *   <li>{@link CrmRateLimitedException}: the CRM asks to slow down; retried after its wait;</li>
 *   <li>{@link CrmUnavailableException}: 5xx, timeouts, broken connections; retried, and counted
 *       by the circuit breaker;</li>
 *   <li>{@link CrmRejectedException}: the CRM refuses the call (token, scope, address, settings);
 *       not retried, the admin must act;</li>
 *   <li>{@link CrmResponseException}: the CRM answered something the connector cannot read; not
 *       retried.</li>
 * </ul>
 * The transient kinds (rate limited, unavailable) tell the app that a later attempt may work: an
 * outbox keeps such writes for later, and drops nothing.
 */
public abstract class CrmCallException extends ConnectorException {

    private final String connectorType;
    private final String endpoint;
    private final String detail;

    protected CrmCallException(String connectorType, String endpoint, String detail, Throwable cause) {
        super(connectorType + " " + endpoint + ": " + detail, cause);
        this.connectorType = Objects.requireNonNull(connectorType, "connectorType");
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.detail = Objects.requireNonNull(detail, "detail");
    }

    /** The connection type, such as {@code bitrix24}. */
    public String connectorType() {
        return connectorType;
    }

    /** The CRM's name of the call, such as {@code crm.deal.list} or {@code GET /crm/v3/objects/deals}. */
    public String endpoint() {
        return endpoint;
    }

    /** What went wrong, without the type and endpoint. */
    public String detail() {
        return detail;
    }

    /** Whether a later attempt may succeed (rate limits, outages); false for rejected and unreadable calls. */
    public abstract boolean isTransient();
}
