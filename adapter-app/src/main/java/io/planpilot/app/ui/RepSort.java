package io.planpilot.app.ui;


import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;

/** The columns the reps' table sorts by; an undefined figure sorts below every figure. */
final class RepSort {

    static final List<String> COLUMNS = List.of("name", "wonAmount", "wonCount", "winRate", "activities", "activitiesPerWon",
            "taskCompletion", "overdueTasks", "staleDeals");

    private RepSort() {
    }

    static String column(String asked) {
        return asked != null && COLUMNS.contains(asked) ? asked : "wonAmount";
    }

    static Comparator<DashboardPages.RepRow> comparator(String column) {
        Comparator<DashboardPages.RepRow> byName = Comparator.comparing(r -> r.figures().name(), String.CASE_INSENSITIVE_ORDER);
        Comparator<DashboardPages.RepRow> order = switch (column(column)) {
            case "name" -> byName;
            case "wonCount" -> Comparator.comparingLong(r -> r.figures().wonCount());
            case "winRate" -> decimal(r -> r.figures().winRate());
            case "activities" -> Comparator.comparingLong(DashboardPages.RepRow::activities);
            case "activitiesPerWon" -> decimal(r -> r.figures().activitiesPerWon());
            case "taskCompletion" -> decimal(r -> r.figures().taskCompletion());
            case "overdueTasks" -> Comparator.comparingLong(r -> r.figures().overdueTasks());
            case "staleDeals" -> Comparator.comparingLong(r -> r.figures().staleDeals());
            default -> decimal(r -> r.figures().wonAmount());
        };
        return order.thenComparing(byName);
    }

    /** Descending unless asked otherwise, except by name. */
    static boolean descending(String column, String direction) {
        if (direction != null) {
            return !"asc".equals(direction);
        }
        return !"name".equals(column(column));
    }

    private static Comparator<DashboardPages.RepRow> decimal(Function<DashboardPages.RepRow, BigDecimal> figure) {
        return Comparator.comparing(figure, Comparator.nullsFirst(Comparator.naturalOrder()));
    }

}
