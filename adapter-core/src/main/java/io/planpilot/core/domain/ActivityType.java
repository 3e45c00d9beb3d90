package io.planpilot.core.domain;

/** The activity kinds KPI.md counts; every CRM's own types map onto these. */
public enum ActivityType {
    CALL, MEETING, EMAIL, TASK, OTHER
}
