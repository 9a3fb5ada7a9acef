package org.jckpool.ckdb.store;

import org.jckpool.libpool.log.Log;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The SQL of one {@link DbWriter} transaction: runs of shares through COPY (or a staging table that skips shares
 * already present), other ops' statements in order, the worker_totals roll-up when due, and {@code source_seq}
 * moved to each source's highest sequence number. Keeps the roll-up state across transactions: what was committed
 * but not yet rolled up, and whether the last attempt's commit outcome is unknown. Writer thread only.
 */
final class TransactionWriter {
    /**
     * worker_totals roll-up: committed shares not yet added to worker_totals, added (with the mark moved to their
     * highest shareid) at most every {@link #ROLLUP_INTERVAL_NANOS} in the same transaction as a share batch.
     * A start after a crash rolls up the shares above the mark ({@link RollUpAtStart}) before this writer runs, so
     * it reads at most about that much of the shares table and the mark never passes a share that is not counted.
     */
    private static final long ROLLUP_INTERVAL_NANOS = 1_000_000_000L;
    private WorkerTotalsDelta pendingTotals = new WorkerTotalsDelta();
    private long lastRollupNanos = System.nanoTime();
    /** the current transaction's share totals when it does not roll up, and whether / how far it rolls up */
    private WorkerTotalsDelta attemptTotals = new WorkerTotalsDelta();
    private boolean attemptRollsUp;
    private long attemptMark;
    /** a commit was sent and its outcome is unknown (connection lost), so the attempt is neither settled nor void */
    private boolean attemptInDoubt;

    boolean hasPendingTotals() {
        return !pendingTotals.isEmpty();
    }

    boolean inDoubt() {
        return attemptInDoubt;
    }

    /** The commit is about to be sent: until {@link #settle}, its outcome counts as unknown. */
    void committing() {
        attemptInDoubt = true;
    }

    /** After a commit: the attempt's shares are either in worker_totals now or pending for the next roll-up. */
    void settle() {
        if (attemptRollsUp) {
            pendingTotals = new WorkerTotalsDelta();
            lastRollupNanos = System.nanoTime();
        } else {
            pendingTotals.merge(attemptTotals);
        }
        attemptTotals = new WorkerTotalsDelta();
        attemptRollsUp = false;
        attemptInDoubt = false;
    }

    /**
     * Finds out whether the attempt whose commit outcome was unknown did commit (some of its sequenced ops, or its
     * roll-up mark, are in the database) and settles it if so.
     */
    void resolveInDoubt(Connection c, List<DbOp> batch) throws SQLException {
        boolean committed = withoutCommitted(c, batch).size() < batch.size();
        if (!committed && attemptRollsUp && attemptMark > 0) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT shareid FROM worker_totals_mark")) {
                committed = rs.next() && rs.getLong(1) >= attemptMark;
            }
        }
        if (committed) {
            settle();
        }
        attemptInDoubt = false;
    }

    /** Drops the ops whose source sequence number is already committed (an earlier attempt did commit). */
    static List<DbOp> withoutCommitted(Connection c, List<DbOp> batch) throws SQLException {
        Map<String, Long> inDb = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT source, seq FROM source_seq")) {
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    inDb.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        List<DbOp> out = new ArrayList<>(batch.size());
        for (DbOp op : batch) {
            if (op.source() == null || op.seq() > inDb.getOrDefault(op.source(), 0L)) {
                out.add(op);
            }
        }
        if (out.size() != batch.size()) {
            Log.warning("%s", "" + (batch.size() - out.size())
                    + " writes were already committed by an interrupted attempt; not writing them again");
        }
        return out;
    }

    void write(Connection c, List<DbOp> ops, boolean stageShares) throws SQLException {
        Map<String, Long> maxSeq = new HashMap<>();
        WorkerTotalsDelta totals = new WorkerTotalsDelta();
        attemptTotals = totals;
        attemptRollsUp = false;
        attemptMark = 0;
        long maxShareId = 0;
        ShareCopyStream copy = null;
        try {
            for (DbOp op : ops) {
                if (op.source() != null) {
                    maxSeq.merge(op.source(), op.seq(), Math::max);
                }
                if (op instanceof ShareRow share) {
                    if (copy == null) {
                        copy = openCopy(c, stageShares);
                    }
                    copy.add(share);
                    maxShareId = Math.max(maxShareId, share.shareId());
                    if (!stageShares) {
                        totals.add(share);
                    }
                } else {
                    if (copy != null) {
                        finishCopy(c, copy, stageShares);
                        copy = null;
                    }
                    op.execute(c);
                }
            }
            if (copy != null) {
                finishCopy(c, copy, stageShares);
                copy = null;
            }
        } finally {
            if (copy != null) {
                copy.cancelIfActive();
            }
        }
        // staged shares went into worker_totals directly, so a staged transaction must roll up (and move the mark
        // past them) too, or start-up would count them again
        if (stageShares || System.nanoTime() - lastRollupNanos >= ROLLUP_INTERVAL_NANOS) {
            pendingTotals.write(c);
            totals.write(c);
            long mark = Math.max(pendingTotals.maxShareId(), Math.max(totals.maxShareId(), maxShareId));
            if (mark > 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE worker_totals_mark SET shareid = GREATEST(shareid, ?)")) {
                    ps.setLong(1, mark);
                    ps.executeUpdate();
                }
            }
            attemptRollsUp = true;
            attemptMark = mark;
        }
        if (!maxSeq.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO source_seq (source, seq) VALUES (?, ?) "
                    + "ON CONFLICT (source) DO UPDATE SET seq = GREATEST(source_seq.seq, EXCLUDED.seq)")) {
                for (Map.Entry<String, Long> e : maxSeq.entrySet()) {
                    ps.setString(1, e.getKey());
                    ps.setLong(2, e.getValue());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
    }

    private static ShareCopyStream openCopy(Connection c, boolean staged) throws SQLException {
        if (!staged) {
            return ShareCopyStream.open(c, "shares");
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE IF NOT EXISTS shares_stage (LIKE shares) ON COMMIT DELETE ROWS");
        }
        return ShareCopyStream.open(c, "shares_stage");
    }

    /**
     * Ends a COPY. Staged rows move into {@code shares} skipping those already there, and only the rows that
     * went in count towards {@code worker_totals} (worked out by the database, which knows which ones they are).
     */
    private static void finishCopy(Connection c, ShareCopyStream copy, boolean staged) throws SQLException {
        copy.finish();
        if (staged) {
            try (Statement st = c.createStatement()) {
                st.executeUpdate("WITH ins AS (INSERT INTO shares SELECT * FROM shares_stage ON CONFLICT DO NOTHING "
                        + "RETURNING username, workername, diff, createdate) "
                        + WorkerTotalsDelta.UPSERT_FROM_SELECT
                        + "SELECT username, workername, sum(diff), count(*), 0, max(createdate) FROM ins "
                        + "GROUP BY username, workername " + WorkerTotalsDelta.ON_CONFLICT);
                st.execute("TRUNCATE shares_stage");
            }
        }
    }
}
