package org.jckpool.generator.node;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.jckpool.suite.config.BtcdConfig;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;

/**
 * The configured bitcoinds in failover order. At start and then every {@link NodeTimeouts#watchdog()} every node
 * is checked ({@link NodeCheck}; every second while none is live); the active node is always the first live one, so the pool fails over when the
 * active node dies and returns to a preferred node when it is back. Users of a node report transport failures
 * ({@link #reportFailure}) so failover does not wait for the next check.
 *
 * <p>Having no live node is never fatal: it is logged at emerg level when it happens, again at alert level every
 * {@link #NO_NODE_REMINDER}, and the checks go on. Listeners get a {@link NodesSnapshot} on every change.
 */
public final class NodeManager implements AutoCloseable {
    public static final Duration NO_NODE_REMINDER = Duration.ofSeconds(60);
    static final long NO_NODE_RETRY_MS = 1000;

    private final List<Node> nodes;
    private final NodeCheck check;
    private final NodeTimeouts timeouts;
    private final ScheduledExecutorService watchdog;
    private final ExecutorService checkers;
    private final List<Consumer<NodesSnapshot>> listeners = new CopyOnWriteArrayList<>();
    private final List<java.util.function.BiConsumer<Node, String>> tipListeners = new CopyOnWriteArrayList<>();
    private volatile Node active;
    private volatile boolean closed;
    private NodesSnapshot lastStatus;
    private boolean everActive;
    private long noNodeSinceMillis;
    private long lastReminderMillis;

    public NodeManager(List<BtcdConfig> btcds, String btcaddress, NodeTimeouts timeouts) {
        this(btcds, btcaddress, timeouts, BitcoinRpcClient.DEFAULT_CONNECTIONS);
    }

    /** @param rpcConnections calls on the wire to each node at once (submitblock first in line) */
    public NodeManager(List<BtcdConfig> btcds, String btcaddress, NodeTimeouts timeouts, int rpcConnections) {
        if (btcds == null || btcds.isEmpty()) {
            throw new IllegalArgumentException("no btcd configured");
        }
        this.timeouts = Objects.requireNonNull(timeouts);
        this.check = new NodeCheck(btcaddress);
        List<Node> list = new ArrayList<>();
        for (int i = 0; i < btcds.size(); i++) {
            list.add(new Node(i, btcds.get(i), timeouts, rpcConnections));
        }
        this.nodes = List.copyOf(list);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(daemon("generator-watchdog"));
        this.checkers = Executors.newCachedThreadPool(daemon("generator-nodecheck"));
        this.noNodeSinceMillis = System.currentTimeMillis();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Checks every node once (blocking, bounded by the check timeouts), then starts the watchdog. */
    public void start() {
        checkAll();
        if (active == null) {
            Log.emerg("No live bitcoind at start among %d configured; will keep retrying", nodes.size());
        }
        scheduleWatchdog();
    }

    /** Every watchdog period; every second while no node is live, since then there is nothing to lose. */
    private void scheduleWatchdog() {
        long period = timeouts.watchdog().toMillis();
        long delay = active == null ? Math.min(period, NO_NODE_RETRY_MS) : period;
        try {
            watchdog.schedule(this::watchdogTick, delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed
        }
    }

    private void watchdogTick() {
        if (closed) {
            return;
        }
        try {
            checkAll();
            remindWhenNoNode();
        } catch (RuntimeException e) {
            Log.err("bitcoind watchdog failed: %s", e);
        }
        scheduleWatchdog();
    }

    /** Checks all nodes in parallel, so a hanging node does not delay the others, then picks the active node. */
    public void checkAll() {
        List<Future<NodeCheck.Result>> results = new ArrayList<>();
        for (Node n : nodes) {
            results.add(checkers.submit(() -> check.check(n)));
        }
        // a check makes at most 5 calls, each bounded by the quick timeout
        long waitMs = timeouts.quick().toMillis() * 5 + 1000;
        long deadline = System.currentTimeMillis() + waitMs;
        for (int i = 0; i < nodes.size(); i++) {
            NodeCheck.Result r;
            try {
                r = results.get(i).get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                results.get(i).cancel(true);
                r = NodeCheck.Result.failed("check did not finish: " + e);
            }
            if (closed) {
                return;
            }
            apply(nodes.get(i), r);
        }
        reselect();
    }

    private void apply(Node n, NodeCheck.Result r) {
        boolean wasAlive = n.alive();
        String oldProblem = n.problem();
        if (r.ok()) {
            n.markAlive(r.network());
            if (!wasAlive) {
                Log.notice("%s is live (chain %s)", n, r.network().chainName());
                EventLog.global().event(EventLog.NODE_UP, "node", n.url(), "chain", r.network().chainName());
            }
            for (var l : tipListeners) {
                l.accept(n, r.templatePrev());
            }
            return;
        }
        n.markDead(r.problem());
        if (wasAlive || !Objects.equals(oldProblem, r.problem())) {
            EventLog.global().event(EventLog.NODE_DOWN, "node", n.url(), "problem", r.problem());
            if (r.addressProblem()) {
                Log.err("%s not usable: %s", n, r.problem());
            } else {
                Log.warning("%s not usable: %s", n, r.problem());
            }
        }
    }

    /**
     * Called by whoever talked to {@code node} and got a transport failure (refused, reset, HTTP 500, garbage,
     * timeout): the node is marked dead until the next check and the next live node takes over at once.
     */
    public void reportFailure(Node node, String why) {
        if (node == null || closed || Thread.currentThread().isInterrupted()) {
            return; // an interrupted call says nothing about the node (we are shutting down)
        }
        synchronized (this) {
            if (node.alive()) {
                node.markDead(why);
                Log.warning("%s failed: %s", node, why);
                EventLog.global().event(EventLog.NODE_DOWN, "node", node.url(), "problem", why);
            }
        }
        reselect();
    }

    private void reselect() {
        NodesSnapshot status;
        synchronized (this) {
            Node before = active;
            Node next = null;
            for (Node n : nodes) {
                if (n.alive()) {
                    next = n;
                    break;
                }
            }
            active = next;
            if (before != next) {
                logSwitch(before, next);
            }
            status = snapshot();
            if (status.equals(lastStatus)) {
                return;
            }
            lastStatus = status;
        }
        for (Consumer<NodesSnapshot> l : listeners) {
            try {
                l.accept(status);
            } catch (RuntimeException e) {
                Log.err("node status listener failed: %s", e);
            }
        }
    }

    private void logSwitch(Node before, Node next) {
        long now = System.currentTimeMillis();
        EventLog.global().event(EventLog.NODE_FAILOVER, "from", before == null ? null : before.url(), "to",
                next == null ? null : next.url(), "problem", before == null ? null : before.problem());
        if (next == null) {
            noNodeSinceMillis = now;
            lastReminderMillis = now;
            Log.emerg("No live bitcoind! %s was lost (%s); no work for miners until a node is back, retrying",
                    before, before.problem());
        } else if (before == null) {
            if (everActive) {
                Log.alert("bitcoind back: mining on %s after %d s without a live node", next,
                        (now - noNodeSinceMillis) / 1000);
            } else {
                Log.notice("Mining on %s", next);
            }
        } else if (next.priority() < before.priority()) {
            Log.warning("Returning to preferred %s (leaving %s)", next, before);
        } else {
            Log.warning("Failing over from %s (%s) to %s", before, before.problem(), next);
        }
        if (next != null) {
            everActive = true;
        }
    }

    private synchronized void remindWhenNoNode() {
        long now = System.currentTimeMillis();
        if (active == null && now - lastReminderMillis >= NO_NODE_REMINDER.toMillis()) {
            lastReminderMillis = now;
            StringBuilder why = new StringBuilder();
            for (Node n : nodes) {
                why.append(why.length() == 0 ? "" : "; ").append(n.url()).append(": ").append(n.problem());
            }
            Log.alert("Still no live bitcoind after %d s: %s", (now - noNodeSinceMillis) / 1000, why);
        }
    }

    /** The node work comes from: the first live node, or null when none is live. */
    public Node active() {
        return active;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Node> liveNodes() {
        return nodes.stream().filter(Node::alive).toList();
    }

    public synchronized NodesSnapshot status() {
        return snapshot();
    }

    private NodesSnapshot snapshot() {
        List<NodesSnapshot.Entry> list = new ArrayList<>();
        for (Node n : nodes) {
            list.add(new NodesSnapshot.Entry(n.url(), n.alive(), n.problem()));
        }
        Node a = active;
        return new NodesSnapshot(a == null ? null : a.url(), List.copyOf(list));
    }

    /**
     * Called after every successful check with the previous block of the node's template: a safety net for
     * missed notifications (a restarted node, a lost ZMQ message).
     */
    public void addTipListener(java.util.function.BiConsumer<Node, String> listener) {
        tipListeners.add(listener);
    }

    /** Called on every change of the active node or of any node's liveness or problem. */
    public void addListener(Consumer<NodesSnapshot> listener) {
        listeners.add(listener);
    }

    /** Stops reacting to failures: the calls interrupted by shutdown are not node failures. */
    public void stopping() {
        closed = true;
    }

    @Override
    public void close() {
        closed = true;
        watchdog.shutdownNow();
        checkers.shutdownNow();
        for (Node n : nodes) {
            n.close();
        }
    }
}
