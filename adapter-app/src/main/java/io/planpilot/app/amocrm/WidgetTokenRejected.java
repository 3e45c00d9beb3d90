package io.planpilot.app.amocrm;

/** An {@code X-Auth-Token} the widget backend does not accept; the message says why, for the log. */
class WidgetTokenRejected extends RuntimeException {

    WidgetTokenRejected(String reason) {
        super(reason, null, false, false);
    }
}
