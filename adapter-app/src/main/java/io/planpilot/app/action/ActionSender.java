package io.planpilot.app.action;

import io.planpilot.app.sync.Connections;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.CrmWrite;
import io.planpilot.core.connector.UnsupportedCapabilityException;
import io.planpilot.core.connector.WriteRouting;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.util.Optional;

/**
 * Sends one action through its connection's connector (and so through that connection's rate
 * limiter, retry and circuit breaker) and says how it went: sent with the CRM's id, to be tried
 * again (the CRM was down, limiting, or the answer was lost: the connector finds the idempotency key
 * before creating anything on the next try), or refused for good. Blocking.
 */
@Component
public class ActionSender {

    private final Connections connections;
    private final Clock clock;

    public ActionSender(Connections connections, Clock clock) {
        this.connections = connections;
        this.clock = clock;
    }

    /** How sending went. */
    public sealed interface Outcome {
        record Sent(String crmId) implements Outcome {
        }

        record TryAgain(String error) implements Outcome {
        }

        record Refused(String error) implements Outcome {
        }
    }

    public Outcome send(Action action) {
        Connections.Connection connection = connections.find(action.connection()).orElse(null);
        if (connection == null) {
            return new Outcome.Refused("the connection '" + action.connection() + "' is not configured (any more)");
        }
        Optional<CrmWrite> write = WriteRouting.fit(write(action), connection.connector().capabilities(), clock.instant());
        if (write.isEmpty()) {
            return new Outcome.Refused("the CRM of '" + action.connection() + "' ("
                    + connection.config().type() + ") takes no " + action.kind() + " from the adapter");
        }
        try {
            String crmId = connection.connector().write(write.get());
            return new Outcome.Sent(crmId);
        } catch (UnsupportedCapabilityException e) {
            return new Outcome.Refused(e.getMessage());
        } catch (ConnectorException e) {
            return e.isTransient() ? new Outcome.TryAgain(e.getMessage()) : new Outcome.Refused(e.getMessage());
        } catch (RuntimeException e) {
            // not classified by the connector: assume the worst case that can heal (a lost answer, a bug
            // fixed by an upgrade); the idempotency key keeps a retry from creating it twice
            return new Outcome.TryAgain("unexpected " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** The action as the CRM write of its kind; the key travels with it. */
    static CrmWrite write(Action action) {
        return switch (action.kind()) {
            case TASK -> new CrmWrite.Task(action.dedupeKey(), action.target(), action.dealId(), action.title(),
                    action.body(), action.deadline());
            case NOTIFY -> new CrmWrite.Notification(action.dedupeKey(), action.target(), action.title() + "\n\n" + action.body());
            case COMMENT -> new CrmWrite.Comment(action.dedupeKey(), action.dealId() != null ? action.dealId() : action.target(),
                    action.title() + "\n\n" + action.body());
        };
    }
}
