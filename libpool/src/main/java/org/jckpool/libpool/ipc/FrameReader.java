package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a blocking channel through one reusable buffer, so a stream of small frames costs one read
 * call per buffer-full rather than two per frame. Frames larger than the buffer are read directly.
 */
public final class FrameReader {
    private final ReadableByteChannel ch;
    private final int bufferSize;
    private ByteBuffer buf;

    public FrameReader(ReadableByteChannel ch, int bufferSize) {
        this.ch = ch;
        this.bufferSize = bufferSize;
        this.buf = ByteBuffer.allocate(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
        this.buf.flip(); // start empty, in read mode
    }

    /** The next frame; null on a clean EOF between frames; {@link FrameException} on a bad or cut frame. */
    public byte[] next() throws IOException {
        if (!ensure(Frames.HEADER, true)) {
            return null;
        }
        int len = Frames.checkLength(Integer.toUnsignedLong(buf.getInt(buf.position())));
        buf.position(buf.position() + Frames.HEADER);
        byte[] out = new byte[len];
        int have = Math.min(len, buf.remaining());
        buf.get(out, 0, have);
        if (have < len) {
            ByteBuffer rest = ByteBuffer.wrap(out, have, len - have);
            while (rest.hasRemaining()) {
                if (ch.read(rest) < 0) {
                    throw new FrameException("peer closed inside a frame (" + rest.position() + " of " + len + " bytes)");
                }
            }
        }
        return out;
    }

    /**
     * Non-blocking use: reads what the channel has now into the buffer. Returns the bytes read, 0 when there was
     * nothing (or no room), -1 at end of stream.
     */
    public int fill() throws IOException {
        buf.compact();
        try {
            return buf.hasRemaining() ? ch.read(buf) : 0;
        } finally {
            buf.flip();
        }
    }

    /**
     * Non-blocking use: the next whole frame in the buffer, or null until {@link #fill} has brought the rest (the
     * buffer grows for a frame larger than it, and goes back to its first size once that frame is taken).
     */
    public byte[] nextBuffered() throws FrameException {
        if (buf.remaining() < Frames.HEADER) {
            return null;
        }
        int len = Frames.checkLength(Integer.toUnsignedLong(buf.getInt(buf.position())));
        if (buf.remaining() - Frames.HEADER < len) {
            if (Frames.HEADER + len > buf.capacity()) {
                ByteBuffer bigger = ByteBuffer.allocate(Frames.HEADER + len).order(ByteOrder.LITTLE_ENDIAN);
                bigger.put(buf).flip();
                buf = bigger;
            }
            return null;
        }
        buf.position(buf.position() + Frames.HEADER);
        byte[] out = new byte[len];
        buf.get(out);
        if (buf.capacity() > bufferSize && buf.remaining() <= bufferSize) {
            ByteBuffer normal = ByteBuffer.allocate(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
            buf = normal.put(buf).flip();
        }
        return out;
    }

    /** The buffer's current size (it grows for a large frame while reading non-blocking). */
    int bufferCapacity() {
        return buf.capacity();
    }

    /** True when part of a frame is buffered (so an end of stream now cuts it). */
    public boolean hasPartialFrame() {
        return buf.hasRemaining();
    }

    /** True when a whole frame is in the buffer, so {@link #next} returns it without reading the channel. */
    public boolean hasBufferedFrame() {
        int have = buf.remaining();
        if (have < Frames.HEADER) {
            return false;
        }
        long len = Integer.toUnsignedLong(buf.getInt(buf.position()));
        return have - Frames.HEADER >= len;
    }

    private boolean ensure(int n, boolean eofOk) throws IOException {
        while (buf.remaining() < n) {
            buf.compact();
            int r = ch.read(buf);
            buf.flip();
            if (r < 0) {
                if (eofOk && buf.remaining() == 0) {
                    return false;
                }
                throw new FrameException("peer closed inside a frame (" + buf.remaining() + " of " + n + " header bytes)");
            }
        }
        return true;
    }
}
