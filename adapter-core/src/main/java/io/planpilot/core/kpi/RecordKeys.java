package io.planpilot.core.kpi;

/**
 * Records by a 64-bit key of their connection and CRM id, kept in a primitive open-addressing map
 * instead of a map of strings: a million deals and five million activities would otherwise hold
 * hundreds of megabytes of key strings. Two different ids share a key with a probability of about
 * n² / 2^65 (under 10^-6 for five million records).
 */
final class RecordKeys {

    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private int[] values;
    private int size;

    RecordKeys(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[capacity];
        values = new int[capacity];
        java.util.Arrays.fill(keys, EMPTY);
    }

    /** The key of a record: FNV-1a over connection and id, then a SplitMix64 finish to spread the bits. */
    static long of(String connection, String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < connection.length(); i++) {
            h = (h ^ connection.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ 0xFFFF) * 0x100000001b3L;
        for (int i = 0; i < id.length(); i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h = h ^ (h >>> 31);
        return h == EMPTY ? EMPTY + 1 : h;
    }

    /** The value of a key, or -1. */
    int get(long key) {
        int mask = keys.length - 1;
        for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
            if (keys[slot] == EMPTY) {
                return -1;
            }
            if (keys[slot] == key) {
                return values[slot];
            }
        }
    }

    void put(long key, int value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int slot = slot(key, mask); ; slot = (slot + 1) & mask) {
            if (keys[slot] == EMPTY) {
                keys[slot] = key;
                values[slot] = value;
                size++;
                return;
            }
            if (keys[slot] == key) {
                values[slot] = value;
                return;
            }
        }
    }

    /** Removes a key; returns its value, or -1. Later entries of the probe run shift back (no tombstones). */
    int remove(long key) {
        int mask = keys.length - 1;
        int slot = slot(key, mask);
        while (keys[slot] != key) {
            if (keys[slot] == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
        int removed = values[slot];
        int gap = slot;
        for (int next = (gap + 1) & mask; keys[next] != EMPTY; next = (next + 1) & mask) {
            int home = slot(keys[next], mask);
            // move the entry back into the gap when the gap lies on its probe path
            if (((next - home) & mask) >= ((next - gap) & mask)) {
                keys[gap] = keys[next];
                values[gap] = values[next];
                gap = next;
            }
        }
        keys[gap] = EMPTY;
        size--;
        return removed;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        java.util.Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int slot(long key, int mask) {
        return (int) (key ^ (key >>> 32)) & mask;
    }
}
