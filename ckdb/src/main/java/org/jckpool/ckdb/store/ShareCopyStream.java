package org.jckpool.ckdb.store;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Shares streamed into {@code COPY ... FROM STDIN (FORMAT binary)}: each row is encoded into a fixed chunk that
 * goes to the server whenever it fills, so PostgreSQL works on the first rows while later ones are encoded, and
 * the batch is never held as one big byte array. Name strings are encoded once per stream (the queued rows share
 * the memory tables' strings, so an identity map finds repeats cheaply).
 */
final class ShareCopyStream {
    static final String COLUMNS = "(source, seq, shareid, workinfoid, username, workername, diff, sdiff, createdate)";
    private static final int COLUMN_COUNT = 9;
    private static final int CHUNK = 256 * 1024;
    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    /** Microseconds from 1970-01-01 to PostgreSQL's epoch 2000-01-01 (UTC). */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;

    private final CopyIn in;
    private final byte[] buf = new byte[CHUNK];
    private final Map<String, byte[]> utf8 = new IdentityHashMap<>();
    private int len;
    private long rows;

    private ShareCopyStream(CopyIn in) {
        this.in = in;
        put(SIGNATURE);
        int32(0); // flags
        int32(0); // header extension length
    }

    static ShareCopyStream open(Connection c, String table) throws SQLException {
        return new ShareCopyStream(c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY " + table + " " + COLUMNS + " FROM STDIN (FORMAT binary)"));
    }

    long rows() {
        return rows;
    }

    void add(ShareRow s) throws SQLException {
        byte[] source = bytes(s.source());
        byte[] user = bytes(s.username());
        byte[] worker = bytes(s.workername());
        int need = 2 + 9 * 4 + source.length + user.length + worker.length + 6 * 8;
        if (len + need > CHUNK) {
            flush();
            if (need > CHUNK) {
                throw new SQLException("share row of " + need + " bytes does not fit a COPY chunk");
            }
        }
        int16(COLUMN_COUNT);
        text(source);
        int8(s.seq());
        int8(s.shareId());
        int8(s.workinfoId());
        text(user);
        text(worker);
        int8(Double.doubleToLongBits(s.diff()));
        int8(Double.doubleToLongBits(s.sdiff()));
        int8(s.createdMillis() * 1000L - PG_EPOCH_MICROS);
        rows++;
    }

    /** Sends the trailer and ends the COPY; the rows are in the table (uncommitted) afterwards. */
    long finish() throws SQLException {
        try {
            if (len + 2 > CHUNK) {
                flush();
            }
            int16(-1);
            flush();
            return in.endCopy();
        } finally {
            cancelIfActive();
        }
    }

    void cancelIfActive() throws SQLException {
        if (in.isActive()) {
            in.cancelCopy();
        }
    }

    private void flush() throws SQLException {
        if (len > 0) {
            in.writeToCopy(buf, 0, len);
            len = 0;
        }
    }

    private byte[] bytes(String s) {
        byte[] b = utf8.get(s);
        if (b == null) {
            b = s.getBytes(StandardCharsets.UTF_8);
            if (utf8.size() < 100_000) {
                utf8.put(s, b);
            }
        }
        return b;
    }

    private void text(byte[] b) {
        int32(b.length);
        put(b);
    }

    /** A field of 8 bytes: its length, then the value. */
    private void int8(long v) {
        int32(8);
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void int16(int v) {
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void int32(int v) {
        buf[len++] = (byte) (v >>> 24);
        buf[len++] = (byte) (v >>> 16);
        buf[len++] = (byte) (v >>> 8);
        buf[len++] = (byte) v;
    }

    private void put(byte[] b) {
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }
}
