package org.jckpool.libpool.ipc;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.jckpool.libpool.log.Log;

/**
 * A persistent, bidirectional connection carrying frames both ways (the hot paths between processes).
 *
 * <ul>
 *   <li>Frames read are handed to {@link Listener#onFrame}, in order: by the stream's reader thread
 *       ({@link ThreadedFrameStream}) or by the selector thread that polls it ({@link PolledFrameStream}). A bad
 *       frame (length 0, over {@link Frames#MAX_FRAME}, cut short) cannot be resynchronised, so it is logged and
 *       the stream closes.</li>
 *   <li>{@link #send} queues a frame; a writer thread drains the queue in batches, written with as few system
 *       calls as possible. The queue is bounded ({@code queueCapacity} frames): when it is full, {@code send}
 *       <b>blocks</b> for up to the send timeout and then <b>returns false</b> (frame not queued, stream still
 *       open). {@link #trySend} never blocks. Both return false on a closed stream. One queue keeps the order of
 *       all frames, whichever thread writes them.</li>
 *   <li>{@link Listener#onClose} runs exactly once, on the first close from either side or an I/O error.</li>
 * </ul>
 *
 * {@link #connect} opens a threaded stream, the kind every process uses except the connector's I/O loop.
 */
public abstract sealed class FrameStream implements Closeable permits ThreadedFrameStream, PolledFrameStream {
    /** Callbacks of a stream; onFrame runs on the thread that reads (onClose on whichever thread closes). */
    public interface Listener {
        /** Called once, before the stream reads or writes. */
        default void onOpen(FrameStream stream) {
        }

        void onFrame(FrameStream stream, byte[] frame);

        /** Called once when the stream closes; {@code cause} is null for an orderly close. */
        default void onClose(FrameStream stream, Throwable cause) {
        }
    }

    public static final int DEFAULT_QUEUE_CAPACITY = 8192;
    public static final long DEFAULT_SEND_TIMEOUT_MS = 10_000;
    static final int MAX_BATCH_FRAMES = 256;
    static final byte[] POISON = new byte[0];

    final SocketChannel channel;
    private final String peer;
    private final Listener listener;
    final BlockingQueue<byte[]> queue;
    private final long sendTimeoutMs;
    final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong framesIn = new AtomicLong();
    final FrameBatchWriter out;
    private final Object idle = new Object();
    private volatile boolean writing;
    /** Held while frames are taken from the queue and written, by whichever thread writes. */
    final ReentrantLock writeLock = new ReentrantLock();
    /** True while the writer sleeps until a frame is queued. */
    volatile boolean writerWaiting;
    Thread writer;

    FrameStream(SocketChannel channel, String peer, Listener listener, int queueCapacity, long sendTimeoutMs) {
        this.channel = channel;
        this.peer = peer;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.sendTimeoutMs = sendTimeoutMs;
        this.out = new FrameBatchWriter(channel, closed);
    }

    /**
     * Connects to a {@link ControlServer} socket as {@code peer} (the connecting process, e.g. "stratifier") and
     * starts a {@link ThreadedFrameStream}. A server that refuses the stream (closes without accepting) or does not
     * answer within 5 s gives an IOException saying so.
     */
    public static FrameStream connect(Path socket, String peer, Listener listener) throws IOException {
        return connect(socket, peer, listener, DEFAULT_QUEUE_CAPACITY, DEFAULT_SEND_TIMEOUT_MS);
    }

    public static FrameStream connect(Path socket, String peer, Listener listener, int queueCapacity,
                                      long sendTimeoutMs) throws IOException {
        SocketChannel ch = StreamHandshake.open(socket, peer);
        return ThreadedFrameStream.start(ch, socket.getFileName().toString(), listener, queueCapacity, sendTimeoutMs);
    }

    /** Calls onOpen and starts the writer thread. */
    void begin() {
        try {
            listener.onOpen(this);
        } catch (RuntimeException e) {
            Log.err("Stream to %s: onOpen handler failed: %s", peer, e);
        }
        writer = new Thread(this::writeLoop, "stream-w-" + peer);
        writer.setDaemon(true);
        writer.start();
    }

    /** The other side's name: the peer named in stream.open (server side) or the socket name (client side). */
    public String peer() {
        return peer;
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** True on the thread that writes its own frames itself (the threaded stream's reader). */
    abstract boolean sendsOnWritingThread();

    /** Writes what is queued on the calling thread (the threaded stream's reader making room). */
    abstract void writeQueuedHere();

    /** True when this thread's sends leave the writer asleep (the polled stream's kicker). */
    abstract boolean defersWake();

    /** Queues a frame, waiting up to the stream's send timeout for room; false when full after that or closed. */
    public boolean send(byte[] frame) {
        return send(frame, sendTimeoutMs, TimeUnit.MILLISECONDS);
    }

    public boolean send(String text) {
        return send(Frames.utf8(text));
    }

    /** Queues a frame, waiting up to {@code timeout} for room. False when still full or the stream is closed. */
    public boolean send(byte[] frame, long timeout, TimeUnit unit) {
        Frames.checkOutgoing(frame);
        if (closed.get()) {
            return false;
        }
        if (sendsOnWritingThread()) {
            if (queue.offer(frame)) {
                return true; // written by this thread when it has handled its buffered frames
            }
            writeQueuedHere(); // full: this thread makes room itself, nobody else would
        }
        try {
            boolean queued = queue.offer(frame);
            if (!queued) {
                if (writerWaiting) {
                    LockSupport.unpark(writer); // full: even a kicker's frames must go now to make room
                }
                queued = queue.offer(frame, timeout, unit);
            }
            wakeWriter();
            if (!queued && !closed.get()) {
                Log.warning("Stream to %s: send queue full for %d ms, frame not sent", peer, unit.toMillis(timeout));
            }
            return queued && !closed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Queues a frame only if there is room now (a thread writing its own frames makes room first). */
    public boolean trySend(byte[] frame) {
        Frames.checkOutgoing(frame);
        if (closed.get()) {
            return false;
        }
        if (sendsOnWritingThread()) {
            if (queue.offer(frame)) {
                return true;
            }
            writeQueuedHere();
            return !closed.get() && queue.offer(frame);
        }
        boolean queued = queue.offer(frame);
        if (queued) {
            wakeWriter();
        }
        return queued;
    }

    private void wakeWriter() {
        if (writerWaiting && !defersWake()) {
            LockSupport.unpark(writer);
        }
    }

    /** Frames waiting in the send queue. */
    public int queued() {
        return queue.size();
    }

    public long framesIn() {
        return framesIn.get();
    }

    public long framesOut() {
        return out.framesOut.get();
    }

    /** Writes done so far (framesOut / batches = mean batch size). */
    long batches() {
        return out.batches.get();
    }

    /** Waits until every queued frame has been written (or the timeout passes). True when drained. */
    public boolean flush(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        if (writerWaiting) {
            LockSupport.unpark(writer); // frames a kicker has not kicked for yet go now
        }
        synchronized (idle) {
            while ((!queue.isEmpty() || writing || out.pending) && !closed.get()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.min(left, 50));
            }
        }
        return queue.isEmpty() && !out.pending;
    }

    /** Hands one frame read to the listener; a failing handler is logged and the stream goes on. */
    void deliver(byte[] frame) {
        framesIn.incrementAndGet();
        try {
            listener.onFrame(this, frame);
        } catch (RuntimeException e) {
            Log.err("Stream from %s: frame handler failed: %s", peer, e);
        }
    }

    /** Logs why reading ended; the close's cause, or null for a channel we closed ourselves. */
    Throwable readFailure(IOException e) {
        if (e instanceof ClosedChannelException) {
            return null;
        }
        if (e instanceof FrameException) {
            Log.warning("Stream from %s: bad frame, closing: %s", peer, e.getMessage());
        } else {
            Log.info("Stream from %s: read failed: %s", peer, e.getMessage());
        }
        return e;
    }

    private void writeLoop() {
        List<byte[]> batch = new ArrayList<>(MAX_BATCH_FRAMES);
        Throwable cause = null;
        try {
            while (!closed.get()) {
                awaitFrames();
                if (closed.get()) {
                    break;
                }
                writeQueued(batch);
            }
        } catch (ClosedChannelException e) {
            // closed by us
        } catch (IOException e) {
            Log.info("Stream to %s: write failed: %s", peer, e.getMessage());
            cause = e;
        } finally {
            writing = false;
            synchronized (idle) {
                idle.notifyAll();
            }
        }
        shutdown(cause);
    }

    /**
     * Returns when frames are queued (or the stream closed). Frames stay queued until taken under the write lock,
     * so another thread writing cannot overtake one the writer is about to write.
     */
    private void awaitFrames() {
        while (queue.isEmpty() && !out.pending && !closed.get()) {
            writerWaiting = true;
            if (queue.isEmpty() && !out.pending && !closed.get()) {
                LockSupport.park(this);
            }
            writerWaiting = false;
        }
    }

    /** Takes what is queued, in order, and writes it (blocking); every writing thread's way out but the kicker's. */
    void writeQueued(List<byte[]> batch) throws IOException {
        writeLock.lock();
        try {
            writing = true;
            out.writePending();
            while (queue.drainTo(batch, MAX_BATCH_FRAMES) > 0) {
                try {
                    out.write(batch);
                } finally {
                    batch.clear();
                }
            }
        } finally {
            writing = false;
            writeLock.unlock();
        }
        if (queue.isEmpty()) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /** A write by a thread other than the writer failed: the stream closes (quietly when we closed it). */
    void writeFailed(IOException e) {
        if (e instanceof ClosedChannelException) {
            shutdown(null);
        } else {
            Log.info("Stream to %s: write failed: %s", peer, e.getMessage());
            shutdown(e);
        }
    }

    /** Closes the stream: pending frames are dropped (call {@link #flush} first to deliver them). */
    @Override
    public void close() {
        shutdown(null);
    }

    void shutdown(Throwable cause) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // already broken
        }
        queue.clear();
        queue.offer(POISON);
        if (writer != null && Thread.currentThread() != writer) {
            LockSupport.unpark(writer);
        }
        try {
            listener.onClose(this, cause);
        } catch (RuntimeException e) {
            Log.err("Stream %s: close handler failed: %s", peer, e);
        }
    }
}
