package org.jckpool.libpool.ipc;

import java.io.Closeable;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
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

import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * A persistent, bidirectional connection carrying frames both ways (the hot paths between processes).
 *
 * <ul>
 *   <li>A reader thread reads frames and calls {@link Listener#onFrame} for each, in order. A bad frame (length 0,
 *       over {@link Frames#MAX_FRAME}, cut short) cannot be resynchronised, so it is logged and the stream closes.</li>
 *   <li>{@link #send} queues a frame; a writer thread drains the queue in batches and writes each batch with one
 *       gathering write. The queue is bounded ({@code queueCapacity} frames): when it is full, {@code send}
 *       <b>blocks</b> for up to the send timeout and then <b>returns false</b> (frame not queued, stream still
 *       open). {@link #trySend} never blocks. Both return false on a closed stream.</li>
 *   <li>{@link Listener#onClose} runs exactly once, on the first close from either side or an I/O error.</li>
 *   <li>A stream made by {@link #connectPolled} has no reader thread: its channel is non-blocking, and a thread
 *       with a selector (the connector's I/O thread) calls {@link #readAvailable} when it is readable.</li>
 *   <li>With {@link #writeFromReader}, frames the reader thread sends (replies made in {@code onFrame}) are
 *       written by the reader itself once it has handled every frame it has buffered, without waking the
 *       writer. One queue keeps the order of all frames; the writer serves the other threads' frames.</li>
 * </ul>
 */
public final class FrameStream implements Closeable {
    /** Callbacks of a stream; run on the stream's reader thread (onClose on whichever thread closes). */
    public interface Listener {
        /** Called once, before the reader starts. */
        default void onOpen(FrameStream stream) {
        }

        void onFrame(FrameStream stream, byte[] frame);

        /** Called once when the stream closes; {@code cause} is null for an orderly close. */
        default void onClose(FrameStream stream, Throwable cause) {
        }
    }

    public static final int DEFAULT_QUEUE_CAPACITY = 8192;
    /**
     * The server's first frame on a stream it accepts. A refusal is a close without it, so a client knows at once
     * and for sure, instead of guessing from how long the connection stays open.
     */
    static final String ACCEPTED = "{\"result\":\"stream.accepted\"}";
    private static final long ACCEPT_WAIT_MS = 5_000;
    public static final long DEFAULT_SEND_TIMEOUT_MS = 10_000;
    private static final int MAX_BATCH_FRAMES = 256;
    /** The writer's copy buffer: frames up to this size (header included) are batched into one write. */
    private static final int COPY_BUFFER_BYTES = 64 * 1024;
    private static final byte[] POISON = new byte[0];

    private final SocketChannel channel;
    private final String peer;
    private final Listener listener;
    private final BlockingQueue<byte[]> queue;
    private final long sendTimeoutMs;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong framesIn = new AtomicLong();
    private final AtomicLong framesOut = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final Object idle = new Object();
    private volatile boolean writing;
    private volatile long writeLingerNanos;
    private volatile boolean writeFromReader;
    /** Held while frames are taken from the queue and written, by the writer or the reader. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** True while the writer sleeps until a frame is queued; senders other than a writing reader wake it. */
    private volatile boolean writerWaiting;
    /** The thread that calls {@link #kick}: its sends leave the writer asleep until it kicks. */
    private volatile Thread kicker;
    private final List<byte[]> readerBatch = new ArrayList<>(MAX_BATCH_FRAMES);
    /** Used under the write lock only (writer, writing reader or kicker); allocated on the first write. */
    private ByteBuffer copyBuffer;
    private Thread reader;
    private Thread writer;
    /**
     * Under the write lock: the copy buffer holds bytes a kicker's non-blocking write left (position..limit); the
     * writer writes them before anything else.
     */
    private volatile boolean outPending;
    /** Set for a polled stream (no reader thread): the frames read so far, for {@link #readAvailable}. */
    private FrameReader polledIn;

    private FrameStream(SocketChannel channel, String peer, Listener listener, int queueCapacity, long sendTimeoutMs) {
        this.channel = channel;
        this.peer = peer;
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.sendTimeoutMs = sendTimeoutMs;
    }

    /** Wraps a connected blocking channel and starts the reader and writer threads. */
    public static FrameStream start(SocketChannel channel, String peer, Listener listener) {
        return start(channel, peer, listener, DEFAULT_QUEUE_CAPACITY, DEFAULT_SEND_TIMEOUT_MS);
    }

    public static FrameStream start(SocketChannel channel, String peer, Listener listener, int queueCapacity,
                                    long sendTimeoutMs) {
        FrameStream s = new FrameStream(channel, peer, listener, queueCapacity, sendTimeoutMs);
        s.begin();
        return s;
    }

    /**
     * Connects to a {@link ControlServer} socket, sends {@code {"method":"stream.open","params":{"peer":peer}}},
     * waits (up to 5 s) for the server's {@value #ACCEPTED} and starts the stream. {@code peer} names the
     * connecting process (e.g. "stratifier"). A server that refuses the stream (closes without accepting) or does
     * not answer in time gives an IOException saying so.
     */
    public static FrameStream connect(Path socket, String peer, Listener listener) throws IOException {
        return connect(socket, peer, listener, DEFAULT_QUEUE_CAPACITY, DEFAULT_SEND_TIMEOUT_MS);
    }

    public static FrameStream connect(Path socket, String peer, Listener listener, int queueCapacity,
                                      long sendTimeoutMs) throws IOException {
        SocketChannel ch = openStream(socket, peer);
        return start(ch, socket.getFileName().toString(), listener, queueCapacity, sendTimeoutMs);
    }

    /**
     * As {@link #connect}, but without a reader thread: the caller registers the stream with its selector
     * ({@link #registerReads}) and calls {@link #readAvailable} when it is readable; {@code onFrame} runs on that
     * thread. Saves a thread and a hand-over per batch where a selector loop consumes the frames anyway.
     */
    public static FrameStream connectPolled(Path socket, String peer, Listener listener, int queueCapacity,
                                            long sendTimeoutMs) throws IOException {
        SocketChannel ch = openStream(socket, peer);
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        FrameStream s = new FrameStream(ch, socket.getFileName().toString(), listener, queueCapacity, sendTimeoutMs);
        s.polledIn = new FrameReader(ch, 64 * 1024);
        s.begin();
        return s;
    }

    /** Connects, sends stream.open and waits for the server's acceptance; the channel is left blocking. */
    private static SocketChannel openStream(Path socket, String peer) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            var open = Json.object();
            open.put("method", "stream.open");
            open.putObject("params").put("peer", peer);
            Frames.write(ch, Frames.utf8(Json.write(open)));
            byte[] answer = Frames.readWithTimeout(ch, ACCEPT_WAIT_MS, ACCEPT_WAIT_MS);
            if (answer == null) {
                throw new IOException("stream refused by " + socket + " (closed without accepting it)");
            }
            if (!ACCEPTED.equals(Frames.text(answer))) {
                throw new IOException("stream to " + socket + " not accepted: " + Frames.text(answer));
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }

    /** Registers a polled stream's channel for reads with {@code selector} (call on the selector's thread). */
    public SelectionKey registerReads(Selector selector, Object attachment) throws ClosedChannelException {
        if (polledIn == null) {
            throw new IllegalStateException("stream to " + peer + " has its own reader thread");
        }
        return channel.register(selector, SelectionKey.OP_READ, attachment);
    }

    /**
     * For a polled stream: reads what the channel holds now (at most 256 KiB, so one busy stream cannot hold its
     * caller's loop) and hands each whole frame to {@code onFrame}, in order. False once the stream is closed (by
     * the peer, a bad frame or an error; {@code onClose} has run), so the caller can drop its registration.
     */
    public boolean readAvailable() {
        Throwable cause = null;
        try {
            for (int reads = 0; ; reads++) {
                byte[] f;
                while (!closed.get() && (f = polledIn.nextBuffered()) != null) {
                    deliver(f);
                }
                if (closed.get()) {
                    break;
                }
                if (reads == 4) {
                    return true; // the buffer is handled; what the socket still holds, the selector reports again
                }
                int n = polledIn.fill();
                if (n == 0) {
                    return true;
                }
                if (n < 0) {
                    if (polledIn.hasPartialFrame()) {
                        throw new FrameException("peer closed inside a frame");
                    }
                    break;
                }
            }
        } catch (IOException e) {
            cause = readFailure(e);
        }
        shutdown(cause);
        return false;
    }

    private void deliver(byte[] frame) {
        framesIn.incrementAndGet();
        try {
            listener.onFrame(this, frame);
        } catch (RuntimeException e) {
            Log.err("Stream from %s: frame handler failed: %s", peer, e);
        }
    }

    /** Logs why reading ended; the close's cause, or null for a channel we closed ourselves. */
    private Throwable readFailure(IOException e) {
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

    private void begin() {
        try {
            listener.onOpen(this);
        } catch (RuntimeException e) {
            Log.err("Stream to %s: onOpen handler failed: %s", peer, e);
        }
        writer = new Thread(this::writeLoop, "stream-w-" + peer);
        writer.setDaemon(true);
        writer.start();
        if (polledIn == null) {
            reader = new Thread(this::readLoop, "stream-r-" + peer);
            reader.setDaemon(true);
            reader.start();
        }
    }

    /** The other side's name: the peer named in stream.open (server side) or the socket name (client side). */
    public String peer() {
        return peer;
    }

    public boolean isOpen() {
        return !closed.get();
    }

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
        if (readerSends()) {
            if (queue.offer(frame)) {
                return true; // written when the reader has handled its buffered frames
            }
            writeQueuedFromReader(); // full: the reader makes room itself, nobody else would
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

    /**
     * Lets the writer wait {@code micros} for more frames when the queue runs empty after a write, before it
     * sleeps until the next send. Under a steady flow of small frames (replies to many miners) this turns one
     * write and one wake-up of the writer per frame into one per linger, for at most that much added latency.
     * 0, the default: the writer sleeps at once.
     */
    public FrameStream writeLinger(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("write linger must be >= 0 us, got " + micros);
        }
        writeLingerNanos = TimeUnit.MICROSECONDS.toNanos(micros);
        return this;
    }

    /**
     * Frames sent from the reader thread (in {@link Listener#onFrame}) are written by the reader when it has no
     * further frame buffered, before it waits for the next read: replies leave as soon as the frames that caused
     * them are handled, with no hand-over to the writer thread and no linger. Frames from other threads go
     * through the writer as before. Set in {@link Listener#onOpen}.
     */
    public FrameStream writeFromReader(boolean on) {
        writeFromReader = on;
        return this;
    }

    /** Queues a frame only if there is room now (a reader writing its own frames makes room first). */
    public boolean trySend(byte[] frame) {
        Frames.checkOutgoing(frame);
        if (closed.get()) {
            return false;
        }
        if (readerSends()) {
            if (queue.offer(frame)) {
                return true;
            }
            writeQueuedFromReader();
            return !closed.get() && queue.offer(frame);
        }
        boolean queued = queue.offer(frame);
        if (queued) {
            wakeWriter();
        }
        return queued;
    }

    private boolean readerSends() {
        return writeFromReader && Thread.currentThread() == reader;
    }

    private void wakeWriter() {
        if (writerWaiting && Thread.currentThread() != kicker) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * Wakes the writer for what this thread has sent since its last kick. From the first kick on, this thread's
     * sends no longer wake the writer one by one: a thread that produces frames in rounds (the connector's I/O
     * loop) kicks once at the end of each round, so each round's frames leave in one write, at once, without a
     * linger. Other threads' sends wake the writer as before.
     */
    public void kick() {
        Thread me = Thread.currentThread();
        if (kicker != me) {
            kicker = me;
        }
        if (polledIn != null && writeFromKicker()) {
            return;
        }
        if (writerWaiting && (outPending || !queue.isEmpty())) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * A polled stream's channel is non-blocking, so the kicking thread writes what is queued itself, once, without
     * waiting: no hand-over to the writer for a round's lines. What the socket does not take at once (or a frame
     * larger than the copy buffer) is left to the writer. True when nothing is left for it.
     */
    private boolean writeFromKicker() {
        if (!writeLock.tryLock()) {
            return false; // the writer is at it, and takes what is queued too
        }
        try {
            if (outPending || closed.get()) {
                return false;
            }
            ByteBuffer out = copyBuffer();
            int frames = 0;
            byte[] f;
            while ((f = queue.peek()) != null && f != POISON && Frames.HEADER + f.length <= out.remaining()) {
                queue.poll();
                out.putInt(f.length).put(f);
                frames++;
            }
            if (frames > 0) {
                framesOut.addAndGet(frames);
                batches.incrementAndGet();
                out.flip();
                channel.write(out);
                if (out.hasRemaining()) {
                    outPending = true;
                    return false;
                }
                out.clear();
            }
            return queue.isEmpty();
        } catch (IOException e) {
            writeFailed(e);
            return true;
        } finally {
            writeLock.unlock();
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
        return framesOut.get();
    }

    /** Gathering writes done so far (framesOut / batches = mean batch size). */
    public long batches() {
        return batches.get();
    }

    /** Waits until every queued frame has been written (or the timeout passes). True when drained. */
    public boolean flush(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        if (writerWaiting) {
            LockSupport.unpark(writer); // frames a kicker has not kicked for yet go now
        }
        synchronized (idle) {
            while ((!queue.isEmpty() || writing || outPending) && !closed.get()) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.min(left, 50));
            }
        }
        return queue.isEmpty() && !outPending;
    }

    private void readLoop() {
        Throwable cause = null;
        FrameReader in = new FrameReader(channel, 64 * 1024);
        try {
            while (!closed.get()) {
                if (writeFromReader && !in.hasBufferedFrame()) {
                    writeQueuedFromReader(); // before the read that may wait
                }
                byte[] f = in.next();
                if (f == null) {
                    break;
                }
                deliver(f);
            }
        } catch (IOException e) {
            cause = readFailure(e);
        }
        shutdown(cause);
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
     * Returns when frames are queued (or the stream closed): at once when there are some, else after the write
     * linger, else when a sender wakes this thread. Frames stay queued until taken under the write lock, so a
     * reader writing its own frames cannot overtake one the writer is about to write.
     */
    private void awaitFrames() {
        long linger = writeLingerNanos;
        if (queue.isEmpty() && linger > 0) {
            // Parked with writerWaiting false: senders meanwhile queue their frames without waking this thread.
            LockSupport.parkNanos(this, linger);
        }
        while (queue.isEmpty() && !outPending && !closed.get()) {
            writerWaiting = true;
            if (queue.isEmpty() && !outPending && !closed.get()) {
                LockSupport.park(this);
            }
            writerWaiting = false;
        }
    }

    /** Takes what is queued, in order, and writes it; the writer's and the writing reader's one way out. */
    private void writeQueued(List<byte[]> batch) throws IOException {
        writeLock.lock();
        try {
            writing = true;
            if (outPending) {
                ByteBuffer out = copyBuffer(); // what a kicker could not write at once goes first
                while (out.hasRemaining()) {
                    if (channel.write(out) == 0) {
                        awaitRoom();
                    }
                }
                out.clear();
                outPending = false;
            }
            while (queue.drainTo(batch, MAX_BATCH_FRAMES) > 0) {
                try {
                    writeBatch(batch);
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

    /** The reader writes what is queued (its own replies and anything sent meanwhile); a failure closes. */
    private void writeQueuedFromReader() {
        if (queue.isEmpty()) {
            return;
        }
        try {
            writeQueued(readerBatch);
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** A write by the reader or the kicker failed: the stream closes (quietly when we closed it ourselves). */
    private void writeFailed(IOException e) {
        if (e instanceof ClosedChannelException) {
            shutdown(null);
        } else {
            Log.info("Stream to %s: write failed: %s", peer, e.getMessage());
            shutdown(e);
        }
    }

    /**
     * Writes the batch with as few system calls as possible: frames are copied, header and all, into one
     * direct buffer that is written whenever it is full (heap buffers handed to a gathering write would each be
     * copied into a temporary direct buffer by the JDK anyway). A frame larger than that buffer is written on its
     * own. Frames before a POISON are written, then the close is reported.
     */
    private void writeBatch(List<byte[]> batch) throws IOException {
        ByteBuffer out = copyBuffer();
        int frames = 0;
        try {
            for (byte[] f : batch) {
                if (f == POISON) {
                    writeOut(out);
                    throw new AsynchronousCloseException();
                }
                int size = Frames.HEADER + f.length;
                if (size > out.remaining()) {
                    writeOut(out);
                    if (size > out.capacity()) {
                        writeFully(new ByteBuffer[] {Frames.header(f.length), ByteBuffer.wrap(f)}, 2, size);
                        frames++;
                        continue;
                    }
                }
                out.putInt(f.length).put(f);
                frames++;
            }
            writeOut(out);
        } finally {
            out.clear();
            framesOut.addAndGet(frames);
        }
    }

    private ByteBuffer copyBuffer() {
        if (copyBuffer == null) {
            copyBuffer = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        return copyBuffer;
    }

    private void writeOut(ByteBuffer out) throws IOException {
        if (out.position() == 0) {
            return;
        }
        out.flip();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                awaitRoom();
            }
        }
        out.clear();
        batches.incrementAndGet();
    }

    private void writeFully(ByteBuffer[] bufs, int count, long total) throws IOException {
        long written = 0;
        int offset = 0;
        while (written < total) {
            long n = channel.write(bufs, offset, count - offset);
            if (n == 0) {
                awaitRoom();
            }
            written += n;
            while (offset < count && !bufs[offset].hasRemaining()) {
                offset++;
            }
        }
        batches.incrementAndGet();
    }

    /** A polled stream's channel is non-blocking: a full socket buffer makes the writer wait a moment and retry. */
    private void awaitRoom() throws IOException {
        if (closed.get()) {
            throw new AsynchronousCloseException();
        }
        LockSupport.parkNanos(this, 100_000);
    }

    /** Closes the stream: pending frames are dropped (call {@link #flush} first to deliver them). */
    @Override
    public void close() {
        shutdown(null);
    }

    private void shutdown(Throwable cause) {
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
