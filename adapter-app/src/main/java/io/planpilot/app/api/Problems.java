package io.planpilot.app.api;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

import java.util.Map;

/** The problem+json answers of the API, each naming what it is about. */
public final class Problems {
    private Problems() {
    }

    public static ErrorResponseException notFound(String what, String id) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "unknown " + what + " '" + id + "'");
        problem.setTitle("Not Found");
        return new ErrorResponseException(HttpStatus.NOT_FOUND, problem, null);
    }

    /** A 400 naming the parameter or field; {@code parameter} is also a property of the body. */
    public static ErrorResponseException badRequest(String parameter, String problem) {
        ProblemDetail detail = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, parameter + ": " + problem);
        detail.setTitle("Bad Request");
        detail.setProperties(Map.of("parameter", parameter));
        return new ErrorResponseException(HttpStatus.BAD_REQUEST, detail, null);
    }
}
