package org.jckpool.testminer.mining;

import java.util.concurrent.atomic.AtomicLong;
import org.jckpool.testminer.work.Work;

/**
 * The work the hashing threads should be on. The connection thread publishes a new {@link Work} (or null
 * while there is none); hashing threads compare their work with {@link #current()} every batch and restart
 * when it changed. Also hands out unique extranonce2 counters.
 */
final class WorkSource {
    private final AtomicLong extranonce2Counter = new AtomicLong();
    private volatile Work current;
    private volatile boolean stopped;

    synchronized void publish(Work work) {
        current = work;
        notifyAll();
    }

    Work current() {
        return current;
    }

    /** Blocks until there is work or the source is stopped (then null). */
    synchronized Work await() throws InterruptedException {
        while (current == null && !stopped) {
            wait(250);
        }
        return stopped ? null : current;
    }

    synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    boolean stopped() {
        return stopped;
    }

    long nextExtranonce2() {
        return extranonce2Counter.getAndIncrement();
    }
}
