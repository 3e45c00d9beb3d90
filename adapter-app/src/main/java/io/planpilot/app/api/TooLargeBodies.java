package io.planpilot.app.api;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.util.unit.DataSize;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.PayloadTooLargeException;

/**
 * A request body larger than the adapter reads ({@code spring.codec.max-in-memory-size}) is a 413
 * problem that says the limit; nothing of it is applied. Webhook bodies have their own cap
 * ({@code adapter.webhooks.max-body-size}).
 */
@RestControllerAdvice
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.HIGHEST_PRECEDENCE)
public class TooLargeBodies {

    private final DataSize limit;

    public TooLargeBodies(@Value("${spring.codec.max-in-memory-size:256KB}") DataSize limit) {
        this.limit = limit;
    }

    @ExceptionHandler({PayloadTooLargeException.class, ContentTooLargeException.class})
    public ProblemDetail tooLarge(RuntimeException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE,
                "the request body is larger than the " + limit.toMegabytes() + "MB the adapter reads (spring.codec.max-in-memory-size)");
        problem.setTitle("Content Too Large");
        return problem;
    }
}
