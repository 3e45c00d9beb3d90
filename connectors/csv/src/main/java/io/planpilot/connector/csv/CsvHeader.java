package io.planpilot.connector.csv;

import io.planpilot.core.connector.ConnectorException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The header row of a file, checked: where each expected column is (after the {@code columns}
 * renames), and where any other header is (deals.csv keeps them for the dimension mapping). Header
 * names are matched without surrounding spaces and case-insensitively.
 */
final class CsvHeader {

    private final List<String> names;
    private final Map<String, Integer> byName;
    private final Map<String, Integer> byColumn;

    private CsvHeader(List<String> names, Map<String, Integer> byName, Map<String, Integer> byColumn) {
        this.names = names;
        this.byName = byName;
        this.byColumn = byColumn;
    }

    /**
     * Checks a header row.
     *
     * @param renames expected column name to the header the file uses for it
     * @throws ConnectorException naming the file when a header is repeated or a required column is missing
     */
    static CsvHeader of(CsvFile file, List<String> row, Map<String, String> renames) {
        List<String> names = row.stream().map(String::trim).toList();
        if (names.stream().allMatch(String::isEmpty)) {
            throw new ConnectorException(file.fileName() + ": the header row is empty; expected column names such as "
                    + String.join(", ", file.columns()));
        }
        Map<String, Integer> byName = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.isEmpty()) {
                continue;
            }
            Integer first = byName.putIfAbsent(fold(name), i);
            if (first != null) {
                throw new ConnectorException(file.fileName() + ": the header has the column '" + name + "' twice"
                        + " (columns " + (first + 1) + " and " + (i + 1) + ")");
            }
        }
        Map<String, Integer> byColumn = new HashMap<>();
        List<String> missing = new ArrayList<>();
        for (String column : file.columns()) {
            String header = renames.getOrDefault(column, column);
            Integer index = byName.get(fold(header));
            if (index != null) {
                byColumn.put(column, index);
            } else if (file.isRequiredColumn(column)) {
                missing.add(header.equals(column) ? "'" + column + "'"
                        : "'" + column + "' (as '" + header + "', from columns." + file.key() + "." + column + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new ConnectorException(file.fileName() + ": header lacks required column"
                    + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                    + " (found: " + names.stream().filter(n -> !n.isEmpty()).collect(Collectors.joining(", ")) + ")");
        }
        return new CsvHeader(names, byName, byColumn);
    }

    /** The number of columns of the header row. */
    /** The header names as the file writes them. */
    List<String> names() {
        return names;
    }

    int size() {
        return names.size();
    }

    /** The position of an expected column, or null when the file does not have it. */
    Integer indexOfColumn(String column) {
        return byColumn.get(column);
    }

    /** The position of the column with this header, or null when there is none. */
    Integer indexOfHeader(String header) {
        return byName.get(fold(header));
    }

    private static String fold(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }
}
