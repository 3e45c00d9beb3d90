package io.planpilot.app.security;

import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down guessing of the admin token: a client address with {@value #ALLOWED} wrong tokens
 * within {@link #WINDOW} is refused (429) until the window has passed since its latest failure. At
 * most {@value #TRACKED} addresses are tracked; beyond them the oldest are forgotten.
 */
@Component
public class FailedLogins {

    static final int ALLOWED = 10;
    static final Duration WINDOW = Duration.ofMinutes(1);
    static final int TRACKED = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public FailedLogins(Clock clock) {
        this.clock = clock;
    }

    /** Records a wrong token from the address. */
    public void failed(String address) {
        if (failures.size() >= TRACKED) {
            forgetOld();
        }
        Deque<Instant> times = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(clock.instant());
            while (times.size() > ALLOWED) {
                times.removeFirst();
            }
        }
    }

    /** How long the address must still wait; zero when it may try. */
    public Duration blockedFor(String address) {
        Deque<Instant> times = failures.get(address);
        if (times == null) {
            return Duration.ZERO;
        }
        synchronized (times) {
            if (times.size() < ALLOWED) {
                return Duration.ZERO;
            }
            Instant now = clock.instant();
            if (times.peekFirst().plus(WINDOW).isBefore(now)) {
                return Duration.ZERO;
            }
            Duration left = Duration.between(now, times.peekLast().plus(WINDOW));
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    private void forgetOld() {
        Instant horizon = clock.instant().minus(WINDOW);
        failures.entrySet().removeIf(entry -> {
            synchronized (entry.getValue()) {
                return entry.getValue().isEmpty() || entry.getValue().peekLast().isBefore(horizon);
            }
        });
    }
}
