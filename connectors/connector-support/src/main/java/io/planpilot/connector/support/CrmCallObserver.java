package io.planpilot.connector.support;

import java.time.Duration;
import java.util.Objects;

/**
 * Told of every attempt a connection makes to its CRM, for the adapter's metrics: which endpoint, how
 * it ended, how long it took and how long it waited for the rate limiter first. Connectors are made
 * by factories outside any container, so the observer is one per process: the app installs it at
 * start-up; until then attempts are not observed.
 */
@FunctionalInterface
public interface CrmCallObserver {

    /** How an attempt ended. */
    enum Outcome {
        OK, REJECTED, RATE_LIMITED, UNAVAILABLE, CIRCUIT_OPEN, ERROR
    }

    /**
     * @param took   how long the CRM took to answer (zero when the call was not sent: {@code CIRCUIT_OPEN})
     * @param waited how long the attempt waited for the connection's rate limiter
     */
    void attempt(String connectorType, String connection, String endpoint, Outcome outcome, Duration took, Duration waited);

    /** Installs the observer of this process, replacing the one before. */
    static void install(CrmCallObserver observer) {
        Holder.current = Objects.requireNonNull(observer, "observer");
    }

    static CrmCallObserver current() {
        return Holder.current;
    }

    /** The process's observer; a nested class because an interface's fields are final. */
    final class Holder {
        private static volatile CrmCallObserver current = (type, connection, endpoint, outcome, took, waited) -> {
        };

        private Holder() {
        }
    }
}
