package io.planpilot.app.config;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every {@code adapter.*} property given from any source (YAML, arguments, environment), compared
 * the way Spring binds them (case, dashes and the environment's underscores folded). The reader
 * marks what it uses; what is left over is an unknown key.
 */
final class AdapterPropertyNames {

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private final ConfigurableEnvironment environment;

    private record Entry(ConfigurationPropertyName name, String value) {
    }

    AdapterPropertyNames(ConfigurableEnvironment environment) {
        this.environment = environment;
        ConfigurationPropertyName root = ConfigurationPropertyName.of("adapter");
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.stream().filter(root::isAncestorOf).forEach(name -> {
                String key = uniform(name);
                if (!entries.containsKey(key)) { // sources come highest precedence first
                    ConfigurationProperty property = source.getConfigurationProperty(name);
                    Object raw = property == null ? null : property.getValue();
                    String value = raw == null ? "" : environment.resolvePlaceholders(raw.toString());
                    entries.put(key, new Entry(name, value));
                }
            });
        }
    }

    /** The value of a key (null when absent) and marks it used. */
    String value(String key) {
        String uniform = uniform(ConfigurationPropertyName.adapt(key, '.'));
        Entry entry = entries.get(uniform);
        if (entry == null) {
            return null;
        }
        used.add(uniform);
        return entry.value().trim();
    }

    /** The value of an exact name found by {@link #childNames} and marks it used. */
    String value(ConfigurationPropertyName name) {
        String uniform = uniform(name);
        Entry entry = entries.get(uniform);
        if (entry == null) {
            return null;
        }
        used.add(uniform);
        return entry.value().trim();
    }

    /**
     * A list given as indexed entries ({@code key[0]}, YAML), as one comma-separated value
     * (arguments, environment), or as an empty value (YAML {@code []}).
     */
    List<String> list(String key) {
        List<String> values = new ArrayList<>();
        String whole = value(key);
        if (whole != null) {
            for (String part : whole.split(",")) {
                if (!part.isBlank()) {
                    values.add(part.trim());
                }
            }
        }
        ConfigurationPropertyName parent = ConfigurationPropertyName.adapt(key, '.');
        for (Entry entry : List.copyOf(entries.values())) {
            ConfigurationPropertyName name = entry.name();
            if (parent.isParentOf(name) && name.isLastElementIndexed()) {
                String item = value(name);
                if (item != null && !item.isBlank()) {
                    values.add(item);
                }
            }
        }
        return values;
    }

    /**
     * The distinct map keys right below {@code key} (as written), e.g. connection ids; marks an
     * empty map value ({@code {}}) used.
     */
    List<String> childNames(String key) {
        ConfigurationPropertyName parent = ConfigurationPropertyName.adapt(key, '.');
        value(key); // `connections: {}` arrives as an empty value
        Map<String, String> names = new LinkedHashMap<>();
        int depth = parent.getNumberOfElements();
        for (Entry entry : entries.values()) {
            ConfigurationPropertyName name = entry.name();
            if (parent.isAncestorOf(name)) {
                names.putIfAbsent(name.getElement(depth, Form.UNIFORM), name.getElement(depth, Form.ORIGINAL));
            }
        }
        return List.copyOf(names.values());
    }

    /** Names below {@code prefix} not yet used, relative to it, in their dashed form. */
    Map<String, ConfigurationPropertyName> unusedBelow(String prefix) {
        ConfigurationPropertyName parent = ConfigurationPropertyName.adapt(prefix, '.');
        Map<String, ConfigurationPropertyName> below = new LinkedHashMap<>();
        int depth = parent.getNumberOfElements();
        entries.forEach((uniform, entry) -> {
            if (!used.contains(uniform) && parent.isAncestorOf(entry.name())) {
                below.put(relative(entry.name(), depth), entry.name());
            }
        });
        return below;
    }

    /** Every name not used by the reader: the unknown keys. */
    List<String> unused() {
        List<String> unknown = new ArrayList<>();
        entries.forEach((uniform, entry) -> {
            if (!used.contains(uniform)) {
                unknown.add(entry.name().toString());
            }
        });
        return unknown;
    }

    private static String relative(ConfigurationPropertyName name, int from) {
        StringBuilder key = new StringBuilder();
        for (int i = from; i < name.getNumberOfElements(); i++) {
            if (indexed(name, i)) {
                key.append('[').append(name.getElement(i, Form.ORIGINAL)).append(']');
            } else {
                if (!key.isEmpty()) {
                    key.append('.');
                }
                key.append(name.getElement(i, Form.DASHED));
            }
        }
        return key.toString();
    }

    private static String uniform(ConfigurationPropertyName name) {
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < name.getNumberOfElements(); i++) {
            key.append(indexed(name, i) ? "[" : ".").append(name.getElement(i, Form.UNIFORM));
        }
        return key.toString();
    }

    private static boolean indexed(ConfigurationPropertyName name, int element) {
        return name.chop(element + 1).isLastElementIndexed();
    }
}
