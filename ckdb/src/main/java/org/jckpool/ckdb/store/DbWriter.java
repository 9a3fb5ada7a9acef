package org.jckpool.ckdb.store;

import org.jckpool.libpool.log.Log;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

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
    private final TransactionWriter tx = new TransactionWriter();

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
        if (!tx.hasPendingTotals() || tx.inDoubt()) {
            return;
        }
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            tx.write(c, List.of(), true);
            c.commit();
            tx.settle();
        } catch (SQLException e) {
            Log.warning("%s", "worker totals not rolled up at stop (the next start adds them up): " + e.getMessage());
        }
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
                if (tx.inDoubt()) {
                    tx.resolveInDoubt(c, batch);
                }
                List<DbOp> toWrite = outcomeUnknown ? TransactionWriter.withoutCommitted(c, batch) : batch;
                tx.write(c, toWrite, stageShares);
                outcomeUnknown = true;
                tx.committing();
                c.commit();
                tx.settle();
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
                    if (tx.inDoubt()) {
                        tx.resolveInDoubt(c, one);
                    }
                    List<DbOp> toWrite = TransactionWriter.withoutCommitted(c, one);
                    if (skip) {
                        toWrite = op.source() == null ? List.of() : List.of(DbOp.seqMark(op.source(), op.seq()));
                    }
                    tx.write(c, toWrite, true);
                    tx.committing();
                    c.commit();
                    tx.settle();
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
