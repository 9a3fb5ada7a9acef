package org.jckpool.testminer.mining;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** The first reason to stop wins; waiting threads wake up. */
public final class StopSignal {
    private final CountDownLatch latch = new CountDownLatch(1);
    private volatile String reason;
    private volatile int exitCode;

    public synchronized void stop(String why, int code) {
        if (reason == null) {
            reason = why;
            exitCode = code;
            latch.countDown();
        }
    }

    public boolean stopped() {
        return reason != null;
    }

    /** Waits up to the given time; true when stopped. */
    public boolean await(long nanos) throws InterruptedException {
        return latch.await(nanos, TimeUnit.NANOSECONDS);
    }

    public void await() throws InterruptedException {
        latch.await();
    }

    public String reason() {
        return reason;
    }

    public int exitCode() {
        return exitCode;
    }
}
