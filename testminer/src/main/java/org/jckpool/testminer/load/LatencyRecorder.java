package org.jckpool.testminer.load;

import java.util.Arrays;

/** Collects durations (nanoseconds) on one thread; percentiles after the run. */
public final class LatencyRecorder {
    private long[] values;
    private int size;

    public LatencyRecorder() {
        this(1024);
    }

    /** Room for {@code capacity} samples before the first growth. */
    public LatencyRecorder(int capacity) {
        values = new long[Math.max(16, capacity)];
    }

    public void record(long nanos) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = nanos;
    }

    public void addAll(LatencyRecorder other) {
        for (int i = 0; i < other.size; i++) {
            record(other.values[i]);
        }
    }

    public void clear() {
        size = 0;
    }

    public int count() {
        return size;
    }

    /** Nearest-rank percentile (p in (0, 1]) in milliseconds, or NaN without samples. Sorts in place. */
    public double percentileMillis(double p) {
        if (size == 0) {
            return Double.NaN;
        }
        Arrays.sort(values, 0, size);
        int rank = (int) Math.ceil(p * size);
        return values[Math.max(0, Math.min(size - 1, rank - 1))] / 1e6;
    }

    public double maxMillis() {
        return percentileMillis(1.0);
    }
}
