package org.jckpool.stratifier.ckdb;

import org.jckpool.stratifier.share.SolutionOutcome;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.ckdb.client.CkdbClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.RejectReason;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.stats.WorkerStats;
import org.jckpool.stratifier.work.WorkBase;

import java.io.IOException;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stratifier's side of ckdb: authorises workers ({@link CkdbAuthoriser}), queues the pool messages
 * (workinfo per work base, shares and share errors, blocks and their submission outcome, pool/user/worker stats
 * each minute) into the {@link CkdbClient}'s journal, and sends a heartbeat every few seconds whose difficulty
 * changes go to the engine. The journal orders, numbers, spools and re-sends; a restarted stratifier opens the
 * same journal in the log dir and continues its sequence. Nothing here blocks the share path for more than a
 * buffered file append, and nothing stops the pool mining when ckdb is down.
 */
public final class CkdbLink implements AutoCloseable {
    public static final long HEARTBEAT_MILLIS = 5_000;
    public static final long STATS_MILLIS = 60_000;
    /** Workers and users with no share for this long get no stats message. */
    static final long STATS_IDLE_MILLIS = 600_000;
    private static final int AUTH_THREADS = 4;

    private final CkdbClient client;
    private final StratumEngine engine;
    private final InstantSource clock;
    private final String instance;
    private final long startedMillis;
    private final ExecutorService authPool;
    private final ScheduledExecutorService timer;
    private final AtomicLong sendFailures = new AtomicLong();
    private final AtomicLong diffChanges = new AtomicLong();

    private CkdbLink(CkdbClient client, StratumEngine engine, InstantSource clock, String instance) {
        this.client = client;
        this.engine = engine;
        this.clock = clock;
        this.instance = instance;
        this.startedMillis = clock.millis();
        this.authPool = Executors.newFixedThreadPool(AUTH_THREADS, daemon("ckdb-auth"));
        this.timer = Executors.newSingleThreadScheduledExecutor(daemon("ckdb-timer"));
    }

    /** Opens the journal and installs the authoriser on the engine; {@link #start} begins heartbeat and stats. */
    public static CkdbLink open(CkdbSettings settings, StratumEngine engine, InstantSource clock) throws IOException {
        CkdbClient client = new CkdbClient(settings.socket(), settings.spoolDir(), settings.source());
        CkdbLink link = new CkdbLink(client, engine, clock, settings.source());
        engine.authoriser(new CkdbAuthoriser(client, link.authPool));
        Log.notice("ckdb: %s, journal %s (source %s, next seq %d, %d not yet delivered)", settings.socket(),
                settings.spoolDir().resolve(settings.source() + ".ckdb.journal"), client.source(),
                client.lastSeq() + 1, client.lastSeq() - client.deliveredSeq());
        return link;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::heartbeat, HEARTBEAT_MILLIS, HEARTBEAT_MILLIS, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::stats, STATS_MILLIS, STATS_MILLIS, TimeUnit.MILLISECONDS);
    }

    public CkdbClient client() {
        return client;
    }

    // ---------------------------------------------------------------- events from the process

    /** A trusted remote's report, passed on as ckpool's main pool does (ckdb message id, then its fields). */
    public void forward(String id, ObjectNode fields) {
        send(id, fields);
    }

    /** A new work base was made from a template. */
    public void workinfo(WorkBase base) {
        send("workinfo", CkdbMessages.workinfo(base, instance));
    }

    /** Every judged share (the engine's ShareObserver; under the session's monitor). */
    public void share(ClientSession s, ShareResult r, long nowMillis) {
        if (!s.isAuthorised()) {
            return; // no user to charge it to; the engine answered "Unauthorized worker"
        }
        if (r.accepted()) {
            send("shares", CkdbMessages.share(s, r, nowMillis));
        } else {
            send("shareerror", CkdbMessages.shareError(s, r, nowMillis));
        }
        // a duplicate of a block solution was reported with the first one (ckdb would drop it by hash anyway)
        if (r.blockHash() != null && r.job() != null && r.reason() != RejectReason.DUPLICATE) {
            send("block", CkdbMessages.block(s, r, nowMillis));
        }
    }

    /**
     * The generator's submitblock.result: accepted and seen in the node's chain → "confirmed"; accepted but not
     * (yet) in the chain → stays "new" for ckdb's own confirmation poller; refused → "rejected", no node answered →
     * "lost" (ckdb voids the payouts of both).
     */
    public void blockResult(String blockhash, SolutionOutcome outcome, boolean confirmed) {
        if (outcome == SolutionOutcome.ACCEPTED) {
            if (confirmed) {
                send("blockstatus", CkdbMessages.blockStatus(blockhash, "confirmed"));
            }
        } else {
            send("blockstatus", CkdbMessages.blockStatus(blockhash, outcome.label()));
        }
    }

    // ---------------------------------------------------------------- timers

    /** One heartbeat: ckdb's worker difficulty changes go to the engine. */
    void heartbeat() {
        try {
            List<CkdbClient.DiffChange> changes = client.heartbeat();
            for (CkdbClient.DiffChange c : changes) {
                int n = engine.workerDifficulty(c.workername(), c.difficultyDefault());
                diffChanges.incrementAndGet();
                Log.info("ckdb: worker %s default difficulty %s (%d connections)", c.workername(),
                        c.difficultyDefault(), n);
            }
        } catch (RuntimeException e) {
            Log.err("ckdb heartbeat: %s", e);
        }
    }

    /** Pool stats, and stats of every user and worker that shared in the last ten minutes. */
    void stats() {
        try {
            long now = clock.millis();
            send("poolstats", CkdbMessages.poolStats(instance, engine.stats().pool(), engine.poolCounts(),
                    startedMillis, now));
            for (UserStats u : engine.stats().users()) {
                if (now - u.lastShareMillis() > STATS_IDLE_MILLIS) {
                    continue;
                }
                send("userstats", CkdbMessages.userStats(instance, u.name(), u, now));
                for (WorkerStats w : u.workers()) {
                    if (now - w.lastShareMillis() <= STATS_IDLE_MILLIS) {
                        send("workerstats", CkdbMessages.workerStats(instance, u.name(), w.name(), w, now));
                    }
                }
            }
        } catch (RuntimeException e) {
            Log.err("ckdb stats: %s", e);
        }
    }

    private void send(String method, ObjectNode params) {
        try {
            client.send(method, params);
        } catch (IOException e) {
            // the journal could not be written (disk full?): the message is lost to ckdb, mining goes on
            if (sendFailures.getAndIncrement() % 1000 == 0) {
                Log.err("ckdb: cannot journal %s (%d lost so far): %s", method, sendFailures.get(), e.getMessage());
            }
        }
    }

    /** For the stratifier's stats: connected, last seq, delivered seq, backlog, failures. */
    public ObjectNode status() {
        ObjectNode o = Json.object();
        o.put("connected", client.connected());
        o.put("source", client.source());
        o.put("last_seq", client.lastSeq());
        o.put("delivered_seq", client.deliveredSeq());
        o.put("backlog", client.lastSeq() - client.deliveredSeq());
        o.put("journal_failures", sendFailures.get());
        o.put("diff_changes", diffChanges.get());
        return o;
    }

    /** Stops the timers and authorisations, then flushes and closes the journal (what is left is sent next start). */
    @Override
    public void close() {
        timer.shutdownNow();
        authPool.shutdownNow();
        try {
            if (client.connected() && !client.awaitDelivered(2_000)) {
                Log.notice("ckdb: %d messages stay in the journal for the next start",
                        client.lastSeq() - client.deliveredSeq());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            client.close();
        } catch (IOException e) {
            Log.err("ckdb: closing the journal: %s", e.getMessage());
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
