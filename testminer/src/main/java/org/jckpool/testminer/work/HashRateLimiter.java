package org.jckpool.testminer.work;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps one hashing thread at or below a given rate by sleeping whenever it is ahead of schedule. With a rate of
 * 0 it never sleeps. The batch size makes the thread check in about 100 times a second when limited. A thread that
 * fell more than {@link #MAX_LAG_NANOS} behind (a cold JIT, a stopped process, a busy CPU) forgets the debt
 * rather than running unthrottled to catch up: the rate stays an upper bound over any stretch of time, which is
 * what a miner "of known speed" needs (vardiff measures the rate over a few seconds).
 */
public final class HashRateLimiter {
    private static final int UNLIMITED_BATCH = 4096;
    static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final double hashesPerSecond;
    private final int batch;
    private long startNanos;
    private long hashes;

    public HashRateLimiter(double hashesPerSecond) {
        if (hashesPerSecond < 0 || Double.isNaN(hashesPerSecond)) {
            throw new IllegalArgumentException("hash rate limit must be ≥ 0");
        }
        this.hashesPerSecond = hashesPerSecond;
        this.batch = hashesPerSecond == 0 ? UNLIMITED_BATCH
                : (int) Math.max(1, Math.min(UNLIMITED_BATCH, hashesPerSecond / 100));
        restart();
    }

    public int batchSize() {
        return batch;
    }

    /** Forget the history (after an idle pause, so the thread does not burst to catch up). */
    public void restart() {
        startNanos = System.nanoTime();
        hashes = 0;
    }

    /** Account for hashes just done and sleep if ahead of the allowed rate. */
    public void pace(long done) {
        if (hashesPerSecond == 0) {
            return;
        }
        hashes += done;
        long due = startNanos + (long) (hashes * 1e9 / hashesPerSecond);
        long now = System.nanoTime();
        long ahead = due - now;
        if (ahead > TimeUnit.MICROSECONDS.toNanos(200)) {
            LockSupport.parkNanos(ahead);
        } else if (ahead < -MAX_LAG_NANOS) {
            startNanos = now - (long) (hashes * 1e9 / hashesPerSecond) + MAX_LAG_NANOS;
        }
    }
}
