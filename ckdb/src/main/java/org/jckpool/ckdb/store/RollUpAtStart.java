package org.jckpool.ckdb.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Adds the shares above {@code worker_totals_mark} to {@code worker_totals} before the writer starts, in one
 * transaction with the mark. They are shares the last run committed but did not roll up (it was killed, or its
 * last roll-up failed). Counting them in memory only is not enough: the writer's next roll-up moves the mark past
 * every share committed before it, so they would never reach worker_totals and the next start would lose them.
 */
public final class RollUpAtStart {

    private RollUpAtStart() {
    }

    /** @return how many shares were added (0 after an orderly stop) */
    public static long addSharesAboveMark(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                long added = addSharesAboveMark(c);
                c.commit();
                return added;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static long addSharesAboveMark(Connection c) throws SQLException {
        long mark;
        // locked: two starts on one database roll up one after the other, and the second finds nothing to add
        try (PreparedStatement ps = c.prepareStatement("SELECT shareid FROM worker_totals_mark FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            mark = rs.getLong(1);
        }
        long count;
        long top;
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*), coalesce(max(shareid), 0) FROM shares WHERE shareid > ?")) {
            ps.setLong(1, mark);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                count = rs.getLong(1);
                top = rs.getLong(2);
            }
        }
        if (count == 0) {
            return 0;
        }
        // bounded by top as well, so that the totals cover exactly the shares the new mark covers
        try (PreparedStatement ps = c.prepareStatement(WorkerTotalsDelta.UPSERT_FROM_SELECT
                + "SELECT username, workername, sum(diff), count(*), 0, max(createdate) FROM shares "
                + "WHERE shareid > ? AND shareid <= ? GROUP BY username, workername " + WorkerTotalsDelta.ON_CONFLICT)) {
            ps.setLong(1, mark);
            ps.setLong(2, top);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE worker_totals_mark SET shareid = ?")) {
            ps.setLong(1, top);
            ps.executeUpdate();
        }
        return count;
    }
}
