package io.planpilot.core.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * What a rule wants pushed into a CRM. The outbox stores it under {@code dedupeKey}: a second
 * proposal with the same key is the same action and is never sent twice, so the key names the rule,
 * its subject, the period and the version of the figures that matter (a rep falling further behind
 * makes a new key; the same situation evaluated again does not).
 *
 * @param rule       the rule's id ({@code plan-at-risk}, ...)
 * @param connection the connection whose CRM receives it
 * @param target     the CRM user id for TASK and NOTIFY, the deal id for COMMENT
 * @param dealId     the deal a TASK is linked to or a COMMENT is on; null when none
 * @param dedupeKey  deterministic; printable ASCII without spaces, at most 200 characters
 * @param title      one line, at most 250 characters (a CRM task title)
 * @param body       the figures and the link to the dashboard; may be several lines
 * @param deadline   when a TASK is due; null for NOTIFY and COMMENT
 */
public record ProposedAction(String rule, ActionKind kind, String connection, String target, String dealId,
                             String dedupeKey, String title, String body, Instant deadline) {

    public ProposedAction {
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(dedupeKey, "dedupeKey");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(body, "body");
        if (dedupeKey.isEmpty() || dedupeKey.length() > 200 || !dedupeKey.matches("[\\x21-\\x7E]+")) {
            throw new IllegalArgumentException("dedupeKey must be 1..200 printable ASCII characters without spaces: " + dedupeKey);
        }
        if (title.length() > 250 || title.contains("\n")) {
            throw new IllegalArgumentException("title must be one line of at most 250 characters: " + title);
        }
    }
}
