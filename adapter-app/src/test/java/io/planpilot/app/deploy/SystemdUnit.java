package io.planpilot.app.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A systemd unit file: each section's settings, a setting given twice keeping both values. */
record SystemdUnit(Map<String, Map<String, List<String>>> sections) {

    private static final Pattern ASSIGNMENT = Pattern.compile("\"([^\"]*)\"|(\\S+)");

    static SystemdUnit read(Path file) throws IOException {
        Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
        Map<String, List<String>> current = null;
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (trimmed.startsWith("[") && trimmed.endsWith("]")) {
                current = sections.computeIfAbsent(trimmed.substring(1, trimmed.length() - 1), name -> new LinkedHashMap<>());
                continue;
            }
            int equals = trimmed.indexOf('=');
            if (current == null || equals < 0) {
                throw new AssertionError(file + ": not a section nor a setting: " + line);
            }
            current.computeIfAbsent(trimmed.substring(0, equals).strip(), key -> new ArrayList<>())
                    .add(trimmed.substring(equals + 1).strip());
        }
        return new SystemdUnit(sections);
    }

    /** The last value of a setting (the one in force), or null. */
    String service(String key) {
        List<String> values = sections.getOrDefault("Service", Map.of()).get(key);
        return values == null ? null : values.get(values.size() - 1);
    }

    List<String> serviceAll(String key) {
        return sections.getOrDefault("Service", Map.of()).getOrDefault(key, List.of());
    }

    /** Every {@code Environment=} assignment, later ones winning. */
    Map<String, String> environment() {
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : serviceAll("Environment")) {
            Matcher words = ASSIGNMENT.matcher(line);
            while (words.find()) {
                String word = words.group(1) != null ? words.group(1) : words.group(2);
                int equals = word.indexOf('=');
                environment.put(word.substring(0, equals), word.substring(equals + 1));
            }
        }
        return environment;
    }
}
