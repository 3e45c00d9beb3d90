package io.planpilot.connector.support;

/**
 * The CRM answered something the connector cannot read: JSON that does not parse, or a field of an
 * unexpected type. Not retried (the same answer would come again). The message names the field by
 * its JSON path: {@code bitrix24 crm.deal.list: field result[3].OPPORTUNITY: expected a number, got "abc"}.
 */
public class CrmResponseException extends CrmCallException {

    private final String fieldPath;

    public CrmResponseException(String connectorType, String endpoint, String fieldPath, String problem,
                                Throwable cause) {
        super(connectorType, endpoint, fieldPath == null || fieldPath.isEmpty() ? problem
                : "field " + fieldPath + ": " + problem, cause);
        this.fieldPath = fieldPath == null || fieldPath.isEmpty() ? null : fieldPath;
    }

    /** The JSON path of the field ({@code result[3].OPPORTUNITY}), or null when the body broke before any. */
    public String fieldPath() {
        return fieldPath;
    }

    @Override
    public boolean isTransient() {
        return false;
    }
}
