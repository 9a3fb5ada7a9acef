package org.jckpool.libpool.bitcoin;

import java.util.Arrays;

/** Little-endian reader over a byte array; every read past the end throws {@link ParseException}. */
public final class ByteReader {
    private final byte[] buf;
    private final int end;
    private int pos;

    public ByteReader(byte[] buf) {
        this(buf, 0, buf.length);
    }

    public ByteReader(byte[] buf, int off, int len) {
        if (off < 0 || len < 0 || off + len > buf.length) {
            throw new IllegalArgumentException("bad range " + off + "+" + len + " for " + buf.length + " bytes");
        }
        this.buf = buf;
        this.pos = off;
        this.end = off + len;
    }

    private void need(int n, String what) {
        if (n < 0 || end - pos < n) {
            throw new ParseException("truncated: need " + n + " bytes for " + what + " at offset " + pos
                    + ", only " + (end - pos) + " left");
        }
    }

    public int u8() {
        need(1, "u8");
        return buf[pos++] & 0xff;
    }

    public int u16() {
        need(2, "u16");
        int v = (buf[pos] & 0xff) | (buf[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    /** Unsigned 32-bit value. */
    public long u32() {
        need(4, "u32");
        long v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (long) (buf[pos + i] & 0xff) << (8 * i);
        }
        pos += 4;
        return v;
    }

    public long u64() {
        need(8, "u64");
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (buf[pos + i] & 0xff) << (8 * i);
        }
        pos += 8;
        return v;
    }

    /**
     * CompactSize, returned as an unsigned value in a long (values beyond Long.MAX_VALUE are negative).
     * Non-minimal encodings are rejected, as Core does.
     */
    public long varInt() {
        int at = pos;
        int first = u8();
        long v;
        long min;
        if (first < 0xfd) {
            return first;
        } else if (first == 0xfd) {
            v = u16();
            min = 0xfd;
        } else if (first == 0xfe) {
            v = u32();
            min = 0x10000;
        } else {
            v = u64();
            min = 0x100000000L;
        }
        if (Long.compareUnsigned(v, min) < 0) {
            throw new ParseException("non-canonical CompactSize at offset " + at);
        }
        return v;
    }

    /** A CompactSize used as a count or length, checked against {@code max} and the bytes left. */
    public int varLength(long max, String what) {
        long v = varInt();
        if (v < 0 || v > max) {
            throw new ParseException(what + " " + Long.toUnsignedString(v) + " exceeds limit " + max);
        }
        return (int) v;
    }

    public byte[] bytes(int n) {
        need(n, n + "-byte field");
        byte[] out = Arrays.copyOfRange(buf, pos, pos + n);
        pos += n;
        return out;
    }

    /** varInt length then that many bytes; the length may not exceed what is left. */
    public byte[] varBytes() {
        int n = varLength(remaining(), "length prefix");
        return bytes(n);
    }

    public int position() {
        return pos;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean atEnd() {
        return pos == end;
    }
}
