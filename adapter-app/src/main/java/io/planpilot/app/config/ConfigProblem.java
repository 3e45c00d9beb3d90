package io.planpilot.app.config;

/** One thing wrong with the configuration, printed as {@code <key>: <problem>}. */
public record ConfigProblem(String key, String problem) {
    @Override
    public String toString() {
        return key + ": " + problem;
    }
}
