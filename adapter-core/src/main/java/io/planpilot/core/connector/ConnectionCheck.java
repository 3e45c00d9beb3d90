package io.planpilot.core.connector;

import java.util.List;

/**
 * What {@link Connector#check()} found, in an admin's words: empty when the connection works.
 * Each problem says what is wrong and what to do (the portal is unreachable, the token is refused,
 * the webhook lacks the {@code task} scope, the URL names another portal).
 */
public record ConnectionCheck(List<Problem> problems) {

    public enum Kind {
        UNREACHABLE, BAD_CREDENTIALS, MISSING_SCOPE, WRONG_ACCOUNT, MISCONFIGURED
    }

    public record Problem(Kind kind, String message) {
    }

    public ConnectionCheck {
        problems = List.copyOf(problems);
    }

    public static ConnectionCheck ok() {
        return new ConnectionCheck(List.of());
    }

    public boolean isOk() {
        return problems.isEmpty();
    }
}
