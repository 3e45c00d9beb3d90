package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectionSettings;
import io.planpilot.core.connector.SettingProblem;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The options of a {@code csv} connection, parsed from {@link ConnectionSettings#options()}.
 * <ul>
 *   <li>{@code path} (required): the folder of CSV files; a relative path resolves against the
 *       working directory. Whether the folder exists is checked when reading, not here: a missing
 *       folder is a failed sync run, not a configuration error.</li>
 *   <li>{@code columns.<file>.<column>}: the header in the file for an expected column, for exports
 *       with other headers ({@code columns.deals.amount = "Deal value"}); {@code <file>} is the file
 *       name without {@code .csv}.</li>
 * </ul>
 *
 * @param folder  the folder, absolute
 * @param columns per file, expected column name to the header used in the file
 */
public record CsvConnectorProperties(Path folder, Map<CsvFile, Map<String, String>> columns, Path actionsFile) {

    static final String PATH = "path";
    /** Optional: the CSV file the connection writes the adapter's tasks and comments into. */
    static final String ACTIONS_FILE = "actions-file";
    static final String COLUMNS = "columns.";

    public CsvConnectorProperties {
        Map<CsvFile, Map<String, String>> copy = new EnumMap<>(CsvFile.class);
        columns.forEach((file, renames) -> copy.put(file, Map.copyOf(renames)));
        columns = copy;
    }

    /** The header used in {@code file} for each renamed expected column (expected name to header). */
    Map<String, String> columnsOf(CsvFile file) {
        return columns.getOrDefault(file, Map.of());
    }

    /** Reads the options; throws {@link IllegalArgumentException} listing the {@link #problems} if any. */
    public static CsvConnectorProperties of(ConnectionSettings settings) {
        List<SettingProblem> problems = problems(settings);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("csv connection '" + settings.id() + "': " + problems.stream()
                    .map(p -> p.key() + ": " + p.problem()).collect(Collectors.joining("; ")));
        }
        Map<CsvFile, Map<String, String>> columns = new EnumMap<>(CsvFile.class);
        settings.options().forEach((key, value) -> rename(key).ifPresent(r ->
                columns.computeIfAbsent(r.file(), f -> new HashMap<>()).put(r.column(), value.trim())));
        Path folder = Path.of(settings.option(PATH).trim()).toAbsolutePath().normalize();
        String actions = settings.option(ACTIONS_FILE);
        Path actionsFile = actions == null || actions.isBlank() ? null : Path.of(actions.trim()).toAbsolutePath().normalize();
        return new CsvConnectorProperties(folder, columns, actionsFile);
    }

    /** Every problem of the options, in key order; empty when they are fine. */
    public static List<SettingProblem> problems(ConnectionSettings settings) {
        List<SettingProblem> problems = new ArrayList<>();
        String path = settings.option(PATH);
        if (path == null || path.isBlank()) {
            problems.add(new SettingProblem(PATH, "is required"));
        } else {
            try {
                Path.of(path.trim());
            } catch (InvalidPathException e) {
                problems.add(new SettingProblem(PATH, "is not a valid path: " + e.getReason()));
            }
        }
        String actions = settings.option(ACTIONS_FILE);
        if (actions != null && !actions.isBlank()) {
            try {
                Path.of(actions.trim());
            } catch (InvalidPathException e) {
                problems.add(new SettingProblem(ACTIONS_FILE, "is not a valid path: " + e.getReason()));
            }
        }
        Map<String, String> headerOwners = new HashMap<>();
        for (Map.Entry<String, String> option : new TreeMap<>(settings.options()).entrySet()) {
            String key = option.getKey();
            if (key.equals(PATH) || key.equals(ACTIONS_FILE)) {
                continue;
            }
            Optional<SettingProblem> problem = columnProblem(key, option.getValue(), headerOwners);
            problem.ifPresent(problems::add);
        }
        return problems;
    }

    private static Optional<SettingProblem> columnProblem(String key, String header, Map<String, String> headerOwners) {
        if (!key.startsWith(COLUMNS)) {
            return Optional.of(new SettingProblem(key, "unknown option of a csv connection (known: path, actions-file, columns.<file>.<column>)"));
        }
        String[] parts = key.substring(COLUMNS.length()).split("\\.", -1);
        Optional<CsvFile> file = CsvFile.byKey(parts[0]);
        if (file.isEmpty()) {
            return Optional.of(new SettingProblem(key, "unknown file '" + parts[0] + "' (known: "
                    + Arrays.stream(CsvFile.values()).map(CsvFile::key).collect(Collectors.joining(", ")) + ")"));
        }
        if (parts.length != 2 || !file.get().columns().contains(parts[1])) {
            return Optional.of(new SettingProblem(key, "unknown column of " + file.get().fileName()));
        }
        if (header == null || header.isBlank()) {
            return Optional.of(new SettingProblem(key, "must name the column's header in the file"));
        }
        String owner = headerOwners.putIfAbsent(parts[0] + "\n" + header.trim().toLowerCase(Locale.ROOT), key);
        if (owner != null) {
            return Optional.of(new SettingProblem(key, "names the same header '" + header.trim() + "' as " + owner));
        }
        return Optional.empty();
    }

    private static Optional<Rename> rename(String key) {
        if (!key.startsWith(COLUMNS)) {
            return Optional.empty();
        }
        String[] parts = key.substring(COLUMNS.length()).split("\\.", -1);
        return parts.length == 2 ? CsvFile.byKey(parts[0]).map(f -> new Rename(f, parts[1])) : Optional.empty();
    }

    private record Rename(CsvFile file, String column) {
    }
}
