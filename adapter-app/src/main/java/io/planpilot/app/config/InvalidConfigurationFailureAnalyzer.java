package io.planpilot.app.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Keeps a configuration error a list of named keys in the log, never a stack trace. */
public class InvalidConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidConfigurationException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidConfigurationException cause) {
        return new FailureAnalysis("The adapter configuration has problems:\n" + cause.getMessage(),
                "Correct the keys named above in config/application.yml, the command line or the environment.", null);
    }
}
