package io.planpilot.core.connector;

/** Called for something the connector's {@link Capabilities} say it does not do. */
public class UnsupportedCapabilityException extends UnsupportedOperationException {
    public UnsupportedCapabilityException(String connectorType, String what) {
        super("the " + connectorType + " connector does not " + what);
    }
}
