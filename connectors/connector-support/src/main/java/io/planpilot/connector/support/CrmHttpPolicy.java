package io.planpilot.connector.support;

import io.planpilot.core.connector.SettingProblem;

import java.time.DateTimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How one connection talks to its CRM: the rate limit, retries, timeouts, the circuit breaker and
 * the sync's safety delay. A connector factory starts from {@link #defaults(int, Duration)} with its
 * CRM's documented limit and applies the connection's options with {@link #withOptions(Map)}.
 *
 * <p>Defaults (each can be set per connection by the option in brackets, durations in ISO-8601):
 * <ul>
 *   <li>rate limit: the CRM's documented one [{@code rate-limit.requests}, {@code rate-limit.per},
 *       {@code rate-limit.burst}]; burst 1 spreads calls evenly, so no window of {@code per} ever
 *       holds more than {@code requests} calls (right for CRMs that count in rolling windows);</li>
 *   <li>retries: 5 attempts in all [{@code retry.max-attempts}], backoff from 500 ms
 *       [{@code retry.initial-backoff}] doubling up to 30 s [{@code retry.max-backoff}] with full
 *       jitter; a CRM's {@code Retry-After} is honoured up to 5 min [{@code retry.longest-wait}],
 *       a longer one fails the call at once and a later run resumes;</li>
 *   <li>timeouts: connect 5 s [{@code timeout.connect}], read 30 s [{@code timeout.read}];</li>
 *   <li>circuit breaker: over the last 20 calls [{@code circuit-breaker.window}], once at least 10
 *       were made [{@code circuit-breaker.minimum-calls}], 50 % unavailable
 *       [{@code circuit-breaker.failure-rate}] opens it for 30 s [{@code circuit-breaker.open-for}],
 *       then 3 trial calls [{@code circuit-breaker.half-open-calls}] decide;</li>
 *   <li>sync safety delay: a window's end stays 30 s behind the start of the read
 *       [{@code sync.safety-delay}], so changes the CRM records late are read next time.</li>
 * </ul>
 */
public record CrmHttpPolicy(RateLimit rateLimit, Retries retries, Timeouts timeouts, Breaker breaker,
                            Duration safetyDelay) {

    /** At most {@code requests} calls per {@code per}, up to {@code burst} of them at once. */
    public record RateLimit(int requests, Duration per, int burst) {
        public RateLimit {
            positive(requests, "rate-limit.requests");
            positive(per, "rate-limit.per");
            positive(burst, "rate-limit.burst");
            if (burst > requests) {
                throw new IllegalArgumentException("rate-limit.burst (" + burst + ") exceeds rate-limit.requests (" + requests + ")");
            }
        }

        /** {@code 2/PT1S}, with {@code  burst 50} when calls may go in bursts. */
        public String text() {
            return requests + "/" + per + (burst > 1 ? " burst " + burst : "");
        }
    }

    /** {@code maxAttempts} counts the first call; waits grow from {@code initialBackoff} by {@code multiplier}. */
    public record Retries(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff,
                          Duration longestWait) {
        public Retries {
            positive(maxAttempts, "retry.max-attempts");
            notNegative(initialBackoff, "retry.initial-backoff");
            if (!(multiplier >= 1)) {
                throw new IllegalArgumentException("the backoff multiplier must be at least 1");
            }
            notNegative(maxBackoff, "retry.max-backoff");
            notNegative(longestWait, "retry.longest-wait");
        }
    }

    public record Timeouts(Duration connect, Duration read) {
        public Timeouts {
            positive(connect, "timeout.connect");
            positive(read, "timeout.read");
        }
    }

    /** Count-based: over the last {@code window} calls, once {@code minimumCalls} were made. */
    public record Breaker(int window, int minimumCalls, float failureRatePercent, Duration openFor, int halfOpenCalls) {
        public Breaker {
            positive(window, "circuit-breaker.window");
            positive(minimumCalls, "circuit-breaker.minimum-calls");
            if (!(failureRatePercent > 0 && failureRatePercent <= 100)) {
                throw new IllegalArgumentException("circuit-breaker.failure-rate must be above 0 and at most 100");
            }
            positive(openFor, "circuit-breaker.open-for");
            positive(halfOpenCalls, "circuit-breaker.half-open-calls");
        }
    }

    public static final String RATE_LIMIT_REQUESTS = "rate-limit.requests";
    public static final String RATE_LIMIT_PER = "rate-limit.per";
    public static final String RATE_LIMIT_BURST = "rate-limit.burst";
    public static final String RETRY_MAX_ATTEMPTS = "retry.max-attempts";
    public static final String RETRY_INITIAL_BACKOFF = "retry.initial-backoff";
    public static final String RETRY_MAX_BACKOFF = "retry.max-backoff";
    public static final String RETRY_LONGEST_WAIT = "retry.longest-wait";
    public static final String TIMEOUT_CONNECT = "timeout.connect";
    public static final String TIMEOUT_READ = "timeout.read";
    public static final String BREAKER_WINDOW = "circuit-breaker.window";
    public static final String BREAKER_MINIMUM_CALLS = "circuit-breaker.minimum-calls";
    public static final String BREAKER_FAILURE_RATE = "circuit-breaker.failure-rate";
    public static final String BREAKER_OPEN_FOR = "circuit-breaker.open-for";
    public static final String BREAKER_HALF_OPEN_CALLS = "circuit-breaker.half-open-calls";
    public static final String SYNC_SAFETY_DELAY = "sync.safety-delay";

    /** Every option key this policy reads; a connector's {@code validate} accepts them beside its own. */
    public static final Set<String> OPTION_KEYS = Set.of(RATE_LIMIT_REQUESTS, RATE_LIMIT_PER, RATE_LIMIT_BURST,
            RETRY_MAX_ATTEMPTS, RETRY_INITIAL_BACKOFF, RETRY_MAX_BACKOFF, RETRY_LONGEST_WAIT, TIMEOUT_CONNECT,
            TIMEOUT_READ, BREAKER_WINDOW, BREAKER_MINIMUM_CALLS, BREAKER_FAILURE_RATE, BREAKER_OPEN_FOR,
            BREAKER_HALF_OPEN_CALLS, SYNC_SAFETY_DELAY);

    public CrmHttpPolicy {
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(retries, "retries");
        Objects.requireNonNull(timeouts, "timeouts");
        Objects.requireNonNull(breaker, "breaker");
        notNegative(safetyDelay, SYNC_SAFETY_DELAY);
    }

    /** The documented defaults above, with the CRM's documented rate limit (burst 1). */
    public static CrmHttpPolicy defaults(int requests, Duration per) {
        return new CrmHttpPolicy(new RateLimit(requests, per, 1),
                new Retries(5, Duration.ofMillis(500), 2.0, Duration.ofSeconds(30), Duration.ofMinutes(5)),
                new Timeouts(Duration.ofSeconds(5), Duration.ofSeconds(30)),
                new Breaker(20, 10, 50f, Duration.ofSeconds(30), 3),
                Duration.ofSeconds(30));
    }

    public CrmHttpPolicy withRateLimit(RateLimit value) {
        return new CrmHttpPolicy(value, retries, timeouts, breaker, safetyDelay);
    }

    public CrmHttpPolicy withRetries(Retries value) {
        return new CrmHttpPolicy(rateLimit, value, timeouts, breaker, safetyDelay);
    }

    public CrmHttpPolicy withTimeouts(Timeouts value) {
        return new CrmHttpPolicy(rateLimit, retries, value, breaker, safetyDelay);
    }

    public CrmHttpPolicy withBreaker(Breaker value) {
        return new CrmHttpPolicy(rateLimit, retries, timeouts, value, safetyDelay);
    }

    public CrmHttpPolicy withSafetyDelay(Duration value) {
        return new CrmHttpPolicy(rateLimit, retries, timeouts, breaker, value);
    }

    /** A connector's option keys: its own and the HTTP options every connector takes. */
    public static java.util.Set<String> optionNames(java.util.Set<String> ownKeys) {
        java.util.Set<String> names = new java.util.HashSet<>(ownKeys);
        names.addAll(OPTION_KEYS);
        return java.util.Set.copyOf(names);
    }

    /** One problem per option key that is neither the connector's own nor an HTTP option, naming the known ones. */
    public static java.util.List<io.planpilot.core.connector.SettingProblem> unknownOptions(String type, java.util.Set<String> given,
                                                                                          java.util.Set<String> ownKeys) {
        String article = type.matches("(?i)[aeiou].*") ? "an " : "a ";
        return given.stream()
                .filter(key -> !ownKeys.contains(key) && !OPTION_KEYS.contains(key))
                .sorted()
                .map(key -> new io.planpilot.core.connector.SettingProblem(key, "unknown option of " + article + type
                        + " connection (known: " + String.join(", ", ownKeys.stream().sorted().toList())
                        + ", dimensions, rate-limit and the HTTP options)"))
                .toList();
    }

    /**
     * This policy with the connection's {@link #OPTION_KEYS} applied; other keys are ignored.
     *
     * @throws IllegalArgumentException naming the options that are wrong ({@link #problems})
     */
    public CrmHttpPolicy withOptions(Map<String, String> options) {
        List<SettingProblem> problems = problems(options);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.stream().map(p -> p.key() + ": " + p.problem())
                    .reduce((a, b) -> a + "; " + b).orElseThrow());
        }
        return apply(options, new ArrayList<>());
    }

    /**
     * This policy for one connection: its options applied, then the {@code rate-limit} the admin
     * configured for it ({@link ConnectionSettings#rateLimit()}), which wins over the CRM's default.
     */
    public CrmHttpPolicy forConnection(io.planpilot.core.connector.ConnectionSettings settings) {
        CrmHttpPolicy policy = withOptions(settings.options());
        io.planpilot.core.connector.RateLimit configured = settings.rateLimit();
        if (configured == null) {
            return policy;
        }
        int burst = configured.burst() == null ? 1 : Math.min(configured.burst(), configured.requests());
        return policy.withRateLimit(new RateLimit(configured.requests(), configured.per(), burst));
    }

    /** The problems of the policy options in {@code options}, by key (other keys are not looked at); empty when fine. */
    public static List<SettingProblem> problems(Map<String, String> options) {
        List<SettingProblem> problems = new ArrayList<>();
        defaults(1, Duration.ofSeconds(1)).apply(options, problems);
        problems.sort(java.util.Comparator.comparing(SettingProblem::key));
        return problems;
    }

    private CrmHttpPolicy apply(Map<String, String> raw, List<SettingProblem> problems) {
        Map<String, String> options = new TreeMap<>(raw);
        Options o = new Options(options, problems);
        boolean rateLimitGiven = options.containsKey(RATE_LIMIT_REQUESTS) || options.containsKey(RATE_LIMIT_PER);
        if (rateLimitGiven && !(options.containsKey(RATE_LIMIT_REQUESTS) && options.containsKey(RATE_LIMIT_PER))) {
            problems.add(new SettingProblem(options.containsKey(RATE_LIMIT_REQUESTS) ? RATE_LIMIT_PER : RATE_LIMIT_REQUESTS,
                    "is required with " + (options.containsKey(RATE_LIMIT_REQUESTS) ? RATE_LIMIT_REQUESTS : RATE_LIMIT_PER)));
        }
        int requests = o.whole(RATE_LIMIT_REQUESTS, rateLimit.requests(), 1);
        Duration per = o.duration(RATE_LIMIT_PER, rateLimit.per(), false);
        int burst = o.whole(RATE_LIMIT_BURST, rateLimitGiven ? 1 : rateLimit.burst(), 1);
        if (burst > requests) {
            problems.add(new SettingProblem(RATE_LIMIT_BURST, "must not exceed " + RATE_LIMIT_REQUESTS + " (" + requests + ")"));
            burst = requests;
        }
        Retries r = new Retries(o.whole(RETRY_MAX_ATTEMPTS, retries.maxAttempts(), 1),
                o.duration(RETRY_INITIAL_BACKOFF, retries.initialBackoff(), true), retries.multiplier(),
                o.duration(RETRY_MAX_BACKOFF, retries.maxBackoff(), true),
                o.duration(RETRY_LONGEST_WAIT, retries.longestWait(), true));
        Timeouts t = new Timeouts(o.duration(TIMEOUT_CONNECT, timeouts.connect(), false),
                o.duration(TIMEOUT_READ, timeouts.read(), false));
        float rate = o.number(BREAKER_FAILURE_RATE, breaker.failureRatePercent());
        Breaker b = new Breaker(o.whole(BREAKER_WINDOW, breaker.window(), 1),
                o.whole(BREAKER_MINIMUM_CALLS, breaker.minimumCalls(), 1), rate,
                o.duration(BREAKER_OPEN_FOR, breaker.openFor(), false),
                o.whole(BREAKER_HALF_OPEN_CALLS, breaker.halfOpenCalls(), 1));
        Duration delay = o.duration(SYNC_SAFETY_DELAY, safetyDelay, true);
        return new CrmHttpPolicy(new RateLimit(requests, per, burst), r, t, b, delay);
    }

    /** Reads option values, noting each bad one and keeping the fallback in its place. */
    private record Options(Map<String, String> values, List<SettingProblem> problems) {

        int whole(String key, int fallback, int min) {
            return parse(key, fallback, text -> {
                int value = Integer.parseInt(text);
                return value >= min ? value : null;
            }, "must be a whole number of at least " + min);
        }

        float number(String key, float fallback) {
            return parse(key, fallback, text -> {
                float value = Float.parseFloat(text);
                return value > 0 && value <= 100 ? value : null;
            }, "must be a percentage above 0 and at most 100");
        }

        Duration duration(String key, Duration fallback, boolean zeroAllowed) {
            return parse(key, fallback, text -> {
                Duration value = text.equals("0") ? Duration.ZERO : Duration.parse(text);
                return value.isNegative() || (!zeroAllowed && value.isZero()) ? null : value;
            }, "must be an ISO-8601 duration " + (zeroAllowed ? "such as PT30S, or 0" : "above 0 such as PT1S"));
        }

        private <T> T parse(String key, T fallback, Function<String, T> parser, String rule) {
            String text = values.get(key);
            if (text == null) {
                return fallback;
            }
            T value;
            try {
                value = parser.apply(text.trim());
            } catch (NumberFormatException | DateTimeException e) {
                value = null;
            }
            if (value == null) {
                problems.add(new SettingProblem(key, rule + " (got '" + text + "')"));
                return fallback;
            }
            return value;
        }
    }

    private static void positive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1");
        }
    }

    private static void positive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be above 0");
        }
    }

    private static void notNegative(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative");
        }
    }
}
