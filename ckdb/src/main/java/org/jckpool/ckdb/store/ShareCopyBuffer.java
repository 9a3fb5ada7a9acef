package org.jckpool.ckdb.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Shares in PostgreSQL's binary COPY format (header, one tuple per share, trailer), which the server takes in
 * without parsing numbers and timestamps from text.
 */
final class ShareCopyBuffer {
    /** Columns written per tuple, in {@link DbWriter}'s COPY column order. */
    private static final int COLUMNS = 9;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** Microseconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01 (UTC). */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private byte[] buf = new byte[1 << 16];
    private int len;
    private int rows;

    ShareCopyBuffer() {
        reset();
    }

    void reset() {
        len = 0;
        rows = 0;
        put(SIGNATURE);
        int32(0); // flags
        int32(0); // header extension length
    }

    int rows() {
        return rows;
    }

    void add(ShareRow s) {
        int16(COLUMNS);
        text(s.source());
        int8(s.seq());
        int8(s.shareId());
        int8(s.workinfoId());
        text(s.username());
        text(s.workername());
        float8(s.diff());
        float8(s.sdiff());
        int32(8);
        int64(s.createdMillis() * 1000L - PG_EPOCH_MICROS);
        rows++;
    }

    /** The finished COPY data (adds the trailer); call {@link #reset} before reusing. */
    byte[] finish() {
        int16(-1);
        return Arrays.copyOf(buf, len);
    }

    private void text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int32(b.length);
        put(b);
    }

    private void int8(long v) {
        int32(8);
        int64(v);
    }

    private void float8(double v) {
        int32(8);
        int64(Double.doubleToLongBits(v));
    }

    private void int16(int v) {
        ensure(2);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int32(int v) {
        ensure(4);
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void put(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    private void ensure(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }
}
