package io.planpilot.connector.support;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalBiFunction;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RequestNotPermitted;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.planpilot.core.connector.ConnectorException;
import io.planpilot.core.connector.ConnectorStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The calls of one connection to its CRM, kept inside the CRM's limits: every call goes through
 * {@code Retry(CircuitBreaker(RateLimiter(call)))} of Resilience4j. One instance per connection,
 * shared by its sync, its webhook re-reads and its writes; thread-safe; calls block the calling
 * (worker) thread while they wait.
 * <ul>
 *   <li>The rate limiter gives out {@code burst} permits every {@code per × burst / requests}, so
 *       the connection never exceeds the CRM's rate; with burst 1 calls also start at least
 *       {@code per / requests} apart, so no window of {@code per} holds more than {@code requests} calls.</li>
 *   <li>The retry tries again only {@link CrmRateLimitedException} and
 *       {@link CrmUnavailableException}. After a rate limit it waits what the CRM asked
 *       ({@code Retry-After}, reset header), never less; otherwise exponential backoff with full
 *       jitter. A CRM that asks for more than {@code retry.longest-wait} fails the call at once.</li>
 *   <li>The circuit breaker counts {@link CrmUnavailableException} as failures (rate limits are
 *       ignored, rejections are answers). Open, it fails calls at once with
 *       {@code "<type> <endpoint>: the CRM keeps failing; calls are paused until <instant> (circuit open)"}.</li>
 * </ul>
 * Retries exhausted, the call fails with the last error's kind and a message naming the attempts:
 * {@code "example GET /api/deals: gave up after 5 attempts; last error: HTTP 503"}.
 */
public final class CrmResilience {

    private static final Logger LOG = LoggerFactory.getLogger(CrmResilience.class);

    private final String connectorType;
    private final String connectionId;
    private final CrmHttpPolicy policy;
    private final Clock clock;
    private final RateLimiter limiter;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final AtomicReference<Instant> openUntil = new AtomicReference<>();
    /** With burst 1, the earliest {@link System#nanoTime()} the next call may start at; see {@link #awaitTurn}. */
    private final AtomicLong nextStart = new AtomicLong(Long.MIN_VALUE);

    /**
     * @param connectorType the connection type, first word of every message ({@code bitrix24})
     * @param connectionId  the connection's id, naming the Resilience4j instances
     */
    public CrmResilience(String connectorType, String connectionId, CrmHttpPolicy policy) {
        this(connectorType, connectionId, policy, Clock.systemUTC());
    }

    /** As above, with the clock that dates the breaker's messages. */
    public CrmResilience(String connectorType, String connectionId, CrmHttpPolicy policy, Clock clock) {
        this.connectorType = Objects.requireNonNull(connectorType, "connectorType");
        this.connectionId = Objects.requireNonNull(connectionId, "connectionId");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        String name = connectorType + ":" + connectionId;
        this.limiter = RateLimiter.of(name, limiterConfig(policy.rateLimit()));
        this.breaker = CircuitBreaker.of(name, breakerConfig(policy.breaker(), clock));
        this.retry = Retry.of(name, retryConfig(policy.retries()));
        breaker.getEventPublisher().onStateTransition(event -> {
            CircuitBreaker.State to = event.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
                openUntil.set(clock.instant().plus(policy.breaker().openFor()));
                LOG.warn("{}: the CRM keeps failing; calls are paused for {} (circuit open)", name,
                        policy.breaker().openFor());
            } else if (to == CircuitBreaker.State.CLOSED) {
                LOG.info("{}: the CRM answers again (circuit closed)", name);
            }
        });
    }

    public CrmHttpPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code call} within the limits; {@code endpoint} is the CRM's name of the call, for
     * messages. Only calls that may be repeated safely belong here (reads, and writes the CRM
     * de-duplicates by an idempotency key).
     *
     * @throws CrmCallException   the call failed, retries included (its kind says whether a later run may work)
     * @throws ConnectorException anything else the call threw is passed on as it is
     */
    public <T> T call(String endpoint, Supplier<T> call) {
        Objects.requireNonNull(call, "call");
        AtomicInteger attempts = new AtomicInteger();
        Supplier<T> counted = () -> {
            attempts.incrementAndGet();
            return call.get();
        };
        java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
        Supplier<T> paced = () -> {
            awaitTurn(endpoint);
            return observed(endpoint, counted, System.nanoTime() - queued.get());
        };
        Supplier<T> rateLimited = RateLimiter.decorateSupplier(limiter, paced);
        Supplier<T> limited = () -> {
            queued.set(System.nanoTime());
            return rateLimited.get();
        };
        Supplier<T> guarded = CircuitBreaker.decorateSupplier(breaker, limited);
        Supplier<T> retried = Retry.decorateSupplier(retry, guarded);
        try {
            return retried.get();
        } catch (CallNotPermittedException e) {
            CrmCallObserver.current().attempt(connectorType, connectionId, endpoint, CrmCallObserver.Outcome.CIRCUIT_OPEN,
                    Duration.ZERO, Duration.ZERO);
            Instant until = openUntil.get();
            throw new CrmUnavailableException(connectorType, endpoint, "the CRM keeps failing; calls are paused until "
                    + (until == null ? "the breaker lets a trial call through" : until) + " (circuit open)", e);
        } catch (RequestNotPermitted e) {
            throw new CrmRateLimitedException(connectorType, endpoint, "no permit of the connection's rate limit ("
                    + policy.rateLimit().text() + ") within " + limiterTimeout(policy.rateLimit()), null, e);
        } catch (CrmRateLimitedException e) {
            Duration asked = e.retryAfter().orElse(null);
            if (asked != null && asked.compareTo(policy.retries().longestWait()) > 0) {
                throw new CrmRateLimitedException(connectorType, endpoint, "the CRM asks to wait " + asked
                        + " (until " + clock.instant().plus(asked) + "), longer than retry.longest-wait "
                        + policy.retries().longestWait() + "; a later run resumes: " + e.detail(), asked, e);
            }
            throw exhausted(endpoint, attempts.get(), e);
        } catch (CrmUnavailableException e) {
            throw exhausted(endpoint, attempts.get(), e);
        }
    }

    /** Runs one attempt and tells the process's {@link CrmCallObserver} how it went. */
    private <T> T observed(String endpoint, Supplier<T> attempt, long waitedNanos) {
        long started = System.nanoTime();
        CrmCallObserver.Outcome outcome = CrmCallObserver.Outcome.ERROR;
        try {
            T result = attempt.get();
            outcome = CrmCallObserver.Outcome.OK;
            return result;
        } catch (CrmRejectedException e) {
            outcome = CrmCallObserver.Outcome.REJECTED;
            throw e;
        } catch (CrmRateLimitedException e) {
            outcome = CrmCallObserver.Outcome.RATE_LIMITED;
            throw e;
        } catch (CrmUnavailableException e) {
            outcome = CrmCallObserver.Outcome.UNAVAILABLE;
            throw e;
        } finally {
            CrmCallObserver.current().attempt(connectorType, connectionId, endpoint, outcome,
                    Duration.ofNanos(System.nanoTime() - started), Duration.ofNanos(Math.max(0, waitedNanos)));
        }
    }

    /** A call without a result. */
    public void run(String endpoint, Runnable call) {
        call(endpoint, () -> {
            call.run();
            return null;
        });
    }

    /**
     * With burst 1, waits until the call may start {@code per / requests} after the previous one began.
     * Resilience4j's limiter refreshes its permits per fixed period: a call that takes one period's
     * permit late in it and the next call, taking the following period's permit at its start, may be
     * only milliseconds apart, and a sliding window of {@code per} could hold {@code requests + 1}
     * calls. Spacing the starts keeps the promise that no such window holds more than {@code requests}.
     */
    private void awaitTurn(String endpoint) {
        if (policy.rateLimit().burst() != 1) {
            return;
        }
        long gap = refreshPeriod(policy.rateLimit()).toNanos();
        long start;
        while (true) {
            long now = System.nanoTime();
            long next = nextStart.get();
            start = next == Long.MIN_VALUE || now - next > 0 ? now : next;
            if (nextStart.compareAndSet(next, start + gap)) {
                break;
            }
        }
        for (long wait = start - System.nanoTime(); wait > 0; wait = start - System.nanoTime()) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw new CrmUnavailableException(connectorType, endpoint, "interrupted while waiting for the rate limit");
            }
        }
    }

    /** The limit ({@code 2/PT1S}), the permits free now, and the breaker's state. */
    public ConnectorStatus status() {
        return new ConnectorStatus(policy.rateLimit().text(), Math.max(0, limiter.getMetrics().getAvailablePermissions()),
                breaker.getState().name());
    }

    private CrmCallException exhausted(String endpoint, int attempts, CrmCallException last) {
        if (attempts <= 1) {
            return last;
        }
        String detail = "gave up after " + attempts + " attempts; last error: " + last.detail();
        return last instanceof CrmRateLimitedException limited
                ? new CrmRateLimitedException(connectorType, endpoint, detail, limited.retryAfter().orElse(null), last)
                : new CrmUnavailableException(connectorType, endpoint, detail, last);
    }

    private static RateLimiterConfig limiterConfig(CrmHttpPolicy.RateLimit limit) {
        return RateLimiterConfig.custom()
                .limitForPeriod(limit.burst())
                .limitRefreshPeriod(refreshPeriod(limit))
                .timeoutDuration(limiterTimeout(limit))
                .build();
    }

    /** {@code per × burst / requests}: the same sustained rate, {@code burst} permits at a time. */
    static Duration refreshPeriod(CrmHttpPolicy.RateLimit limit) {
        return limit.per().multipliedBy(limit.burst()).dividedBy(limit.requests());
    }

    /** How long a call may wait for a permit: many callers may queue on one connection. */
    private static Duration limiterTimeout(CrmHttpPolicy.RateLimit limit) {
        Duration floor = Duration.ofMinutes(2);
        Duration cycles = refreshPeriod(limit).multipliedBy(100);
        return cycles.compareTo(floor) > 0 ? cycles : floor;
    }

    private static CircuitBreakerConfig breakerConfig(CrmHttpPolicy.Breaker breaker, Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindow(breaker.window(), Math.min(breaker.minimumCalls(), breaker.window()),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(breaker.failureRatePercent())
                .waitDurationInOpenState(breaker.openFor())
                .permittedNumberOfCallsInHalfOpenState(breaker.halfOpenCalls())
                .recordException(e -> e instanceof CrmUnavailableException)
                .ignoreExceptions(CrmRateLimitedException.class, RequestNotPermitted.class)
                .clock(clock)
                .build();
    }

    private static RetryConfig retryConfig(CrmHttpPolicy.Retries retries) {
        IntervalBiFunction<Object> wait = (attempt, outcome) -> {
            Throwable error = outcome.isLeft() ? outcome.getLeft() : null;
            if (error instanceof CrmRateLimitedException limited && limited.retryAfter().isPresent()
                    && !limited.retryAfter().get().isZero()) {
                return ceilMillis(limited.retryAfter().get());
            }
            return backoff(retries, attempt);
        };
        return RetryConfig.custom()
                .maxAttempts(retries.maxAttempts())
                .intervalBiFunction(wait)
                .retryOnException(e -> e instanceof CrmUnavailableException
                        || (e instanceof CrmRateLimitedException limited && limited.retryAfter()
                        .map(asked -> asked.compareTo(retries.longestWait()) <= 0).orElse(true)))
                .failAfterMaxAttempts(false)
                .build();
    }

    /** Full jitter: a random wait from 0 to {@code min(max, initial × multiplier^(attempt-1))}. */
    static long backoff(CrmHttpPolicy.Retries retries, int attempt) {
        double cap = retries.initialBackoff().toMillis() * Math.pow(retries.multiplier(), Math.max(0, attempt - 1));
        long ceiling = (long) Math.min(retries.maxBackoff().toMillis(), cap);
        return ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    private static long ceilMillis(Duration duration) {
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    }
}
