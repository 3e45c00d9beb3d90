package io.planpilot.core.rules;

import io.planpilot.core.domain.Dimension;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One map of rules.yml being read: typed values with their defaults, and one problem line per
 * wrong value, naming its full key ({@code rules.stale-deal.enabled: must be true or false}).
 * Keys never asked for are reported as unknown by {@link #finish}.
 */
final class YamlSection {

    private final String path;
    private final Map<String, Object> values;
    private final List<String> problems;
    private final Set<String> known = new LinkedHashSet<>();

    private YamlSection(String path, Map<String, Object> values, List<String> problems) {
        this.path = path;
        this.values = values;
        this.problems = problems;
    }

    /** The section at {@code path}; a value that is not a map is a problem and reads as empty. */
    static YamlSection of(String path, Object value, List<String> problems) {
        if (value == null) {
            return new YamlSection(path, Map.of(), problems);
        }
        if (!(value instanceof Map<?, ?> map)) {
            problems.add(path + ": must be a map of keys to values");
            return new YamlSection(path, Map.of(), problems);
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return new YamlSection(path, copy, problems);
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    Set<String> keys() {
        return values.keySet();
    }

    Object raw(String name) {
        known.add(name);
        return values.get(name);
    }

    YamlSection section(String name) {
        return of(key(name), raw(name), problems);
    }

    void problem(String name, String problem) {
        problems.add(key(name) + ": " + problem);
    }

    boolean bool(String name, boolean fallback) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        if (value instanceof String s && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("false"))) {
            return Boolean.parseBoolean(s);
        }
        problem(name, "must be true or false, not '" + value + "'");
        return fallback;
    }

    /** A number in {@code [min, max]}; a fraction such as {@code 1/3} is read exactly. */
    BigDecimal decimal(String name, BigDecimal fallback, BigDecimal min, BigDecimal max) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        BigDecimal number = number(value);
        if (number == null) {
            problem(name, "must be a number, not '" + value + "'");
            return fallback;
        }
        if (min != null && number.compareTo(min) < 0 || max != null && number.compareTo(max) > 0) {
            problem(name, "must be " + range(min, max) + ", not " + value);
            return fallback;
        }
        return number;
    }

    /** Like {@link #decimal} but an explicit null (or absent) stays null. */
    BigDecimal optionalDecimal(String name, BigDecimal min) {
        return decimal(name, null, min, null);
    }

    int integer(String name, int fallback, int min, int max) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        BigDecimal number = number(value);
        if (number == null || number.stripTrailingZeros().scale() > 0) {
            problem(name, "must be a whole number, not '" + value + "'");
            return fallback;
        }
        if (number.compareTo(BigDecimal.valueOf(min)) < 0 || number.compareTo(BigDecimal.valueOf(max)) > 0) {
            problem(name, "must be " + min + ".." + max + ", not " + value);
            return fallback;
        }
        return number.intValueExact();
    }

    LocalTime time(String name, LocalTime fallback) {
        Object value = raw(name);
        if (value == null) {
            return fallback;
        }
        try {
            return LocalTime.parse(String.valueOf(value));
        } catch (DateTimeParseException e) {
            problem(name, "must be a local time such as 18:00, not '" + value + "'");
            return fallback;
        }
    }

    List<Role> roles(String name, List<Role> fallback) {
        List<String> items = list(name);
        if (items == null) {
            return fallback;
        }
        List<Role> roles = new ArrayList<>();
        for (String item : items) {
            Role.fromKey(item).filter(r -> r != Role.HEAD).ifPresentOrElse(r -> {
                if (!roles.contains(r)) {
                    roles.add(r);
                }
            }, () -> problem(name, "unknown role '" + item + "' (marketing, production, logistics, accounting)"));
        }
        return List.copyOf(roles);
    }

    List<Dimension> dimensions(String name, List<Dimension> fallback, Set<Dimension> allowed) {
        List<String> items = list(name);
        if (items == null) {
            return fallback;
        }
        Set<Dimension> chosen = new TreeSet<>();
        for (String item : items) {
            Dimension.fromKey(item).filter(allowed::contains).ifPresentOrElse(chosen::add,
                    () -> problem(name, "unknown dimension '" + item + "' (" + String.join(", ",
                            allowed.stream().sorted().map(Dimension::key).toList()) + ")"));
        }
        return List.copyOf(chosen);
    }

    /** A list of strings; a single string is a list of one; null when absent. */
    private List<String> list(String name) {
        Object value = raw(name);
        if (value == null) {
            return null;
        }
        if (value instanceof String s) {
            return s.isBlank() ? List.of() : List.of(s.trim());
        }
        if (value instanceof List<?> list) {
            return list.stream().map(v -> String.valueOf(v).trim()).toList();
        }
        problem(name, "must be a list, not '" + value + "'");
        return List.of();
    }

    /** Reports every key not asked for; {@code hints} add a word to some. */
    void finish(Map<String, String> hints) {
        for (String name : values.keySet()) {
            if (!known.contains(name)) {
                String hint = hints.get(name);
                problem(name, "unknown key" + (hint == null ? "" : ": " + hint));
            }
        }
    }

    void finish() {
        finish(Map.of());
    }

    private static BigDecimal number(Object value) {
        if (value instanceof Number n) {
            try {
                return new BigDecimal(n.toString());
            } catch (NumberFormatException e) {
                return null; // NaN, Infinity
            }
        }
        if (value instanceof String s) {
            String text = s.trim();
            int slash = text.indexOf('/');
            try {
                if (slash > 0) {
                    BigDecimal divisor = new BigDecimal(text.substring(slash + 1).trim());
                    return divisor.signum() == 0 ? null
                            : new BigDecimal(text.substring(0, slash).trim()).divide(divisor, MathContext.DECIMAL128);
                }
                return new BigDecimal(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String range(BigDecimal min, BigDecimal max) {
        if (min != null && max != null) {
            return "between " + min.toPlainString() + " and " + max.toPlainString();
        }
        return min != null ? "at least " + min.toPlainString() : "at most " + max.toPlainString();
    }
}
