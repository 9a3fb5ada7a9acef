package org.jckpool.generator.proxy;

/**
 * Accepted work over the last hour in 10-second buckets, so that the share of work over the last 10 minutes and
 * the last hour can be read at any time. Not thread-safe: the {@link WeightedScheduler} guards it.
 */
final class WorkWindow {
    static final long BUCKET_MILLIS = 10_000;
    static final long HOUR_MILLIS = 3_600_000;
    private static final int BUCKETS = (int) (HOUR_MILLIS / BUCKET_MILLIS);

    private final double[] work = new double[BUCKETS];
    private final long[] bucketOf = new long[BUCKETS];

    void add(double amount, long nowMillis) {
        long b = Math.floorDiv(nowMillis, BUCKET_MILLIS);
        int i = (int) Math.floorMod(b, BUCKETS);
        if (bucketOf[i] != b) {
            bucketOf[i] = b;
            work[i] = 0;
        }
        work[i] += amount;
    }

    /** The work accepted in the last {@code spanMillis} (rounded to whole buckets, at most an hour). */
    double sum(long spanMillis, long nowMillis) {
        long last = Math.floorDiv(nowMillis, BUCKET_MILLIS);
        long first = last - Math.min(BUCKETS, Math.max(1, spanMillis / BUCKET_MILLIS)) + 1;
        double s = 0;
        for (int i = 0; i < BUCKETS; i++) {
            if (bucketOf[i] >= first && bucketOf[i] <= last) {
                s += work[i];
            }
        }
        return s;
    }
}
