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

    /** Where the limiter reads the time and how it waits: the real ones, or a test's. */
    public interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) {
                LockSupport.parkNanos(nanos);
            }
        };

        long nanoTime();

        void sleepNanos(long nanos);
    }

    private final double hashesPerSecond;
    private final int batch;
    private final Clock clock;
    private long startNanos;
    private long hashes;

    public HashRateLimiter(double hashesPerSecond) {
        this(hashesPerSecond, Clock.SYSTEM);
    }

    public HashRateLimiter(double hashesPerSecond, Clock clock) {
        if (hashesPerSecond < 0 || Double.isNaN(hashesPerSecond)) {
            throw new IllegalArgumentException("hash rate limit must be ≥ 0");
        }
        this.hashesPerSecond = hashesPerSecond;
        this.clock = clock;
        this.batch = hashesPerSecond == 0 ? UNLIMITED_BATCH
                : (int) Math.max(1, Math.min(UNLIMITED_BATCH, hashesPerSecond / 100));
        restart();
    }

    public int batchSize() {
        return batch;
    }

    /** Forget the history (after an idle pause, so the thread does not burst to catch up). */
    public void restart() {
        startNanos = clock.nanoTime();
        hashes = 0;
    }

    /** Account for hashes just done and sleep if ahead of the allowed rate. */
    public void pace(long done) {
        if (hashesPerSecond == 0) {
            return;
        }
        hashes += done;
        long due = startNanos + (long) (hashes * 1e9 / hashesPerSecond);
        long now = clock.nanoTime();
        long ahead = due - now;
        if (ahead > TimeUnit.MICROSECONDS.toNanos(200)) {
            clock.sleepNanos(ahead);
        } else if (ahead < -MAX_LAG_NANOS) {
            startNanos = now - (long) (hashes * 1e9 / hashesPerSecond) - MAX_LAG_NANOS; // keep 100 ms of the debt
        }
    }
}
