package org.jckpool.libpool.rpc;

import java.util.concurrent.TimeUnit;

/**
 * At most {@code max} calls on the wire to one node at a time, so a pool never holds more than a few of the
 * node's RPC threads (Core has 16 for everyone, and a queue of 64 behind them). Urgent calls (submitblock) go
 * before ordinary ones waiting for a slot.
 */
final class ConnectionLimit {
    private final int max;
    private int inUse;
    private int urgentWaiting;

    ConnectionLimit(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("at least one connection, got " + max);
        }
        this.max = max;
    }

    int max() {
        return max;
    }

    /** Waits for a slot until {@code deadlineNanos}; false when none came in time. */
    synchronized boolean acquire(boolean urgent, long deadlineNanos) throws InterruptedException {
        if (urgent) {
            urgentWaiting++;
        }
        try {
            while (inUse >= max || (!urgent && urgentWaiting > 0)) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            inUse++;
            return true;
        } finally {
            if (urgent) {
                urgentWaiting--;
            }
        }
    }

    synchronized void release() {
        inUse--;
        notifyAll();
    }

    synchronized int inUse() {
        return inUse;
    }
}
