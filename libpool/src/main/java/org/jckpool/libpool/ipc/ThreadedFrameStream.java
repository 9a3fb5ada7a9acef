package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link FrameStream} with threads of its own: a reader that hands each frame to {@code onFrame} and a writer.
 * Frames the reader sends (replies made in {@code onFrame}) are written by the reader itself once it has handled
 * every frame it has buffered, before it waits for the next read: replies leave as soon as the frames that caused
 * them are handled, with no hand-over to the writer. Frames from other threads wake the writer. A reader that
 * sends nothing never writes: a server's reader blocked in writing its replies cannot wait on a client's reader
 * that is itself blocked in a write, as long as one of the two only reads (the suite's client readers do).
 */
final class ThreadedFrameStream extends FrameStream {
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final List<byte[]> readerBatch = new ArrayList<>(MAX_BATCH_FRAMES);
    private Thread reader;
    /** Reader thread only: it has sent frames since it last wrote. */
    private boolean readerSent;

    private ThreadedFrameStream(SocketChannel channel, String peer, Listener listener, int queueCapacity,
                                long sendTimeoutMs) {
        super(channel, peer, listener, queueCapacity, sendTimeoutMs);
    }

    /** Wraps a connected blocking channel (after the handshake) and starts the reader and writer threads. */
    static ThreadedFrameStream start(SocketChannel channel, String peer, Listener listener, int queueCapacity,
                                     long sendTimeoutMs) {
        ThreadedFrameStream s = new ThreadedFrameStream(channel, peer, listener, queueCapacity, sendTimeoutMs);
        s.begin();
        s.reader = new Thread(s::readLoop, "stream-r-" + peer);
        s.reader.setDaemon(true);
        s.reader.start();
        return s;
    }

    @Override
    boolean sendsOnWritingThread() {
        if (Thread.currentThread() != reader) {
            return false;
        }
        readerSent = true;
        return true;
    }

    @Override
    boolean defersWake() {
        return false;
    }

    @Override
    void writeQueuedHere() {
        if (queue.isEmpty()) {
            return;
        }
        try {
            writeQueued(readerBatch);
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    private void readLoop() {
        Throwable cause = null;
        FrameReader in = new FrameReader(channel, READ_BUFFER_BYTES);
        try {
            while (!closed.get()) {
                if (readerSent && !in.hasBufferedFrame()) {
                    readerSent = false;
                    writeQueuedHere(); // before the read that may wait
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
}
