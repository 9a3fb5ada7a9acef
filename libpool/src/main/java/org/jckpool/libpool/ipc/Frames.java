package org.jckpool.libpool.ipc;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;

import org.jckpool.libpool.log.Log;

/**
 * The wire format shared with ckpool: a 4-byte little-endian unsigned length, then that many bytes (UTF-8 for
 * text). Length 0 and lengths above {@link #MAX_FRAME} are rejected (ckpool allows up to 2 GiB; nothing we send
 * comes near 32 MiB, so a bigger length means a broken or hostile peer).
 */
public final class Frames {
    /** Largest payload accepted or sent: 32 MiB. */
    public static final int MAX_FRAME = 32 << 20;
    public static final int HEADER = 4;

    private Frames() {
    }

    /** Validates a length read from the wire; logs and throws when it is 0 or over the cap. */
    public static int checkLength(long length) throws FrameException {
        if (length == 0) {
            throw new FrameException("frame of length 0");
        }
        if (length < 0 || length > MAX_FRAME) {
            Log.warning("Rejecting frame of %d bytes: over the cap Frames.MAX_FRAME of %d bytes", length, MAX_FRAME);
            throw new FrameException("frame of " + length + " bytes exceeds Frames.MAX_FRAME (" + MAX_FRAME + ")");
        }
        return (int) length;
    }

    public static ByteBuffer header(int length) {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, length);
        return h;
    }

    /** Header and payload in one buffer, ready to write. */
    public static ByteBuffer encode(byte[] payload) {
        checkOutgoing(payload);
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(payload.length).put(payload).flip();
        return b;
    }

    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    static void checkOutgoing(byte[] payload) {
        if (payload.length == 0 || payload.length > MAX_FRAME) {
            throw new IllegalArgumentException("frame payload must be 1.." + MAX_FRAME + " bytes, got " + payload.length);
        }
    }

    /** Writes one frame to a blocking channel. */
    public static void write(WritableByteChannel ch, byte[] payload) throws IOException {
        ByteBuffer b = encode(payload);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /**
     * Reads one frame from a blocking channel. Returns null when the peer closed cleanly before the first byte of
     * a frame; throws {@link FrameException} on a bad length or a frame cut short.
     */
    public static byte[] read(ReadableByteChannel ch) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
        if (!fill(ch, h, true)) {
            return null;
        }
        int len = checkLength(Integer.toUnsignedLong(h.getInt(0)));
        ByteBuffer body = ByteBuffer.allocate(len);
        fill(ch, body, false);
        return body.array();
    }

    private static boolean fill(ReadableByteChannel ch, ByteBuffer b, boolean eofOkAtStart) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                if (eofOkAtStart && b.position() == 0) {
                    return false;
                }
                throw new FrameException("peer closed inside a frame (" + b.position() + " of " + b.limit() + " bytes)");
            }
        }
        return true;
    }

    /**
     * Reads one frame from a connected channel, waiting at most {@code firstMs} for the first byte and then at most
     * {@code restMs} for the rest (ckpmsg's two timeouts). The channel is left in blocking mode. Returns null when
     * the peer closed before sending anything.
     *
     * @throws SocketTimeoutException when a deadline passes
     */
    public static byte[] readWithTimeout(SocketChannel ch, long firstMs, long restMs) throws IOException {
        ch.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            ByteBuffer h = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
            long deadline = System.nanoTime() + firstMs * 1_000_000L;
            boolean started = false;
            ByteBuffer body = null;
            ByteBuffer cur = h;
            while (true) {
                int n = ch.read(cur);
                if (n < 0) {
                    if (!started) {
                        return null;
                    }
                    int have = body == null ? h.position() : body.position();
                    int want = body == null ? HEADER : body.limit();
                    throw new FrameException("peer closed inside a frame (" + have + " of " + want + " bytes)");
                }
                if (n > 0 && !started) {
                    started = true;
                    deadline = System.nanoTime() + restMs * 1_000_000L;
                }
                if (!cur.hasRemaining()) {
                    if (body == null) {
                        int len = checkLength(Integer.toUnsignedLong(h.getInt(0)));
                        body = ByteBuffer.allocate(len);
                        cur = body;
                        continue;
                    }
                    return body.array();
                }
                if (n == 0) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        throw new SocketTimeoutException(started ? "frame not completed in time" : "no frame in time");
                    }
                    sel.select(left);
                    sel.selectedKeys().clear();
                }
            }
        } finally {
            if (ch.isOpen()) {
                ch.configureBlocking(true);
            }
        }
    }

    /** Writes one frame, giving up after {@code timeoutMs} if the peer does not read. Leaves blocking mode on. */
    public static void writeWithTimeout(SocketChannel ch, byte[] payload, long timeoutMs) throws IOException {
        ByteBuffer b = encode(payload);
        ch.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_WRITE);
            long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
            while (b.hasRemaining()) {
                if (ch.write(b) == 0) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        throw new SocketTimeoutException("peer did not take the frame in time");
                    }
                    sel.select(left);
                    sel.selectedKeys().clear();
                }
            }
        } finally {
            if (ch.isOpen()) {
                ch.configureBlocking(true);
            }
        }
    }

    /** As {@link #read}, but a clean EOF is an {@link EOFException} rather than null. */
    public static byte[] readRequired(ReadableByteChannel ch) throws IOException {
        byte[] f = read(ch);
        if (f == null) {
            throw new EOFException("peer closed");
        }
        return f;
    }
}
