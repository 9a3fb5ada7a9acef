package org.jckpool.generator.work;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.generator.node.Node;
import org.jckpool.generator.node.NodeManager;
import org.jckpool.generator.node.TemplateShape;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.retry.Pause;
import org.jckpool.libpool.rpc.RpcException;

/**
 * Fetches block templates from the active node and hands them to listeners, one getblocktemplate at a time.
 * Requests are coalesced: an update or interval request that comes while a fetch is in flight takes that fetch's
 * result; while a fetch is waiting to run, further requests only raise its reason (newblock beats update beats
 * interval), so a burst of notifications costs one getblocktemplate. A newblock request during a fetch queues the
 * next one (the fetch in flight may have started before the block). A template whose previous block differs from the last one is
 * always pushed as "newblock". A node that fails to give a template is reported to the {@link NodeManager} and the
 * next live node is asked straight away. Every {@code updateInterval} seconds without a fetch, one is made
 * ("interval"). A newblock request that names the tip it saw is dropped when the template in hand is already on
 * that tip: after our own block, the fetch asked for at its acceptance and a block poll that saw the same tip while
 * that fetch ran would otherwise fetch (and push to every miner) the same block's work twice.
 */
public final class TemplateFetcher implements AutoCloseable {
    private static final Map<String, Integer> RANK = Map.of(FetchedTemplate.INTERVAL, 0, FetchedTemplate.UPDATE, 1,
            FetchedTemplate.START, 2, FetchedTemplate.NEWBLOCK, 3);

    static final int BUSY_ATTEMPTS = 8;
    static final long BUSY_FIRST_BACKOFF_MS = 50;
    static final long BUSY_MAX_BACKOFF_MS = 1_000;

    private final NodeManager nodes;
    private final long intervalMillis;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> daemon(r, "generator-fetch"));
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "generator-interval"));
    private final Object pendingLock = new Object();
    /** Reason of the fetch waiting to run, or null; with the tip all its coalesced requests named, or null. */
    private String pending;
    private String pendingTip;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong coalesced = new AtomicLong();
    /** A getblocktemplate is on its way (guarded by pendingLock). */
    private boolean fetching;
    private final List<Consumer<FetchedTemplate>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong fetched = new AtomicLong();
    private volatile FetchedTemplate current;
    private volatile long lastAttemptMillis;

    public TemplateFetcher(NodeManager nodes, int updateIntervalSeconds) {
        this.nodes = nodes;
        this.intervalMillis = Math.max(1, updateIntervalSeconds) * 1000L;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts the interval timer (the first template is asked for by whoever wires the generator). */
    public void start() {
        lastAttemptMillis = System.currentTimeMillis();
        timer.scheduleWithFixedDelay(() -> {
            if (System.currentTimeMillis() - lastAttemptMillis >= intervalMillis) {
                request(FetchedTemplate.INTERVAL);
            }
        }, 1000, Math.min(1000, intervalMillis), TimeUnit.MILLISECONDS);
    }

    public void addListener(Consumer<FetchedTemplate> listener) {
        listeners.add(listener);
    }

    /** Asks for a template soon, for {@code reason}; returns at once. */
    public void request(String reason) {
        request(reason, null);
    }

    /**
     * As {@link #request(String)}, naming the block the requester saw become the tip (RPC hex; null when not
     * known): the fetch is dropped if, when it would run, the current template already builds on that block.
     */
    public void request(String reason, String tip) {
        String r = RANK.containsKey(reason) ? reason : FetchedTemplate.UPDATE;
        boolean schedule;
        synchronized (pendingLock) {
            if (fetching && (FetchedTemplate.UPDATE.equals(r) || FetchedTemplate.INTERVAL.equals(r))) {
                coalesced.incrementAndGet(); // the fetch in flight is as fresh as this one would be
                return;
            }
            schedule = pending == null;
            if (schedule) {
                pending = r;
                pendingTip = tip;
            } else {
                if (RANK.get(r) > RANK.get(pending)) {
                    pending = r;
                }
                if (pendingTip != null && !pendingTip.equals(tip)) {
                    pendingTip = null; // another tip, or a request that must fetch anyway
                }
            }
        }
        if (schedule) {
            try {
                worker.execute(this::fetchPending);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                synchronized (pendingLock) {
                    pending = null; // closed
                }
            }
        }
    }

    private void fetchPending() {
        String reason;
        String tip;
        synchronized (pendingLock) {
            reason = pending;
            tip = pendingTip;
            pending = null;
            pendingTip = null;
            fetching = reason != null;
        }
        if (reason == null) {
            return;
        }
        try {
            fetchFor(reason, tip);
        } finally {
            synchronized (pendingLock) {
                fetching = false;
            }
        }
    }

    private void fetchFor(String reason, String tip) {
        FetchedTemplate inHand = current;
        if (tip != null && FetchedTemplate.NEWBLOCK.equals(reason) && inHand != null
                && tip.equalsIgnoreCase(inHand.prevHash())) {
            dropped.incrementAndGet();
            Log.debug("Template already builds on %s: newblock fetch dropped", tip);
            return;
        }
        lastAttemptMillis = System.currentTimeMillis();
        try {
            fetch(reason);
        } catch (RuntimeException e) {
            Log.err("Template fetch failed unexpectedly: %s", e);
        }
    }

    private void fetch(String reason) {
        for (int attempt = 0; attempt <= nodes.nodes().size(); attempt++) {
            Node node = nodes.active();
            if (node == null) {
                Log.info("No live bitcoind: cannot fetch a template (%s)", reason);
                return;
            }
            JsonNode body;
            try {
                body = getBlockTemplate(node);
            } catch (RpcException e) {
                nodes.reportFailure(node, e.getMessage());
                continue;
            }
            String shape = TemplateShape.problem(body);
            if (shape != null) {
                nodes.reportFailure(node, "getblocktemplate: " + shape);
                continue;
            }
            publish(new FetchedTemplate(node.url(), reason, body, System.currentTimeMillis()));
            return;
        }
    }

    /**
     * getblocktemplate, asked again with back-off while the node answers 503 (busy): an overloaded node is not a
     * dead one, and failing over from it would only move the load.
     */
    private static JsonNode getBlockTemplate(Node node) {
        long backoff = BUSY_FIRST_BACKOFF_MS;
        for (int attempt = 1; ; attempt++) {
            try {
                return node.workRpc().getBlockTemplate();
            } catch (RpcException e) {
                if (!e.isBusy() || attempt >= BUSY_ATTEMPTS) {
                    throw e;
                }
                Log.warning("getblocktemplate on %s: node busy (%s), asking again in %d ms", node, e.rpcMessage(),
                        backoff);
                Pause.quietly(backoff);
                if (Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                backoff = Math.min(BUSY_MAX_BACKOFF_MS, backoff * 2);
            }
        }
    }

    private void publish(FetchedTemplate t) {
        FetchedTemplate before = current;
        String reason = t.reason();
        if (before == null) {
            reason = FetchedTemplate.START;
        } else if (!before.prevHash().equals(t.prevHash())) {
            reason = FetchedTemplate.NEWBLOCK;
        }
        FetchedTemplate out = t.withReason(reason);
        current = out;
        fetched.incrementAndGet();
        if (FetchedTemplate.NEWBLOCK.equals(reason) || FetchedTemplate.START.equals(reason)) {
            Log.notice("New template from %s: height %d, prev %s, %d transactions (%s)", out.node(), out.height(),
                    out.prevHash(), out.body().path("transactions").size(), reason);
            EventLog.global().event(EventLog.NEW_BLOCK, "height", out.height(), "prev_hash", out.prevHash(), "node",
                    out.node(), "reason", reason);
        } else {
            Log.info("Template from %s: height %d, %d transactions (%s)", out.node(), out.height(),
                    out.body().path("transactions").size(), reason);
        }
        for (Consumer<FetchedTemplate> l : listeners) {
            try {
                l.accept(out);
            } catch (RuntimeException e) {
                Log.err("template listener failed: %s", e);
            }
        }
    }

    /** The last template fetched, or null before the first. */
    public FetchedTemplate current() {
        return current;
    }

    /** Update and interval requests that came while a fetch was in flight and took its result. */
    public long requestsCoalesced() {
        return coalesced.get();
    }

    public long templatesFetched() {
        return fetched.get();
    }

    /** Newblock requests dropped because the template in hand was already on the tip they named. */
    public long newblockRequestsDropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        worker.shutdownNow();
    }
}
