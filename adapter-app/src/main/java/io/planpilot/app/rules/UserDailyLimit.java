package io.planpilot.app.rules;

import io.planpilot.core.rules.ActionKind;
import io.planpilot.core.rules.ProposedAction;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * At most {@code tasks-per-user-per-day} new tasks and notices for one CRM user a day, so that a first
 * run over a neglected CRM does not bury the reps under hundreds of tasks: the rule book's order
 * decides which come first (the plan and capacity before single deals, stale before hygiene), and what
 * is left over is proposed again by the next runs, on the next days. Proposals the outbox holds
 * already, and comments on deals, are not limited.
 */
final class UserDailyLimit {

    private UserDailyLimit() {
    }

    /** The key of a connection's user or dedupe key in the maps below. */
    static String key(String connection, String id) {
        return io.planpilot.app.action.ActionOutbox.userKey(connection, id);
    }

    /**
     * @param known      the proposals' keys ({@link #key} of connection and dedupe key) the outbox holds already
     * @param givenToday tasks and notices each user ({@link #key} of connection and user) was given today
     */
    static List<ProposedAction> apply(List<ProposedAction> proposals, Set<String> known, Map<String, Long> givenToday, int limit) {
        Map<String, Long> given = new HashMap<>(givenToday);
        List<ProposedAction> allowed = new ArrayList<>();
        for (ProposedAction proposal : proposals) {
            if (proposal.kind() == ActionKind.COMMENT || known.contains(key(proposal.connection(), proposal.dedupeKey()))) {
                allowed.add(proposal);
                continue;
            }
            String user = key(proposal.connection(), proposal.target());
            if (given.getOrDefault(user, 0L) < limit) {
                given.merge(user, 1L, Long::sum);
                allowed.add(proposal);
            }
        }
        return allowed;
    }
}
