package io.planpilot.core.kpi;

import java.util.Arrays;

/** Activities as columns, versioned like {@link DealColumns}. */
final class ActivityColumns {

    static final long NONE = Micros.NONE;

    int size;
    int[] connection;
    int[] owner;
    /** The stable number of the linked deal, or -1. */
    int[] dealNo;
    byte[] type;
    long[] created;
    long[] due;
    long[] completed;
    int[] died;

    ActivityColumns(int capacity) {
        int room = Math.max(capacity, 16);
        connection = new int[room];
        owner = new int[room];
        dealNo = new int[room];
        type = new byte[room];
        created = new long[room];
        due = new long[room];
        completed = new long[room];
        died = new int[room];
    }

    ActivityColumns grownTo(int capacity) {
        ActivityColumns bigger = new ActivityColumns(0);
        bigger.size = size;
        bigger.connection = Arrays.copyOf(connection, capacity);
        bigger.owner = Arrays.copyOf(owner, capacity);
        bigger.dealNo = Arrays.copyOf(dealNo, capacity);
        bigger.type = Arrays.copyOf(type, capacity);
        bigger.created = Arrays.copyOf(created, capacity);
        bigger.due = Arrays.copyOf(due, capacity);
        bigger.completed = Arrays.copyOf(completed, capacity);
        bigger.died = Arrays.copyOf(died, capacity);
        return bigger;
    }

    int capacity() {
        return owner.length;
    }
}
