package org.jckpool.stratifier.session;

import java.util.Arrays;

/**
 * The difficulty (and its share target) in force when each recent job was sent to one connection, so that a
 * share is judged at the difficulty of the job it was mined on. A fixed ring: the oldest entries fall out;
 * an unknown job falls back to the current difficulty.
 */
public final class JobDifficulties {
    private static final int SIZE = 32;
    private final long[] jobIds = new long[SIZE];
    private final double[] diffs = new double[SIZE];
    private final byte[][] targets = new byte[SIZE][];
    private int next;

    public JobDifficulties() {
        Arrays.fill(jobIds, Long.MIN_VALUE);
    }

    public void record(long jobId, double diff, byte[] targetLE) {
        for (int i = 0; i < SIZE; i++) {
            if (jobIds[i] == jobId) {
                diffs[i] = diff;
                targets[i] = targetLE;
                return;
            }
        }
        jobIds[next] = jobId;
        diffs[next] = diff;
        targets[next] = targetLE;
        next = (next + 1) % SIZE;
    }

    /** Each recorded job id and its difficulty, oldest slot first (for the restart snapshot). */
    public void forEach(java.util.function.ObjLongConsumer<Double> action) {
        for (int i = 0; i < SIZE; i++) {
            int at = (next + i) % SIZE;
            if (jobIds[at] != Long.MIN_VALUE) {
                action.accept(diffs[at], jobIds[at]);
            }
        }
    }

    /** Index of the job, or -1. */
    public int find(long jobId) {
        for (int i = 0; i < SIZE; i++) {
            if (jobIds[i] == jobId) {
                return i;
            }
        }
        return -1;
    }

    public double diff(int index) {
        return diffs[index];
    }

    public byte[] target(int index) {
        return targets[index];
    }
}
