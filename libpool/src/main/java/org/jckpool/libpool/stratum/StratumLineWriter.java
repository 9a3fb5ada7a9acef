package org.jckpool.libpool.stratum;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Writes a {@link StratumClient}'s lines to the pool on a thread of its own, in the order they were queued:
 * whatever is queued when the thread wakes goes out in one socket write (up to {@link #BATCH_BYTES}), so a burst
 * of shares costs a few system calls instead of one per share.
 *
 * <p>Control lines (handshake, answers to the pool) are always queued. Shares wait for room while
 * {@code shareLimit} lines are queued ({@link #awaitRoom}): a pool slower than the shares offered holds the
 * submitting thread back instead of filling the heap. A failed write ends the writer and tells {@code onFailure}.
 */
final class StratumLineWriter {
    static final int BATCH_BYTES = 64 * 1024;

    private final OutputStream out;
    private final int shareLimit;
    private final Consumer<IOException> onFailure;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Condition room = lock.newCondition();
    private final byte[] batch = new byte[BATCH_BYTES];
    private final Thread thread;
    private boolean closed;
    private volatile long writes;
    private volatile long lines;

    StratumLineWriter(OutputStream out, int shareLimit, String name, Consumer<IOException> onFailure) {
        this.out = out;
        this.shareLimit = shareLimit;
        this.onFailure = onFailure;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    StratumLineWriter start() {
        thread.start();
        return this;
    }

    /** Queues one line (the newline is added); false once closed. */
    boolean add(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            queue.addLast(b);
            if (queue.size() == 1) {
                queued.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until fewer than {@code shareLimit} lines are queued; false after the timeout or once closed. */
    boolean awaitRoom(long timeout, TimeUnit unit) throws InterruptedException {
        long left = unit.toNanos(timeout);
        lock.lock();
        try {
            while (!closed && queue.size() >= shareLimit) {
                if (left <= 0) {
                    return false;
                }
                left = room.awaitNanos(left);
            }
            return !closed;
        } finally {
            lock.unlock();
        }
    }

    /** Stops the writer; lines still queued are dropped (the socket is being closed). */
    void close() {
        lock.lock();
        try {
            closed = true;
            queue.clear();
            queued.signalAll();
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Socket writes so far, and lines written: lines / writes is the mean batch. */
    long writes() {
        return writes;
    }

    long lines() {
        return lines;
    }

    private void run() {
        try {
            while (true) {
                int len = 0;
                byte[] big = null;
                int taken = 0;
                lock.lock();
                try {
                    while (!closed && queue.isEmpty()) {
                        queued.await();
                    }
                    if (closed) {
                        return;
                    }
                    // Fill the batch; a line that does not fit ends it (a line larger than the batch goes alone).
                    for (byte[] b = queue.peekFirst(); b != null; b = queue.peekFirst()) {
                        if (b.length > BATCH_BYTES - len) {
                            if (len == 0) {
                                big = queue.pollFirst();
                                taken++;
                            }
                            break;
                        }
                        queue.pollFirst();
                        System.arraycopy(b, 0, batch, len, b.length);
                        len += b.length;
                        taken++;
                    }
                    if (queue.size() < shareLimit) {
                        room.signalAll();
                    }
                } finally {
                    lock.unlock();
                }
                if (big != null) {
                    out.write(big);
                } else {
                    out.write(batch, 0, len);
                }
                out.flush();
                writes++;
                lines += taken;
            }
        } catch (IOException e) {
            close();
            onFailure.accept(e);
        } catch (InterruptedException e) {
            close();
        }
    }
}
