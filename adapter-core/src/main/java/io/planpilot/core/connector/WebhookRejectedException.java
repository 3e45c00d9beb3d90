package io.planpilot.core.connector;

/** A callback whose signature or token is wrong, or that is too old: the app answers 401 and logs why. */
public class WebhookRejectedException extends RuntimeException {
    public WebhookRejectedException(String reason) {
        super(reason);
    }
}
