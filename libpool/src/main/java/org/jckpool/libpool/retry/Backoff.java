package org.jckpool.libpool.retry;

import java.time.Duration;

/**
 * A retry delay that doubles from {@code first} up to {@code max} and starts over on {@link #reset}. One thread's
 * object (a retry loop's): not thread-safe.
 */
public final class Backoff {
    private final long firstMillis;
    private final long maxMillis;
    private long nextMillis;

    public Backoff(Duration first, Duration max) {
        if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
            throw new IllegalArgumentException("back-off needs first > 0 and max >= first: " + first + ", " + max);
        }
        this.firstMillis = first.toMillis();
        this.maxMillis = max.toMillis();
        this.nextMillis = firstMillis;
    }

    /** The delay to wait now; the one after it is twice as long, at most {@code max}. */
    public long next() {
        long d = nextMillis;
        nextMillis = Math.min(maxMillis, d * 2);
        return d;
    }

    public void reset() {
        nextMillis = firstMillis;
    }

    public long firstMillis() {
        return firstMillis;
    }

    public long maxMillis() {
        return maxMillis;
    }
}
