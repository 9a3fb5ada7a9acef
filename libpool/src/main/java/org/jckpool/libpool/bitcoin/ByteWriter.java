package org.jckpool.libpool.bitcoin;

import java.util.Arrays;

/** Growable little-endian byte buffer for Bitcoin serialisation. */
public final class ByteWriter {
    private byte[] buf;
    private int size;

    public ByteWriter() {
        this(64);
    }

    public ByteWriter(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public ByteWriter u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public ByteWriter u16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    /** Writes the low 32 bits of v, little-endian (works for both signed int and unsigned long values). */
    public ByteWriter u32(long v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public ByteWriter u64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** CompactSize; v is treated as unsigned. */
    public ByteWriter varInt(long v) {
        if (v >= 0 && v < 0xfd) {
            return u8((int) v);
        } else if (v >= 0 && v <= 0xffff) {
            return u8(0xfd).u16((int) v);
        } else if (v >= 0 && v <= 0xffffffffL) {
            return u8(0xfe).u32(v);
        }
        return u8(0xff).u64(v);
    }

    public ByteWriter bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    public ByteWriter bytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
        return this;
    }

    /** varInt(length) followed by the bytes. */
    public ByteWriter varBytes(byte[] b) {
        return varInt(b.length).bytes(b);
    }

    public int size() {
        return size;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** Encoded size of a CompactSize value. */
    public static int varIntSize(long v) {
        if (v >= 0 && v < 0xfd) {
            return 1;
        } else if (v >= 0 && v <= 0xffff) {
            return 3;
        } else if (v >= 0 && v <= 0xffffffffL) {
            return 5;
        }
        return 9;
    }
}
