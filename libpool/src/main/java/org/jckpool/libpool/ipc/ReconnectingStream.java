package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.jckpool.libpool.retry.Backoff;

/**
 * A persistent stream that is opened again whenever it is lost. One thread of its own connects, waiting a
 * {@link Backoff} between failed attempts; hands each open stream to {@link Handler#up}; and when that returns or
 * fails, waits what {@link Handler#down} says and connects again, until {@link #close}. A stream that stayed up
 * for {@code stableAfter} starts the back-off over; one closed sooner (a peer that accepts and drops at once)
 * keeps it growing.
 *
 * <p>The handler's listener should call {@link #wake} when its stream closes, so that {@link #awaitClose} returns
 * at once (it also looks every half second). Closing the link leaves a stream that is up to its owner, who may
 * still want to flush it.
 */
public final class ReconnectingStream implements AutoCloseable {
    /** What the owner does; every method runs on the link's thread. */
    public interface Handler {
        /** Opens one stream (with the owner's listener). */
        FrameStream connect() throws IOException;

        /**
         * The stream is open: the owner's work while it is up. Returning means the owner is done with it (it stays
         * as it is); throwing means it failed (the link closes it). By default waits until it closes.
         */
        default void up(FrameStream stream, ReconnectingStream link) throws IOException, InterruptedException {
            link.awaitClose(stream, Long.MAX_VALUE);
        }

        /** An attempt failed; returns the milliseconds to wait before the next, given the back-off's delay. */
        default long connectFailed(Exception cause, long backoffMillis) {
            return backoffMillis;
        }

        /**
         * The stream is done with ({@code cause}: what {@code up} threw, or null); returns the milliseconds to wait
         * before connecting again, given the back-off's delay. {@code stable}: it was up for {@code stableAfter}.
         */
        default long down(FrameStream stream, Exception cause, boolean stable, long backoffMillis) {
            return backoffMillis;
        }

        /** False ends the link for good; asked before each attempt and while waiting for a stream to close. */
        default boolean canRun() {
            return true;
        }
    }

    private static final long LOOK_MILLIS = 500;
    private static final long JOIN_MILLIS = 2_000;

    private final Handler handler;
    private final Backoff backoff;
    private final long stableAfterNanos;
    private final Thread thread;
    private final Object lock = new Object();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile FrameStream current;
    private volatile boolean closed;

    /**
     * @param threadName  the link thread's name
     * @param backoff     delays between attempts (the link's thread uses it; handlers may reset it)
     * @param stableAfter how long a stream must stay up for the back-off to start over (zero: any stream)
     */
    public ReconnectingStream(String threadName, Backoff backoff, Duration stableAfter, Handler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.stableAfterNanos = stableAfter.toNanos();
        this.thread = new Thread(this::run, threadName);
        this.thread.setDaemon(true);
    }

    public ReconnectingStream start() {
        thread.start();
        return this;
    }

    /** The stream handed to {@link Handler#up} that has not come back from it yet, or null. */
    public FrameStream current() {
        return current;
    }

    public boolean isUp() {
        FrameStream s = current;
        return s != null && s.isOpen();
    }

    /** Streams opened so far. */
    public long connects() {
        return connects.get();
    }

    /** Attempts that failed so far. */
    public long failures() {
        return failures.get();
    }

    public Backoff backoff() {
        return backoff;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Wakes the link's thread from its waits (call from the stream listener's {@code onClose}). */
    public void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    /** Waits until {@code s} closes, the link closes, the handler cannot run, or {@code maxMillis} pass. */
    public void awaitClose(FrameStream s, long maxMillis) {
        long end = maxMillis == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + maxMillis;
        synchronized (lock) {
            while (!closed && s.isOpen() && handler.canRun()) {
                long left = end - System.currentTimeMillis();
                if (left <= 0) {
                    return;
                }
                try {
                    lock.wait(Math.min(left, LOOK_MILLIS));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void run() {
        while (!closed && handler.canRun()) {
            FrameStream s;
            try {
                s = handler.connect();
            } catch (IOException | RuntimeException e) {
                if (closed) {
                    break;
                }
                failures.incrementAndGet();
                pause(handler.connectFailed(e, backoff.next()));
                continue;
            }
            current = s;
            connects.incrementAndGet();
            long opened = System.nanoTime();
            Exception cause = null;
            try {
                handler.up(s, this);
            } catch (IOException | RuntimeException e) {
                cause = e;
            } catch (InterruptedException e) {
                cause = e;
                Thread.interrupted(); // the interrupt was for the handler's wait; the link's own state decides
            }
            current = null;
            if (cause != null) {
                s.close();
            }
            if (closed) {
                break;
            }
            boolean stable = System.nanoTime() - opened >= stableAfterNanos;
            if (stable) {
                backoff.reset();
            }
            pause(handler.down(s, cause, stable, backoff.next()));
        }
    }

    /** Sleeps, ending early when the link closes. */
    private void pause(long millis) {
        if (millis <= 0) {
            return;
        }
        long end = System.currentTimeMillis() + millis;
        synchronized (lock) {
            for (long left = millis; left > 0 && !closed; left = end - System.currentTimeMillis()) {
                try {
                    lock.wait(left);
                } catch (InterruptedException e) {
                    if (closed) {
                        return;
                    }
                }
            }
        }
    }

    /**
     * Stops reconnecting: interrupts the link's waits and the handler's work, and waits up to 2 s for the thread
     * to end. A stream that is up stays open for its owner to flush and close.
     */
    @Override
    public void close() {
        close(JOIN_MILLIS);
    }

    /** As {@link #close()}, waiting up to {@code joinMillis} for the link's thread. */
    public void close(long joinMillis) {
        closed = true;
        wake();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            thread.interrupt();
            try {
                thread.join(joinMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
