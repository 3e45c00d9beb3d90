package io.planpilot.connector.csv;

import io.planpilot.core.connector.SyncWarning;
import org.apache.commons.csv.CSVRecord;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.Function;

/**
 * One data row of a file, read by expected column name. Values are trimmed; an empty cell is
 * missing (null). The typed getters throw {@link BadCellException} naming the column.
 */
final class CsvRow {

    private final CsvFile file;
    private final long line;
    private final CSVRecord record;
    private final CsvHeader header;

    CsvRow(CsvFile file, long line, CSVRecord record, CsvHeader header) {
        this.file = file;
        this.line = line;
        this.record = record;
        this.header = header;
    }

    /** The line the row starts on; the header is line 1. */
    long line() {
        return line;
    }

    /** Whether every cell is empty (a blank line): such rows are skipped without a warning. */
    boolean isBlank() {
        for (String value : record) {
            if (!value.isBlank()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Why the row does not fit the header (its number of values differs), or null when it does.
     * Extra empty values at the end (a trailing comma) are fine.
     */
    String shapeProblem() {
        int size = record.size();
        if (size < header.size()) {
            return "has " + size + " values but the header has " + header.size() + " columns";
        }
        for (int i = header.size(); i < size; i++) {
            if (!record.get(i).isBlank()) {
                return "has " + size + " values but the header has " + header.size() + " columns";
            }
        }
        return null;
    }

    /** The value of an expected column, or null when empty or when the file has no such column. */
    String text(String column) {
        return at(header.indexOfColumn(column));
    }

    /** The value at a position, or null when empty or out of the row. */
    String at(Integer index) {
        if (index == null || index >= record.size()) {
            return null;
        }
        String value = record.get(index).trim();
        return value.isEmpty() ? null : value;
    }

    String required(String column) {
        String value = text(column);
        if (value == null) {
            throw new BadCellException(column, "required value is missing");
        }
        return value;
    }

    /** {@code value} of {@code column}, which must not be missing. */
    <T> T present(String column, T value) {
        if (value == null) {
            throw new BadCellException(column, "required value is missing");
        }
        return value;
    }

    BigDecimal decimal(String column) {
        return convert(column, CsvRow::number);
    }

    Instant instant(String column, CsvTimeParser times) {
        return convert(column, times::instant);
    }

    LocalDate date(String column, CsvTimeParser times) {
        return convert(column, times::date);
    }

    /** The constant of {@code type} named by the value, case-insensitively; null when empty. */
    <E extends Enum<E>> E constant(String column, Class<E> type) {
        return convert(column, value -> {
            try {
                return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new BadCellException("unknown value '" + value + "' (expected one of "
                        + String.join(", ", Arrays.stream(type.getEnumConstants()).map(Enum::name).toList())
                        + ")");
            }
        });
    }

    /** Converts the value of a column; null when empty. */
    <T> T convert(String column, Function<String, T> converter) {
        String value = text(column);
        if (value == null) {
            return null;
        }
        try {
            return converter.apply(value);
        } catch (BadCellException e) {
            throw e.inColumn(column);
        }
    }

    SyncWarning warning(String column, String reason) {
        return new SyncWarning(file.fileName(), line, column, reason);
    }

    SyncWarning warning(BadCellException problem) {
        return warning(problem.column(), problem.reason());
    }

    private static BigDecimal number(String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new BadCellException("not a number: '" + value + "' (use '.' as the decimal point, no grouping)");
        }
    }
}
