package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes frames with as few system calls as possible: frames are copied, header and all, into one direct buffer
 * that is written whenever it is full (heap buffers handed to a gathering write would each be copied into a
 * temporary direct buffer by the JDK anyway). A frame larger than that buffer is written on its own. Used under
 * its stream's write lock only.
 */
final class FrameBatchWriter {
    /** Frames up to this size (header included) are batched into one write. */
    private static final int COPY_BUFFER_BYTES = 64 * 1024;

    private final SocketChannel channel;
    private final AtomicBoolean closed;
    final AtomicLong framesOut = new AtomicLong();
    final AtomicLong batches = new AtomicLong();
    /** Allocated on the first write. */
    private ByteBuffer copyBuffer;
    /**
     * The copy buffer holds bytes a non-blocking write left (position..limit); they are written before anything
     * else. Only a polled stream's kicker leaves some.
     */
    volatile boolean pending;

    FrameBatchWriter(SocketChannel channel, AtomicBoolean closed) {
        this.channel = channel;
        this.closed = closed;
    }

    ByteBuffer buffer() {
        if (copyBuffer == null) {
            copyBuffer = ByteBuffer.allocateDirect(COPY_BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        }
        return copyBuffer;
    }

    /** Writes what a non-blocking write left in the copy buffer, waiting for room as needed. */
    void writePending() throws IOException {
        if (!pending) {
            return;
        }
        ByteBuffer out = buffer();
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                awaitRoom();
            }
        }
        out.clear();
        pending = false;
    }

    /** Writes the batch; frames before a POISON are written, then the close is reported. */
    void write(List<byte[]> batch) throws IOException {
        ByteBuffer out = buffer();
        int frames = 0;
        try {
            for (byte[] f : batch) {
                if (f == FrameStream.POISON) {
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
}
