package org.jckpool.testminer.load;

import java.util.Arrays;

/**
 * A connection's submits awaiting their reply: request id and send time in two ring arrays, in sending order.
 * A pool answers a connection's requests in order, so the reply almost always matches the oldest entry; a reply
 * out of order is found by a scan. No boxing and no allocation per submit (a map cost the load generator a few
 * hundred bytes of garbage per share).
 */
final class PendingSubmits {
    /** What {@link #remove} gives for an id that is not pending. */
    static final long ABSENT = Long.MAX_VALUE;
    private static final long GONE = -1; // a slot answered out of order, skipped when it reaches the head

    private long[] ids = new long[16];
    private long[] sent = new long[16];
    private boolean[] measured = new boolean[16];
    private boolean removedMeasured;
    private int head;
    private int count; // slots in use, GONE ones included
    private int size;  // pending submits

    void add(long id, long sentNanos) {
        add(id, sentNanos, true);
    }

    /** A submit sent at {@code sentNanos}; {@code measuredSubmit} false for one of the unmeasured warm-up. */
    void add(long id, long sentNanos, boolean measuredSubmit) {
        if (count == ids.length) {
            grow();
        }
        int slot = (head + count) & (ids.length - 1);
        ids[slot] = id;
        sent[slot] = sentNanos;
        measured[slot] = measuredSubmit;
        count++;
        size++;
    }

    /** The send time of submit {@code id}, which is no longer pending; {@link #ABSENT} when it was not. */
    long remove(long id) {
        int mask = ids.length - 1;
        for (int i = 0; i < count; i++) {
            int slot = (head + i) & mask;
            if (ids[slot] == id) {
                long t = sent[slot];
                removedMeasured = measured[slot];
                ids[slot] = GONE;
                size--;
                while (count > 0 && ids[head] == GONE) {
                    head = (head + 1) & mask;
                    count--;
                }
                return t;
            }
        }
        return ABSENT;
    }

    /** Whether the submit the last successful {@link #remove} found was a measured one. */
    boolean removedMeasured() {
        return removedMeasured;
    }

    int size() {
        return size;
    }

    void clear() {
        head = 0;
        count = 0;
        size = 0;
    }

    private void grow() {
        int n = ids.length;
        long[] newIds = new long[n * 2];
        long[] newSent = new long[n * 2];
        boolean[] newMeasured = new boolean[n * 2];
        for (int i = 0; i < count; i++) {
            newIds[i] = ids[(head + i) & (n - 1)];
            newSent[i] = sent[(head + i) & (n - 1)];
            newMeasured[i] = measured[(head + i) & (n - 1)];
        }
        Arrays.fill(newIds, count, newIds.length, GONE);
        ids = newIds;
        sent = newSent;
        measured = newMeasured;
        head = 0;
    }
}
