package io.planpilot.core.connector;

import java.time.Instant;
import java.util.Optional;

/**
 * Fits a write to what the CRM can take: a notification to a CRM without a notification API
 * becomes a task for that user, due at once. Empty when the CRM can take the write in no form.
 */
public final class WriteRouting {

    private static final int TITLE_LENGTH = 250;

    private WriteRouting() {
    }

    public static Optional<CrmWrite> fit(CrmWrite write, Capabilities can, Instant now) {
        if (write instanceof CrmWrite.Task) {
            return can.tasks() ? Optional.of(write) : Optional.empty();
        }
        if (write instanceof CrmWrite.Comment) {
            return can.comments() ? Optional.of(write) : Optional.empty();
        }
        CrmWrite.Notification note = (CrmWrite.Notification) write;
        if (can.notifications()) {
            return Optional.of(note);
        }
        if (can.tasks()) {
            return Optional.of(new CrmWrite.Task(note.idempotencyKey(), note.userId(), null, title(note.text()), note.text(), now));
        }
        return Optional.empty();
    }

    private static String title(String text) {
        String line = text.lines().findFirst().orElse("").strip();
        return line.length() <= TITLE_LENGTH ? line : line.substring(0, TITLE_LENGTH - 1) + "…";
    }
}
