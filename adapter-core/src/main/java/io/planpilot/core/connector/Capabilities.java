package io.planpilot.core.connector;

/**
 * What a connector can do beyond reading deals, pipelines and users. The app asks before it calls:
 * a CRM without a notification API gets a task for the user instead, one without webhooks is only
 * polled, and the contract kit skips what a connector declares it does not do.
 *
 * @param stageHistory  reads when deals entered their stages
 * @param activities    reads calls, meetings, e-mails and tasks
 * @param deletionFeed  tells deletions itself (otherwise the sync reconciles ids by listing)
 * @param rereadById    reads given records by id (for webhooks that carry only an id)
 * @param webhooks      verifies and parses the CRM's callbacks
 * @param tasks         creates a task for a user, linked to a deal
 * @param notifications notifies a user
 * @param comments      comments on a deal
 */
public record Capabilities(boolean stageHistory, boolean activities, boolean deletionFeed, boolean rereadById,
                           boolean webhooks, boolean tasks, boolean notifications, boolean comments) {

    /** Reads only: files or exports, no callbacks and no writes. */
    public static Capabilities readOnly(boolean stageHistory, boolean activities) {
        return new Capabilities(stageHistory, activities, false, false, false, false, false, false);
    }
}
