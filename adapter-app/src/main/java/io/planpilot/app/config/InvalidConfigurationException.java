package io.planpilot.app.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration has problems; the adapter must not start. Carries every problem found. */
public class InvalidConfigurationException extends RuntimeException {
    private final List<ConfigProblem> problems;

    public InvalidConfigurationException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
