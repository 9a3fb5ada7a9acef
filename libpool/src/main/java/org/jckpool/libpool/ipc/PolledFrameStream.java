package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;

/**
 * A {@link FrameStream} without a reader thread: its channel is non-blocking, and a thread with a selector (the
 * connector's I/O thread) registers it ({@link #registerReads}) and calls {@link #readAvailable} when it is
 * readable; {@code onFrame} runs on that thread. Saves a thread and a hand-over per batch where a selector loop
 * consumes the frames anyway.
 *
 * <p>The thread that calls {@link #kick} (the same loop, once per round) writes what is queued itself, without
 * waiting: its sends do not wake the writer thread, so each round's frames leave in one write. What the socket
 * does not take at once is left to the writer thread, which also serves other threads' sends.
 */
public final class PolledFrameStream extends FrameStream implements PolledChannel {
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** Reads per {@link #readAvailable}: what the socket still holds after them, the selector reports again. */
    private static final int READS_PER_CALL = 4;

    private final FrameReader in;
    /** The thread that calls {@link #kick}: its sends leave the writer asleep until it kicks. */
    private volatile Thread kicker;

    private PolledFrameStream(SocketChannel channel, String peer, Listener listener, int queueCapacity,
                              long sendTimeoutMs) {
        super(channel, peer, listener, queueCapacity, sendTimeoutMs);
        this.in = new FrameReader(channel, READ_BUFFER_BYTES);
    }

    /** As {@link FrameStream#connect}, but polled: nothing is read until the caller registers the stream. */
    public static PolledFrameStream connect(Path socket, String peer, Listener listener, int queueCapacity,
                                            long sendTimeoutMs) throws IOException {
        SocketChannel ch = StreamHandshake.open(socket, peer);
        try {
            ch.configureBlocking(false);
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        PolledFrameStream s = new PolledFrameStream(ch, socket.getFileName().toString(), listener, queueCapacity,
                sendTimeoutMs);
        s.begin();
        return s;
    }

    @Override
    public SelectionKey registerReads(Selector selector, Object attachment) throws ClosedChannelException {
        return channel.register(selector, SelectionKey.OP_READ, attachment);
    }

    /**
     * Reads what the channel holds now (at most four reads of 64 KiB, so one busy stream cannot hold its caller's
     * loop) and hands each whole frame to {@code onFrame}, in order. False once the stream is closed (by the peer,
     * a bad frame or an error; {@code onClose} has run).
     */
    @Override
    public boolean readAvailable() {
        Throwable cause = null;
        try {
            for (int reads = 0; ; reads++) {
                byte[] f;
                while (!closed.get() && (f = in.nextBuffered()) != null) {
                    deliver(f);
                }
                if (closed.get()) {
                    break;
                }
                if (reads == READS_PER_CALL) {
                    return true;
                }
                int n = in.fill();
                if (n == 0) {
                    return true;
                }
                if (n < 0) {
                    if (in.hasPartialFrame()) {
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

    @Override
    boolean sendsOnWritingThread() {
        return false;
    }

    @Override
    void writeQueuedHere() {
        throw new IllegalStateException("a polled stream has no reader thread");
    }

    @Override
    boolean defersWake() {
        return Thread.currentThread() == kicker;
    }

    /**
     * Writes what this thread has sent since its last kick. From the first kick on, this thread's sends no longer
     * wake the writer one by one; other threads' sends wake it as before.
     */
    public void kick() {
        Thread me = Thread.currentThread();
        if (kicker != me) {
            kicker = me;
        }
        if (writeFromKicker()) {
            return;
        }
        if (writerWaiting && (out.pending || !queue.isEmpty())) {
            LockSupport.unpark(writer);
        }
    }

    /**
     * One non-blocking write of what is queued. What the socket does not take at once (or a frame larger than the
     * copy buffer) is left to the writer. True when nothing is left for it.
     */
    private boolean writeFromKicker() {
        if (!writeLock.tryLock()) {
            return false; // the writer is at it, and takes what is queued too
        }
        try {
            if (out.pending || closed.get()) {
                return false;
            }
            ByteBuffer buf = out.buffer();
            int frames = 0;
            byte[] f;
            while ((f = queue.peek()) != null && f != POISON && Frames.HEADER + f.length <= buf.remaining()) {
                queue.poll();
                buf.putInt(f.length).put(f);
                frames++;
            }
            if (frames > 0) {
                out.framesOut.addAndGet(frames);
                out.batches.incrementAndGet();
                buf.flip();
                channel.write(buf);
                if (buf.hasRemaining()) {
                    out.pending = true;
                    return false;
                }
                buf.clear();
            }
            return queue.isEmpty();
        } catch (IOException e) {
            writeFailed(e);
            return true;
        } finally {
            writeLock.unlock();
        }
    }
}
