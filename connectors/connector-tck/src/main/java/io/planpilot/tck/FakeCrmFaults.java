package io.planpilot.tck;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The faults a {@link FakeCrm} owes its next deal-reading calls, in order: each fake queues what
 * the kit asks for here and, serving a call, takes the next one and answers in its CRM's own shape.
 */
public final class FakeCrmFaults {

    /** A fault the next deal-reading call gets. */
    public sealed interface Fault {
        /** The CRM's rate-limit signal, with its wait announced (a header or field) or not. */
        record RateLimit(boolean withWait) implements Fault {
        }

        record Status(int status) implements Fault {
        }

        record Delay(Duration delay) implements Fault {
        }

        record Malformed() implements Fault {
        }

        /** A number field answered as a string that is no number. */
        record WrongType() implements Fault {
        }
    }

    private final Deque<Fault> queue = new ArrayDeque<>();

    public synchronized void rateLimit(boolean withWait) {
        queue.add(new Fault.RateLimit(withWait));
    }

    public synchronized void fail(int times, int status) {
        for (int i = 0; i < times; i++) {
            queue.add(new Fault.Status(status));
        }
    }

    public synchronized void delay(int times, Duration delay) {
        for (int i = 0; i < times; i++) {
            queue.add(new Fault.Delay(delay));
        }
    }

    public synchronized void malformed() {
        queue.add(new Fault.Malformed());
    }

    public synchronized void wrongType() {
        queue.add(new Fault.WrongType());
    }

    /** The next fault, or null when the call is to be answered normally. */
    public synchronized Fault poll() {
        return queue.poll();
    }

    public synchronized void clear() {
        queue.clear();
    }
}
