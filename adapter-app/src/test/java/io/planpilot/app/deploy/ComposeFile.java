package io.planpilot.app.deploy;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A compose file's services, with what a service is given: environment, secrets, mounts. */
record ComposeFile(Path file, Map<String, Object> root) {

    /** ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error} */
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");

    record Mount(String source, String target, boolean bind) {
    }

    @SuppressWarnings("unchecked")
    static ComposeFile read(Path file) throws IOException {
        Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
        return new ComposeFile(file, (Map<String, Object>) loaded);
    }

    Map<String, Object> service(String name) {
        Map<String, Object> services = map(root.get("services"), "services");
        return map(services.get(name), "services." + name);
    }

    Map<String, Object> topLevel(String key) {
        return root.containsKey(key) ? map(root.get(key), key) : Map.of();
    }

    /**
     * The service's environment as the container sees it when the admin's shell sets nothing:
     * variables interpolated to their defaults (empty without one).
     */
    Map<String, String> environment(String serviceName) {
        Object environment = service(serviceName).get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> variables.put(String.valueOf(key), value == null ? "" : interpolate(String.valueOf(value))));
        } else if (environment instanceof List<?> lines) {
            for (Object line : lines) {
                String text = String.valueOf(line);
                int equals = text.indexOf('=');
                variables.put(equals < 0 ? text : text.substring(0, equals), equals < 0 ? "" : interpolate(text.substring(equals + 1)));
            }
        }
        return variables;
    }

    /** The file names the service's secrets have under /run/secrets. */
    List<String> secretTargets(String serviceName) {
        Object secrets = service(serviceName).getOrDefault("secrets", List.of());
        return ((List<?>) secrets).stream().map(secret -> {
            if (secret instanceof Map<?, ?> long_) {
                Object target = long_.get("target");
                return String.valueOf(target != null ? target : long_.get("source"));
            }
            return String.valueOf(secret);
        }).toList();
    }

    List<Mount> mounts(String serviceName) {
        Object volumes = service(serviceName).getOrDefault("volumes", List.of());
        return ((List<?>) volumes).stream().map(volume -> {
            if (volume instanceof Map<?, ?> long_) {
                return new Mount(String.valueOf(long_.get("source")), String.valueOf(long_.get("target")),
                        "bind".equals(long_.get("type")));
            }
            String[] parts = String.valueOf(volume).split(":");
            boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/") || parts[0].startsWith("~");
            return new Mount(parts[0], parts[1], bind);
        }).toList();
    }

    /** A bind mount's source on the host, relative to the compose file's folder. */
    Path hostPath(Mount mount) {
        return file.getParent().resolve(mount.source()).normalize();
    }

    static String interpolate(String value) {
        Matcher variable = VARIABLE.matcher(value);
        StringBuilder result = new StringBuilder();
        while (variable.find()) {
            String operator = variable.group(2);
            String replacement = operator != null && operator.endsWith("-") ? variable.group(3) : "";
            variable.appendReplacement(result, Matcher.quoteReplacement(replacement));
        }
        variable.appendTail(result);
        return result.toString();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(Object value, String where) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError(file + ": " + where + " is missing or not a mapping");
        }
        return (Map<String, Object>) value;
    }
}
