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
import java.util.function.LongSupplier;

import org.jckpool.libpool.log.Log;

/**
 * The wire format shared with ckpool: a 4-byte little-endian unsigned length, then that many bytes (UTF-8 for
 * text). Length 0 and lengths above the reader's cap are rejected: {@link #MAX_FRAME} on streams (ckpool allows up
 * to 2 GiB; nothing we send comes near 32 MiB, so a bigger length means a broken or hostile peer), a smaller one
 * for control requests ({@link ControlServer#maxRequestBytes}). Readers take memory as the bytes arrive, not when
 * a header announces them.
 */
public final class Frames {
    /** Largest payload sent, and accepted on a stream: 32 MiB (a template or a batch is a few MB). */
    public static final int MAX_FRAME = 32 << 20;
    public static final int HEADER = 4;

    private Frames() {
    }

    /** Validates a length read from the wire against {@link #MAX_FRAME}; logs and throws when it is 0 or over. */
    public static int checkLength(long length) throws FrameException {
        return checkLength(length, MAX_FRAME, "Frames.MAX_FRAME");
    }

    /** Validates a length read from the wire against {@code max} (named {@code capName} in the log line). */
    public static int checkLength(long length, int max, String capName) throws FrameException {
        if (length == 0) {
            throw new FrameException("frame of length 0");
        }
        if (length < 0 || length > max) {
            Log.warning("Rejecting frame of %d bytes: over %s (%d bytes)", length, capName, max);
            throw new FrameException("frame of " + length + " bytes exceeds " + capName + " (" + max + ")");
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
        IncomingFrame f = new IncomingFrame(MAX_FRAME, "Frames.MAX_FRAME");
        while (!f.complete()) {
            if (f.readFrom(ch) < 0) {
                if (!f.started()) {
                    return null;
                }
                throw cutShort(f);
            }
        }
        return f.payload();
    }

    static FrameException cutShort(IncomingFrame f) {
        return new FrameException("peer closed inside a frame (" + f.progress() + ")");
    }

    /**
     * Reads one frame from a connected channel, waiting at most {@code firstMs} for the first byte and then at most
     * {@code restMs} for the rest (ckpmsg's two timeouts). The channel is left in blocking mode. Returns null when
     * the peer closed before sending anything.
     *
     * @throws SocketTimeoutException when a deadline passes
     */
    public static byte[] readWithTimeout(SocketChannel ch, long firstMs, long restMs) throws IOException {
        return readWithTimeout(ch, firstMs, restMs, MAX_FRAME);
    }

    /** As {@link #readWithTimeout(SocketChannel, long, long)}, refusing frames over {@code maxLength} bytes. */
    public static byte[] readWithTimeout(SocketChannel ch, long firstMs, long restMs, int maxLength)
            throws IOException {
        return read(ch, new IncomingFrame(maxLength, "the reader's cap"), System.nanoTime(), firstMs, restMs,
                System::nanoTime);
    }

    /**
     * Reads {@code f} from {@code ch}: its first byte by {@code firstMs} after {@code sinceNanos}, then all the
     * rest at most {@code restMs} after that byte (one deadline, however the bytes trickle in); restMs &lt; 0 keeps
     * the first deadline for the whole frame. Null when the peer closed before sending anything. Leaves the
     * channel blocking. The deadlines are kept on {@code nanoTime} (a test's clock, or {@code System::nanoTime});
     * a wait for bytes lasts at most the time left, so a clock moved past the deadline is seen within that wait.
     */
    static byte[] read(SocketChannel ch, IncomingFrame f, long sinceNanos, long firstMs, long restMs,
            LongSupplier nanoTime) throws IOException {
        ch.configureBlocking(false);
        try (Selector sel = Selector.open()) {
            ch.register(sel, SelectionKey.OP_READ);
            long deadline = sinceNanos + firstMs * 1_000_000L;
            boolean started = false;
            while (!f.complete()) {
                int n = f.readFrom(ch);
                if (n < 0) {
                    if (!f.started()) {
                        return null;
                    }
                    throw cutShort(f);
                }
                if (!started && f.started()) {
                    started = true;
                    if (restMs >= 0) {
                        deadline = nanoTime.getAsLong() + restMs * 1_000_000L;
                    }
                }
                if (n == 0) {
                    long left = (deadline - nanoTime.getAsLong()) / 1_000_000L;
                    if (left <= 0) {
                        throw new SocketTimeoutException(started
                                ? "frame not completed in time (" + f.progress() + ")" : "no frame in time");
                    }
                    sel.select(left);
                    sel.selectedKeys().clear();
                }
            }
            return f.payload();
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
