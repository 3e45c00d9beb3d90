package io.planpilot.app.plan;

import java.util.List;

/** A plan that was rejected whole; each problem names its line. */
public class InvalidPlanException extends IllegalArgumentException {
    private final List<String> problems;

    public InvalidPlanException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
