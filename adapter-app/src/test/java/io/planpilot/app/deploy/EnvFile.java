package io.planpilot.app.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** An environment file as systemd's EnvironmentFile= reads it: KEY=value lines, '#' comments. */
final class EnvFile {

    private static final Pattern ASSIGNMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(.*)");
    private static final Pattern EXAMPLE = Pattern.compile("#([A-Za-z_][A-Za-z0-9_]*=.*)");

    private EnvFile() {
    }

    /**
     * The variables set; with {@code withExamples}, also those of the commented examples (a '#'
     * directly followed by {@code KEY=value}).
     */
    static Map<String, String> read(Path file, boolean withExamples) throws IOException {
        Map<String, String> variables = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            Matcher example = EXAMPLE.matcher(trimmed);
            if (withExamples && example.matches()) {
                trimmed = example.group(1);
            }
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            Matcher assignment = ASSIGNMENT.matcher(trimmed);
            if (!assignment.matches()) {
                throw new AssertionError(file + ": not KEY=value: " + line);
            }
            variables.put(assignment.group(1), unquote(assignment.group(2).strip()));
        }
        return variables;
    }

    private static String unquote(String value) {
        boolean quoted = value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"));
        return quoted ? value.substring(1, value.length() - 1) : value;
    }
}
