package io.planpilot.connector.pipedrive;

import feign.TypedResponse;
import io.planpilot.connector.support.CrmResilience;
import io.planpilot.core.connector.ConnectorStatus;

import java.util.function.Supplier;

/**
 * Every call of one connection to Pipedrive: through the connection's {@link CrmResilience} (limiter,
 * breaker, retries) and, inside it, the {@link PipedriveRateWindow} that reads each answer's headers and
 * waits for the burst window's reset before a call that would be refused.
 */
final class PipedriveCalls {

    private final CrmResilience resilience;
    private final PipedriveRateWindow window;

    PipedriveCalls(CrmResilience resilience, PipedriveRateWindow window) {
        this.resilience = resilience;
        this.window = window;
    }

    /** The body of {@code call}'s answer; {@code endpoint} names the call in errors. */
    <T> T call(String endpoint, Supplier<TypedResponse<T>> call) {
        return resilience.call(endpoint, () -> {
            window.beforeCall(endpoint);
            TypedResponse<T> answer = call.get();
            window.observe(answer.headers());
            return answer.body();
        });
    }

    /** As {@link #call}, where {@code call} itself decides what a retried attempt does (writes). */
    <T> T attempt(String endpoint, Supplier<T> call) {
        return resilience.call(endpoint, () -> {
            window.beforeCall(endpoint);
            return call.get();
        });
    }

    /** The answer's body after the window saw its headers, for {@link #attempt}. */
    <T> T body(TypedResponse<T> answer) {
        window.observe(answer.headers());
        return answer.body();
    }

    ConnectorStatus status() {
        return resilience.status();
    }

    PipedriveRateWindow window() {
        return window;
    }
}
