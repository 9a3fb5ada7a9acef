package org.jckpool.ckdb;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.jckpool.ckdb.chain.BlockStatuses;
import org.jckpool.ckdb.chain.ChainPoll;
import org.jckpool.ckdb.memory.MemoryTables;
import org.jckpool.ckdb.store.DbWriter;
import org.jckpool.ckdb.store.MemoryLoader;
import org.jckpool.ckdb.store.Migrations;
import org.jckpool.ckdb.server.RequestHandler;
import org.jckpool.ckdb.store.RollUpAtStart;
import org.jckpool.libpool.log.Log;

/**
 * ckdb's core: every request text in, one reply text out ({@link RequestDispatcher}). Pool messages update
 * memory (the read path) and are queued for the {@link DbWriter} ({@link PoolMessageIngest}, {@link BatchIngest},
 * {@link PoolRequests}); admin changes are committed first ({@link AdminOperations}); queries answer from memory
 * ({@link MemoryQueries}). Thread-safe; memory is guarded by its monitor.
 */
public final class CkdbService implements BlockStatuses, RequestHandler, AutoCloseable {
    private final CkdbConfig config;
    private final DataSource ds;
    private final ObjectMapper mapper;
    private final MemoryTables m = new MemoryTables();
    private final BlockStatusChanges blockStatus;
    private final RequestDispatcher dispatcher;
    private volatile Runnable shutdownHook = () -> { };
    private volatile DbWriter writer;

    /** Asks the chain about a block; see {@link org.jckpool.ckdb.chain.BlockStatusPoller}. */
    public CkdbService(CkdbConfig config, DataSource ds, ObjectMapper mapper) {
        this(config, ds, mapper, null);
    }

    public CkdbService(CkdbConfig config, DataSource ds, ObjectMapper mapper, ChainPoll chainPoll) {
        this.config = config;
        this.ds = ds;
        this.mapper = mapper;
        this.blockStatus = new BlockStatusChanges(m, this::writer);
        PoolMessageIngest ingest = new PoolMessageIngest(config, m, this::writer, blockStatus);
        RequestDispatcher.Parts parts = new RequestDispatcher.Parts(ingest,
                new BatchIngest(mapper, m, this::writer, ingest), blockStatus,
                new PoolRequests(config, mapper, m, this::writer), new AdminOperations(ds, m),
                new MemoryQueries(mapper, m, this::writer));
        this.dispatcher = new RequestDispatcher(mapper, m, parts, chainPoll, () -> shutdownHook.run());
    }

    /** Applies migrations, loads memory, starts the writer. Needs the database (fails when it is unreachable). */
    public CkdbService start() throws SQLException {
        int version = Migrations.apply(ds);
        long rolledUp = RollUpAtStart.addSharesAboveMark(ds);
        if (rolledUp > 0) {
            Log.notice("%s", "worker_totals: added " + rolledUp + " shares the last run had not rolled up");
        }
        synchronized (m) {
            MemoryLoader.load(ds, m, mapper);
            Map<String, Long> committed = new HashMap<>();
            m.sources.values().forEach(s -> committed.put(s.source, s.lastSeq));
            writer = new DbWriter(ds, config.writerQueue(), committed);
            Log.notice("%s", "schema v" + version + ", loaded " + m.users.size()
                    + " users, " + m.blocks.size() + " blocks, " + m.poolTotals.accepted + " shares");
        }
        return this;
    }

    public void onShutdownRequest(Runnable hook) {
        this.shutdownHook = hook;
    }

    public DbWriter writer() {
        return writer;
    }

    /** Handles one request; never throws, a bad request gets a {@code failed.} reply. */
    public String handle(String text) {
        return dispatcher.handle(text);
    }

    /** Used by the chain poller: moves a block to a new status (no-op if unchanged). */
    public void chainStatus(String blockhash, String status) {
        blockStatus.fromChain(blockhash, status);
    }

    /** Blocks the chain poller checks: new, confirmed (it may be orphaned yet) and lost (it may have landed). */
    public List<String[]> unconfirmedBlocks() {
        return blockStatus.unconfirmed();
    }

    /** Waits until everything accepted so far is committed (orderly shutdown). */
    public boolean awaitDurable(long timeoutMillis) throws InterruptedException {
        return writer.awaitIdle(timeoutMillis);
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.close();
        }
    }
}
