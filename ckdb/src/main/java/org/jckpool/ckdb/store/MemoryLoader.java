package org.jckpool.ckdb.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.jckpool.ckdb.memory.AddressRatio;
import org.jckpool.ckdb.memory.BlockRecord;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.memory.PayoutRecord;
import org.jckpool.ckdb.memory.SourceState;
import org.jckpool.ckdb.memory.UserRecord;
import org.jckpool.ckdb.memory.WorkerRecord;

/** Rebuilds the memory tables from PostgreSQL at start (after {@link RollUpAtStart}). */
public final class MemoryLoader {

    private MemoryLoader() {
    }

    public static void load(DataSource ds, MemoryTables m, ObjectMapper mapper) throws SQLException {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            c.setReadOnly(true);
            try (ResultSet rs = st.executeQuery(
                    "SELECT username, passwordhash, email, status, createdate FROM users")) {
                while (rs.next()) {
                    UserRecord u = m.userCreating(rs.getString(1));
                    u.passwordHash = rs.getString(2);
                    u.email = rs.getString(3);
                    u.status = rs.getString(4);
                    u.createdMillis = millis(rs.getTimestamp(5));
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT username, workername, difficultydefault FROM workers")) {
                while (rs.next()) {
                    m.workerCreating(m.userCreating(rs.getString(1)), rs.getString(2)).difficultyDefault =
                            rs.getDouble(3);
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT username, address, ratio FROM paymentaddresses ORDER BY username, createdate, address")) {
                while (rs.next()) {
                    m.userCreating(rs.getString(1)).addresses.add(new AddressRatio(rs.getString(2), rs.getInt(3)));
                }
            }
            // one row per worker, kept by the writer and brought up to date by RollUpAtStart: not an aggregate
            // over all shares, so start-up stays short as the table grows
            try (ResultSet rs = st.executeQuery(
                    "SELECT username, workername, diffacc, shares, rejects, lastshare FROM worker_totals")) {
                while (rs.next()) {
                    UserRecord u = m.userCreating(rs.getString(1));
                    WorkerRecord w = m.workerCreating(u, rs.getString(2));
                    double diff = rs.getDouble(3);
                    long count = rs.getLong(4);
                    long rejects = rs.getLong(5);
                    long last = millis(rs.getTimestamp(6));
                    for (var t : new org.jckpool.ckdb.memory.ShareTotals[] {w.totals, u.totals, m.poolTotals}) {
                        t.acceptedDiff += diff;
                        t.accepted += count;
                        t.rejected += rejects;
                        t.lastShareMillis = Math.max(t.lastShareMillis, last);
                    }
                }
            }
            // new shares must get ids above the mark, or a crash would leave them out of worker_totals for good
            try (ResultSet rs = st.executeQuery("SELECT greatest(coalesce(max(shareid), 0), "
                    + "(SELECT shareid FROM worker_totals_mark)) FROM shares")) {
                rs.next();
                m.lastShareId = rs.getLong(1);
            }
            Map<String, BlockRecord> blocks = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT blockhash, height, workinfoid, username, workername, reward, "
                    + "netdiff, shareid_end, createdate, status FROM blocks ORDER BY createdate, height")) {
                while (rs.next()) {
                    BlockRecord b = new BlockRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
                            rs.getString(5), rs.getLong(6), rs.getDouble(7), rs.getLong(8),
                            millis(rs.getTimestamp(9)), rs.getString(10));
                    m.blocks.put(b.blockhash, b);
                    blocks.put(b.blockhash, b);
                    m.lastShareId = Math.max(m.lastShareId, b.shareIdEnd);
                }
            }
            try (ResultSet rs = st.executeQuery(
                    "SELECT blockhash, window_diff, counted_diff, fee FROM workmarkers")) {
                while (rs.next()) {
                    BlockRecord b = blocks.get(rs.getString(1));
                    if (b != null) {
                        b.payoutsComputed = true;
                        b.windowDiff = rs.getDouble(2);
                        b.countedDiff = rs.getDouble(3);
                        b.fee = org.jckpool.ckdb.memory.PoolFee.of(b.reward, rs.getDouble(4));
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT p.blockhash, p.username, p.address, p.amount, p.status, "
                    + "m.diffsum FROM payouts p JOIN miningpayouts m USING (blockhash, username) "
                    + "ORDER BY p.blockhash, p.username, p.address")) {
                while (rs.next()) {
                    BlockRecord b = blocks.get(rs.getString(1));
                    if (b != null) {
                        b.payouts.add(new PayoutRecord(b.blockhash, rs.getString(2), rs.getString(3),
                                rs.getLong(4), rs.getDouble(6), rs.getString(5)));
                    }
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT source, seq FROM source_seq")) {
                while (rs.next()) {
                    m.sources.put(rs.getString(1), new SourceState(rs.getString(1), rs.getLong(2)));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT stats FROM poolstats ORDER BY createdate DESC LIMIT 1")) {
                if (rs.next()) {
                    m.latestPoolStats = mapper.readTree(rs.getString(1));
                }
            } catch (IOException e) {
                throw new SQLException("unreadable poolstats row", e);
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(max(workinfoid), 0) FROM workinfo")) {
                rs.next();
                m.lastWorkinfoId = rs.getLong(1);
            }
        }
    }

    static long millis(Timestamp t) {
        return t == null ? 0 : t.getTime();
    }
}
