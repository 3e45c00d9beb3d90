package io.planpilot.app.plan;

import io.planpilot.core.domain.Dimension;
import io.planpilot.core.domain.PlanTarget;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The sales plan as CSV (CONTRACT.md, "Plan file"): {@code period,dimension,key,amount} and an
 * optional {@code connection}. A file that does not parse is rejected whole, every bad line named.
 */
public final class PlanFile {

    private static final Pattern MONTH = Pattern.compile("\\d{4}-\\d{2}");
    private static final List<String> REQUIRED = List.of("period", "dimension", "key", "amount");

    private PlanFile() {
    }

    /**
     * @param connections the configured connection ids a row may name
     * @param reps        says why a rep key names no user (null when it does)
     * @throws InvalidPlanException listing every problem, each starting with its line
     */
    public static List<PlanTarget> parse(String csv, Set<String> connections, RepCheck reps) {
        List<String> problems = new ArrayList<>();
        List<PlanTarget> targets = new ArrayList<>();
        String text = csv.startsWith("\uFEFF") ? csv.substring(1) : csv;
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).setIgnoreSurroundingSpaces(true)
                .setIgnoreEmptyLines(true).get();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(format).get()) {
            Map<String, Integer> header = lowerCase(parser.getHeaderMap());
            List<String> missing = REQUIRED.stream().filter(column -> !header.containsKey(column)).toList();
            if (!missing.isEmpty()) {
                throw new InvalidPlanException(List.of("line 1: the header lacks " + String.join(", ", missing)
                        + " (expected period,dimension,key,amount[,connection])"));
            }
            Map<String, Long> firstLine = new HashMap<>();
            long line = 1;
            for (CSVRecord record : parser) {
                line = parser.getCurrentLineNumber();
                PlanTarget target = target(record, header, line, connections, problems);
                if (target == null) {
                    continue;
                }
                String repProblem = target.dimension() == Dimension.REP ? reps.problem(target.key(), target.connection()) : null;
                if (repProblem != null) {
                    problems.add("line " + line + ": key: " + repProblem);
                    continue;
                }
                String identity = target.month() + "|" + target.dimension() + "|" + target.key().toLowerCase(Locale.ROOT)
                        + "|" + target.connection();
                Long earlier = firstLine.putIfAbsent(identity, line);
                if (earlier != null) {
                    problems.add("line " + line + ": the same period, dimension, key and connection as line " + earlier);
                    continue;
                }
                targets.add(target);
            }
        } catch (IOException | java.io.UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            if (e instanceof InvalidPlanException invalid) {
                throw invalid;
            }
            problems.add("not CSV: " + e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        return targets;
    }

    /** Why a rep key of a plan row names no user, or null. */
    @FunctionalInterface
    public interface RepCheck {
        String problem(String key, String connection);
    }

    private static PlanTarget target(CSVRecord record, Map<String, Integer> header, long line, Set<String> connections,
                                     List<String> problems) {
        int before = problems.size();
        String period = value(record, header, "period");
        String dimensionName = value(record, header, "dimension");
        String key = value(record, header, "key");
        String amountText = value(record, header, "amount");
        String connection = header.containsKey("connection") ? value(record, header, "connection") : "";
        YearMonth month = null;
        if (!MONTH.matcher(period).matches()) {
            problems.add("line " + line + ": period: '" + period + "' is not a month such as 2026-11");
        } else {
            try {
                month = YearMonth.parse(period);
            } catch (DateTimeParseException e) {
                problems.add("line " + line + ": period: '" + period + "' is not a month such as 2026-11");
            }
        }
        Dimension dimension = Dimension.fromKey(dimensionName.toLowerCase(Locale.ROOT)).orElse(null);
        if (dimension == null) {
            problems.add("line " + line + ": dimension: '" + dimensionName
                    + "' is not one of department, region, segment, product, rep, pipeline");
        } else if (dimension == Dimension.DEPARTMENT && !key.isEmpty()) {
            problems.add("line " + line + ": key: a department row has an empty key (got '" + key + "')");
        } else if (dimension != Dimension.DEPARTMENT && key.isEmpty()) {
            problems.add("line " + line + ": key: a " + dimensionName + " row needs a key");
        }
        BigDecimal amount = null;
        try {
            amount = new BigDecimal(amountText);
            if (amount.signum() < 0) {
                problems.add("line " + line + ": amount: must not be negative (got '" + amountText + "')");
            }
        } catch (NumberFormatException e) {
            problems.add("line " + line + ": amount: '" + amountText + "' is not a number (use . as the decimal point)");
        }
        if (!connection.isEmpty() && !connections.contains(connection)) {
            problems.add("line " + line + ": connection: '" + connection + "' is not a configured connection");
        }
        if (problems.size() > before) {
            return null;
        }
        return new PlanTarget(month, dimension, key, amount, connection.isEmpty() ? null : connection);
    }

    private static String value(CSVRecord record, Map<String, Integer> header, String column) {
        Integer index = header.get(column);
        return index == null || index >= record.size() ? "" : record.get(index).trim();
    }

    private static Map<String, Integer> lowerCase(Map<String, Integer> header) {
        Map<String, Integer> columns = new HashMap<>();
        header.forEach((name, index) -> columns.put(name.trim().toLowerCase(Locale.ROOT), index));
        return columns;
    }
}
