package org.jckpool.libpool.ipc;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.RateLimitedLog;

/**
 * The cap on control requests a {@link ControlServer} reads or handles at once: one permit per request. A connection
 * over the cap is refused with a warning, at most one line per 10 s counting those held back.
 */
final class ConnectionSlots {
    private final RateLimitedLog refusedLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(10));
    private volatile Semaphore permits;
    private volatile int max;

    ConnectionSlots(int max) {
        resize(max);
    }

    /** Sets a new cap; requests holding a permit of the old one finish on it. */
    void resize(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("connection cap must be >= 1, got " + n);
        }
        this.permits = new Semaphore(n);
        this.max = n;
    }

    /** A permit's release for a new request on {@code socket}, or null (logged) when the cap is reached. */
    Runnable take(Path socket, LongSupplier nanoTime) {
        Semaphore s = permits;
        if (!s.tryAcquire()) {
            refusedLog.log(nanoTime.getAsLong(), String.format("Control socket %s: %d connections in progress, "
                    + "refusing a new one", socket, max));
            return null;
        }
        return s::release;
    }

    /** Requests holding a permit now. */
    int inUse() {
        return max - permits.availablePermits();
    }
}
