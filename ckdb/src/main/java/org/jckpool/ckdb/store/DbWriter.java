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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * The single writer thread. It drains the queue in batches and writes each batch in one transaction: runs of
 * shares go in through COPY, other ops run their statements in order, and {@code source_seq} moves to the highest
 * sequence number of each source in the batch. Because the sequence numbers commit with their effects, a batch
 * whose commit outcome was unknown (connection lost during commit) is checked against {@code source_seq} before
 * it is retried, so nothing is written twice; and a batch is kept until it commits, so nothing is lost.
 */
public final class DbWriter implements AutoCloseable {
    private static final int MAX_BATCH = 100_000;
    private static final long MAX_BACKOFF_MS = 5_000;

    private final DataSource ds;
    private final LinkedBlockingQueue<DbOp> queue;
    private final Thread thread;
    private final Map<String, Long> durableSeq = new ConcurrentHashMap<>();
    private final AtomicLong committedOps = new AtomicLong();
    private final AtomicLong enqueuedOps = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean databaseDown;
    private volatile long oldestPendingNanos;

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

    public DbWriter(DataSource ds, int queueCapacity, Map<String, Long> committedAtStart) {
        this.ds = ds;
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
        durableSeq.putAll(committedAtStart);
        thread = new Thread(this::run, "ckdb-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues an op; blocks when the queue is full (back-pressure on the senders). */
    public void enqueue(DbOp op) {
        try {
            queue.put(op);
            enqueuedOps.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while queueing a database write", e);
        }
    }

    /** Highest sequence number of the source whose effects are committed, or 0. */
    public long durableSeq(String source) {
        return durableSeq.getOrDefault(source, 0L);
    }

    public Map<String, Long> durableSeqs() {
        return Map.copyOf(durableSeq);
    }

    public long pending() {
        return enqueuedOps.get() - committedOps.get();
    }

    public long failures() {
        return failures.get();
    }

    public boolean databaseDown() {
        return databaseDown;
    }

    /** Waits until every op queued so far is committed. */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long target = enqueuedOps.get();
        long end = System.currentTimeMillis() + timeoutMillis;
        while (committedOps.get() < target) {
            if (System.currentTimeMillis() > end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void run() {
        List<DbOp> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                DbOp first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                writeUntilCommitted(batch);
                batch.clear();
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            }
        }
        rollUpAtStop();
    }

    /** An orderly stop rolls up what is pending, so the next start reads nothing of the shares table. */
    private void rollUpAtStop() {
        if (pendingTotals.isEmpty() || attemptInDoubt) {
            return;
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            write(c, List.of(), true);
            c.commit();
            settleAttempt();
        } catch (SQLException e) {
            Log.warning("%s", "worker totals not rolled up at stop (the next start adds them up): " + e.getMessage());
        }
    }

    /** After a commit: the attempt's shares are either in worker_totals now or pending for the next roll-up. */
    private void settleAttempt() {
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
    private void resolveInDoubt(Connection c, List<DbOp> batch) throws SQLException {
        boolean committed = withoutCommitted(c, batch).size() < batch.size();
        if (!committed && attemptRollsUp && attemptMark > 0) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT shareid FROM worker_totals_mark")) {
                committed = rs.next() && rs.getLong(1) >= attemptMark;
            }
        }
        if (committed) {
            settleAttempt();
        }
        attemptInDoubt = false;
    }

    private void writeUntilCommitted(List<DbOp> batch) throws InterruptedException {
        oldestPendingNanos = System.nanoTime();
        long backoff = 100;
        boolean outcomeUnknown = false;
        boolean stageShares = false;
        int dataErrors = 0;
        while (true) {
            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                if (attemptInDoubt) {
                    resolveInDoubt(c, batch);
                }
                List<DbOp> toWrite = outcomeUnknown ? withoutCommitted(c, batch) : batch;
                write(c, toWrite, stageShares);
                outcomeUnknown = true;
                attemptInDoubt = true;
                c.commit();
                settleAttempt();
                afterCommit(batch);
                if (databaseDown) {
                    databaseDown = false;
                    Log.warning("%s", "PostgreSQL reachable again, writing resumed");
                }
                return;
            } catch (SQLException e) {
                failures.incrementAndGet();
                if ("23505".equals(e.getSQLState()) && !stageShares) {
                    // a share already in the table: redo through the staging table, which skips it
                    Log.warning("%s", "duplicate key in batch, retrying via staging: "
                            + e.getMessage());
                    stageShares = true;
                    continue;
                }
                if (!isConnectionProblem(e) && ++dataErrors >= 2) {
                    // the database is there but refuses something in this batch: find it, keep the rest
                    writeOneByOne(batch);
                    return;
                }
                if (!databaseDown || backoff >= MAX_BACKOFF_MS) {
                    Log.err("%s", "ALARM: database write failed (" + e.getSQLState()
                            + " " + e.getMessage() + "); " + (batch.size() + queue.size())
                            + " writes buffered, retrying in " + backoff + " ms");
                }
                databaseDown = isConnectionProblem(e);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
            }
        }
    }

    /**
     * Writes each op in its own transaction (shares staged, so a share already present is skipped). An op the
     * database refuses for a reason other than a lost connection is logged with the reason and left out, with its
     * sequence number still committed, so that one bad row cannot stop the writer.
     */
    private void writeOneByOne(List<DbOp> batch) throws InterruptedException {
        Log.err("%s", "database refuses a batch of " + batch.size() + " writes; writing them one by one");
        long backoff = 100;
        for (DbOp op : batch) {
            List<DbOp> one = List.of(op);
            boolean skip = false;
            while (true) {
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    if (attemptInDoubt) {
                        resolveInDoubt(c, one);
                    }
                    List<DbOp> toWrite = withoutCommitted(c, one);
                    if (skip) {
                        toWrite = op.source() == null ? List.of() : List.of(DbOp.seqMark(op.source(), op.seq()));
                    }
                    write(c, toWrite, true);
                    attemptInDoubt = true;
                    c.commit();
                    settleAttempt();
                    break;
                } catch (SQLException e) {
                    failures.incrementAndGet();
                    if (!isConnectionProblem(e)) {
                        Log.err("%s", "ALARM: database refused a write, left out: " + op.getClass().getSimpleName()
                                + (op.source() == null ? "" : " of " + op.source() + " seq " + op.seq()) + ": "
                                + e.getMessage());
                        skip = true;
                        continue;
                    }
                    databaseDown = true;
                    Thread.sleep(backoff);
                    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
                }
            }
        }
        databaseDown = false;
        afterCommit(batch);
    }

    private static boolean isConnectionProblem(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("53")
                || state.startsWith("40");
    }

    /** Drops the ops whose source sequence number is already committed (an earlier attempt did commit). */
    private List<DbOp> withoutCommitted(Connection c, List<DbOp> batch) throws SQLException {
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

    private void write(Connection c, List<DbOp> ops, boolean stageShares) throws SQLException {
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

    private void afterCommit(List<DbOp> batch) {
        long shares = 0;
        for (DbOp op : batch) {
            if (op.source() != null) {
                durableSeq.merge(op.source(), op.seq(), Math::max);
            }
            if (op instanceof ShareRow) {
                shares++;
            }
        }
        for (DbOp op : batch) {
            try {
                op.committed();
            } catch (RuntimeException e) {
                Log.err("%s", "after-commit step failed: " + e);
            }
        }
        committedOps.addAndGet(batch.size());
    }

    /** Age in ms of the batch being written, 0 when idle. */
    public long lagMillis() {
        return pending() == 0 ? 0 : (System.nanoTime() - oldestPendingNanos) / 1_000_000;
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt();
    }

}
