package org.jckpool.libpool.stratum;

/**
 * Back-off between connection attempts to one upstream: {@code initialMillis}, doubling to {@code maxMillis};
 * {@link #reset()} after a connection that worked. Not thread-safe: one owner.
 */
public final class ReconnectPolicy {
    private final long initialMillis;
    private final long maxMillis;
    private long next;
    private int failures;

    public ReconnectPolicy(long initialMillis, long maxMillis) {
        if (initialMillis <= 0 || maxMillis < initialMillis) {
            throw new IllegalArgumentException("need 0 < initial ≤ max, got " + initialMillis + ", " + maxMillis);
        }
        this.initialMillis = initialMillis;
        this.maxMillis = maxMillis;
        this.next = initialMillis;
    }

    /** The wait before the next attempt after a failure; each call doubles the following one up to the cap. */
    public long nextDelayMillis() {
        long d = next;
        next = Math.min(maxMillis, next * 2);
        failures++;
        return d;
    }

    /** Failures since the last {@link #reset()}. */
    public int failures() {
        return failures;
    }

    public void reset() {
        next = initialMillis;
        failures = 0;
    }
}
