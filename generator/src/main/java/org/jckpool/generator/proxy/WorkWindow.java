package org.jckpool.generator.proxy;

/**
 * Accepted work over the last hour in buckets (10 s by default), so that the share of work over the last 10
 * minutes and the last hour can be read at any time. Not thread-safe: its owner ({@link WeightedScheduler},
 * {@link MinerLedger}) guards it.
 */
final class WorkWindow {
    static final long BUCKET_MILLIS = 10_000;
    static final long HOUR_MILLIS = 3_600_000;

    private final long bucketMillis;
    private final double[] work;
    private final long[] bucketOf;

    WorkWindow() {
        this(BUCKET_MILLIS);
    }

    /** @param bucketMillis bucket length; an hour must be a whole number of buckets */
    WorkWindow(long bucketMillis) {
        if (bucketMillis <= 0 || HOUR_MILLIS % bucketMillis != 0) {
            throw new IllegalArgumentException("bucket must divide an hour: " + bucketMillis);
        }
        this.bucketMillis = bucketMillis;
        int buckets = (int) (HOUR_MILLIS / bucketMillis);
        this.work = new double[buckets];
        this.bucketOf = new long[buckets];
    }

    void add(double amount, long nowMillis) {
        long b = Math.floorDiv(nowMillis, bucketMillis);
        int i = (int) Math.floorMod(b, work.length);
        if (bucketOf[i] != b) {
            bucketOf[i] = b;
            work[i] = 0;
        }
        work[i] += amount;
    }

    /** The work accepted in the last {@code spanMillis} (rounded to whole buckets, at most an hour). */
    double sum(long spanMillis, long nowMillis) {
        long last = Math.floorDiv(nowMillis, bucketMillis);
        long first = last - Math.min(work.length, Math.max(1, spanMillis / bucketMillis)) + 1;
        double s = 0;
        for (int i = 0; i < work.length; i++) {
            if (bucketOf[i] >= first && bucketOf[i] <= last) {
                s += work[i];
            }
        }
        return s;
    }
}
