package org.jckpool.testminer.stratum;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-terminated UTF-8 lines with a length cap. Works for blocking and
 * non-blocking readers alike: feed whatever arrived, then poll until it returns null. A line longer than the
 * cap is dropped up to its newline and counted (see {@link #takeOverlongCount()}), so a hostile or broken peer
 * cannot make the buffer grow without bound.
 */
public final class LineBuffer {
    private final int maxLineBytes;
    private byte[] buf = new byte[512];
    private int start;
    private int end;
    private int scanFrom;
    private boolean discarding;
    private int overlong;

    public LineBuffer(int maxLineBytes) {
        if (maxLineBytes < 16) {
            throw new IllegalArgumentException("maxLineBytes too small: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
    }

    public void feed(byte[] data, int off, int len) {
        ensureRoom(len);
        System.arraycopy(data, off, buf, end, len);
        end += len;
    }

    /** Appends the remaining bytes of src (consuming them). */
    public void feed(ByteBuffer src) {
        int len = src.remaining();
        ensureRoom(len);
        src.get(buf, end, len);
        end += len;
    }

    /** Next complete line without its terminator (a trailing CR is removed too), or null when none is complete. */
    public String poll() {
        return nextLine() ? new String(buf, lineStart, lineLength, StandardCharsets.UTF_8) : null;
    }

    private int lineStart;
    private int lineLength;

    /**
     * Moves to the next complete line without making a String of it; false when none is complete. The line is
     * {@link #lineLength()} bytes of {@link #lineBytes()} from {@link #lineStart()}, valid until the next feed.
     */
    public boolean nextLine() {
        while (true) {
            int nl = -1;
            for (int i = scanFrom; i < end; i++) {
                if (buf[i] == '\n') {
                    nl = i;
                    break;
                }
            }
            if (nl < 0) {
                scanFrom = end;
                if (discarding) {
                    start = end;
                } else if (end - start > maxLineBytes) {
                    overlong++;
                    discarding = true;
                    start = end;
                }
                scanFrom = end;
                compact();
                return false;
            }
            int from = start;
            int to = nl;
            start = nl + 1;
            scanFrom = start;
            if (discarding) {
                discarding = false;
                continue;
            }
            if (to - from > maxLineBytes) {
                overlong++;
                continue;
            }
            if (to > from && buf[to - 1] == '\r') {
                to--;
            }
            lineStart = from;
            lineLength = to - from;
            return true;
        }
    }

    /** True when the current line holds only spaces and tabs (or nothing). */
    public boolean lineBlank() {
        for (int i = lineStart; i < lineStart + lineLength; i++) {
            if (buf[i] != ' ' && buf[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    public byte[] lineBytes() {
        return buf;
    }

    public int lineStart() {
        return lineStart;
    }

    public int lineLength() {
        return lineLength;
    }

    /** Number of lines dropped for exceeding the cap since the last call. */
    public int takeOverlongCount() {
        int n = overlong;
        overlong = 0;
        return n;
    }

    /** Bytes held for an incomplete line. */
    public int pending() {
        return end - start;
    }

    private void ensureRoom(int len) {
        if (end + len <= buf.length) {
            return;
        }
        compact();
        if (end + len > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, end + len));
        }
    }

    private void compact() {
        if (start == 0) {
            return;
        }
        int n = end - start;
        System.arraycopy(buf, start, buf, 0, n);
        scanFrom -= start;
        start = 0;
        end = n;
        if (n == 0 && buf.length > 64 * 1024) {
            buf = new byte[512]; // give back the memory a large burst needed
        }
    }
}
