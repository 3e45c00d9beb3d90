package io.planpilot.core.kpi;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Deals as columns: one array per field, one index per deal version. A changed deal is appended as
 * a new row and its old row dies at the new snapshot version; a snapshot sees the rows below its
 * count whose {@code died} is above its version. Rows are never changed in place otherwise, so a
 * query on an older snapshot reads a consistent table while a writer appends.
 */
final class DealColumns {

    static final byte OPEN = 0;
    static final byte WON = 1;
    static final byte LOST = 2;
    static final int NO_DATE = Integer.MIN_VALUE;
    static final int ALIVE = Integer.MAX_VALUE;

    int size;
    String[] id;
    int[] dealNo;
    int[] connection;
    int[] pipeline;
    int[] stage;
    int[] owner;
    int[] region;
    int[] segment;
    int[] productField;
    byte[] status;
    long[] created;
    long[] closed;
    int[] expectedClose;
    /** In the base currency; null when the deal has no amount or its currency no rate. */
    BigDecimal[] amount;
    /** The amount in {@link MoneySum} units, or {@link MoneySum#NOT_UNITS}: what sums add. */
    long[] amountUnits;
    /** The amount before conversion is missing or 0 (data quality's NO_AMOUNT). */
    boolean[] noAmount;
    boolean[] unknownCurrency;
    BigDecimal[] crmProbability;
    /** Product lines: merged, scaled to the amount, in the base currency (null amounts without money). */
    int[][] lineProducts;
    BigDecimal[][] lineAmounts;
    /** Stage history sorted by time: stage numbers and entry instants. */
    int[][] historyStages;
    long[][] historyTimes;
    /** The time of the last history entry (NONE without history) and the highest open-stage rank in it (-1: none). */
    long[] lastHistory;
    int[] topRank;
    /** Every created and completed instant of the deal's activities, sorted. */
    long[][] activityInstants;
    int[] died;

    DealColumns(int capacity) {
        allocate(Math.max(capacity, 16));
    }

    private void allocate(int capacity) {
        id = new String[capacity];
        dealNo = new int[capacity];
        connection = new int[capacity];
        pipeline = new int[capacity];
        stage = new int[capacity];
        owner = new int[capacity];
        region = new int[capacity];
        segment = new int[capacity];
        productField = new int[capacity];
        status = new byte[capacity];
        created = new long[capacity];
        closed = new long[capacity];
        expectedClose = new int[capacity];
        amount = new BigDecimal[capacity];
        amountUnits = new long[capacity];
        noAmount = new boolean[capacity];
        unknownCurrency = new boolean[capacity];
        crmProbability = new BigDecimal[capacity];
        lineProducts = new int[capacity][];
        lineAmounts = new BigDecimal[capacity][];
        historyStages = new int[capacity][];
        historyTimes = new long[capacity][];
        lastHistory = new long[capacity];
        topRank = new int[capacity];
        activityInstants = new long[capacity][];
        died = new int[capacity];
    }

    /** A copy with room for {@code capacity} rows: what a writer grows into, leaving older snapshots theirs. */
    DealColumns grownTo(int capacity) {
        DealColumns bigger = new DealColumns(0);
        bigger.size = size;
        bigger.id = Arrays.copyOf(id, capacity);
        bigger.dealNo = Arrays.copyOf(dealNo, capacity);
        bigger.connection = Arrays.copyOf(connection, capacity);
        bigger.pipeline = Arrays.copyOf(pipeline, capacity);
        bigger.stage = Arrays.copyOf(stage, capacity);
        bigger.owner = Arrays.copyOf(owner, capacity);
        bigger.region = Arrays.copyOf(region, capacity);
        bigger.segment = Arrays.copyOf(segment, capacity);
        bigger.productField = Arrays.copyOf(productField, capacity);
        bigger.status = Arrays.copyOf(status, capacity);
        bigger.created = Arrays.copyOf(created, capacity);
        bigger.closed = Arrays.copyOf(closed, capacity);
        bigger.expectedClose = Arrays.copyOf(expectedClose, capacity);
        bigger.amount = Arrays.copyOf(amount, capacity);
        bigger.amountUnits = Arrays.copyOf(amountUnits, capacity);
        bigger.noAmount = Arrays.copyOf(noAmount, capacity);
        bigger.unknownCurrency = Arrays.copyOf(unknownCurrency, capacity);
        bigger.crmProbability = Arrays.copyOf(crmProbability, capacity);
        bigger.lineProducts = Arrays.copyOf(lineProducts, capacity);
        bigger.lineAmounts = Arrays.copyOf(lineAmounts, capacity);
        bigger.historyStages = Arrays.copyOf(historyStages, capacity);
        bigger.historyTimes = Arrays.copyOf(historyTimes, capacity);
        bigger.lastHistory = Arrays.copyOf(lastHistory, capacity);
        bigger.topRank = Arrays.copyOf(topRank, capacity);
        bigger.activityInstants = Arrays.copyOf(activityInstants, capacity);
        bigger.died = Arrays.copyOf(died, capacity);
        return bigger;
    }

    int capacity() {
        return id.length;
    }
}
