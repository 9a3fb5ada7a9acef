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
                return null;
            }
            int lineStart = start;
            int lineEnd = nl;
            start = nl + 1;
            scanFrom = start;
            if (discarding) {
                discarding = false;
                continue;
            }
            if (lineEnd - lineStart > maxLineBytes) {
                overlong++;
                continue;
            }
            if (lineEnd > lineStart && buf[lineEnd - 1] == '\r') {
                lineEnd--;
            }
            return new String(buf, lineStart, lineEnd - lineStart, StandardCharsets.UTF_8);
        }
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
