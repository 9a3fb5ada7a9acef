package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * One frame being read, header then body. The body buffer grows with the bytes that have actually arrived (from
 * {@link #FIRST_BODY_BYTES}, doubling), never on the header's word alone: a peer that announces 32 MiB and sends
 * 1 KB costs about 64 KiB. Each read asks for at most {@link #READ_WINDOW} bytes, because the JDK reads a heap
 * buffer through a temporary direct buffer of the requested size and keeps it cached in the reading thread.
 */
final class IncomingFrame {
    static final int FIRST_BODY_BYTES = 64 * 1024;
    static final int READ_WINDOW = 64 * 1024;

    private final int maxLength;
    private final String capName;
    private final ByteBuffer header = ByteBuffer.allocate(Frames.HEADER).order(ByteOrder.LITTLE_ENDIAN);
    private int length = -1;
    private byte[] body;
    private int filled;

    /** {@code capName} names the cap in the log line and exception when a header announces more. */
    IncomingFrame(int maxLength, String capName) {
        this.maxLength = maxLength;
        this.capName = capName;
    }

    /** Starts the body with bytes already read past the header (a buffered reader's leftovers). */
    void takeHeaderAndPrefix(ByteBuffer src) throws FrameException {
        while (header.hasRemaining() && src.hasRemaining()) {
            header.put(src.get());
        }
        if (!header.hasRemaining() && length < 0) {
            startBody();
        }
        while (length >= 0 && filled < length && src.hasRemaining()) {
            ensureRoom();
            int n = Math.min(src.remaining(), body.length - filled);
            src.get(body, filled, n);
            filled += n;
        }
    }

    /** One read from {@code ch}: the bytes read (0 on a non-blocking channel with nothing), -1 at end of stream. */
    int readFrom(ReadableByteChannel ch) throws IOException {
        if (length < 0) {
            int n = ch.read(header);
            if (!header.hasRemaining()) {
                startBody();
            }
            return n;
        }
        ensureRoom();
        int n = ch.read(ByteBuffer.wrap(body, filled, Math.min(READ_WINDOW, body.length - filled)));
        if (n > 0) {
            filled += n;
        }
        return n;
    }

    private void startBody() throws FrameException {
        length = Frames.checkLength(Integer.toUnsignedLong(header.getInt(0)), maxLength, capName);
        body = new byte[Math.min(length, FIRST_BODY_BYTES)];
    }

    private void ensureRoom() {
        if (filled == body.length && filled < length) {
            body = Arrays.copyOf(body, (int) Math.min(length, 2L * body.length));
        }
    }

    boolean complete() {
        return length >= 0 && filled == length;
    }

    /** True once any byte of the frame has arrived. */
    boolean started() {
        return header.position() > 0;
    }

    /** The payload, once {@link #complete}. */
    byte[] payload() {
        if (!complete()) {
            throw new IllegalStateException("frame not complete: " + progress());
        }
        return body;
    }

    /** Bytes of this frame received so far, header included. */
    long received() {
        return header.position() + (long) filled;
    }

    /** Bytes of buffer this frame holds now, header included. */
    long held() {
        return Frames.HEADER + (body == null ? 0 : body.length);
    }

    /** "n of m bytes" for the messages of a frame cut short. */
    String progress() {
        return length < 0 ? header.position() + " of " + Frames.HEADER + " header bytes"
                : filled + " of " + length + " bytes";
    }
}
