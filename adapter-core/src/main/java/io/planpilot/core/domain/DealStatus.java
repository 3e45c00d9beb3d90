package io.planpilot.core.domain;

/** Where a deal stands; a stage's semantic is the status of the deals that sit in it. */
public enum DealStatus {
    OPEN, WON, LOST;

    public boolean isClosed() {
        return this != OPEN;
    }
}
