package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;

/**
 * Reads frames from a channel through one reusable buffer, so a stream of small frames costs one read call per
 * buffer-full rather than two per frame. Frames are capped at {@link Frames#MAX_FRAME}; a frame larger than the
 * buffer takes memory as its bytes arrive, not when its header announces it.
 */
final class FrameReader {
    private final ReadableByteChannel ch;
    private final int bufferSize;
    private ByteBuffer buf;

    public FrameReader(ReadableByteChannel ch, int bufferSize) {
        this.ch = ch;
        this.bufferSize = bufferSize;
        this.buf = ByteBuffer.allocate(bufferSize).order(ByteOrder.LITTLE_ENDIAN);
        this.buf.flip(); // start empty, in read mode
    }

    /**
     * The next frame; null on a clean EOF between frames; {@link FrameException} on a bad or cut frame. A frame
     * larger than what is buffered is read on into a buffer that grows as its bytes arrive.
     */
    public byte[] next() throws IOException {
        if (!ensure(Frames.HEADER, true)) {
            return null;
        }
        int len = Frames.checkLength(Integer.toUnsignedLong(buf.getInt(buf.position())));
        if (buf.remaining() - Frames.HEADER >= len) {
            buf.position(buf.position() + Frames.HEADER);
            byte[] out = new byte[len];
            buf.get(out);
            return out;
        }
        IncomingFrame f = new IncomingFrame(Frames.MAX_FRAME, "Frames.MAX_FRAME");
        f.takeHeaderAndPrefix(buf);
        while (!f.complete()) {
            if (f.readFrom(ch) < 0) {
                throw Frames.cutShort(f);
            }
        }
        return f.payload();
    }

    /**
     * Non-blocking use: reads what the channel has now into the buffer (at most {@link IncomingFrame#READ_WINDOW}
     * bytes). Returns the bytes read, 0 when there was nothing (or no room), -1 at end of stream.
     */
    public int fill() throws IOException {
        buf.compact();
        try {
            if (!buf.hasRemaining()) {
                return 0;
            }
            buf.limit(Math.min(buf.limit(), buf.position() + IncomingFrame.READ_WINDOW));
            return ch.read(buf);
        } finally {
            buf.flip();
        }
    }

    /**
     * Non-blocking use: the next whole frame in the buffer, or null until {@link #fill} has brought the rest. For
     * a frame larger than the buffer, the buffer doubles each time the frame's bytes have filled it (never to more
     * than the frame), and goes back to its first size once that frame is taken.
     */
    public byte[] nextBuffered() throws FrameException {
        if (buf.remaining() < Frames.HEADER) {
            return null;
        }
        int len = Frames.checkLength(Integer.toUnsignedLong(buf.getInt(buf.position())));
        if (buf.remaining() - Frames.HEADER < len) {
            if (buf.remaining() == buf.capacity()) {
                int size = (int) Math.min(Frames.HEADER + (long) len, 2L * buf.capacity());
                ByteBuffer bigger = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
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
