package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;
import org.jckpool.libpool.stratum.SubmitResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proxy's upstream pools in priority order (ckpool's {@code "proxy"} array) and which one is active.
 *
 * <p>One thread ({@code proxy-upstreams}) checks four times a second: the active upstream must be connected,
 * authorised and have sent a notify within {@code upstream_timeout} seconds, and must not have rejected
 * {@link #REJECT_LIMIT} shares in a row; otherwise its connection is closed and the next live upstream (in
 * priority order) becomes active at once, its current work sent with clean_jobs. Upstreams above the active one
 * are kept connected as probes; one that has been alive for {@code recoverMillis} takes over again. Connection
 * attempts run on their own threads with back-off ({@link Upstream#retry}), so a hanging upstream delays no other.
 * With every upstream down nothing is sent: the stratifier keeps its last work and its miners.
 */
public final class UpstreamManager implements AutoCloseable {
    static final int REJECT_LIMIT = 20;
    private static final AtomicLong GENERATIONS = new AtomicLong(System.currentTimeMillis());

    private final List<Upstream> upstreams = new ArrayList<>();
    private final UpstreamSink sink;
    private final int versionMask;
    private final long notifyTimeoutMillis;
    private final long recoverMillis;
    private final ExecutorService connectors = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "proxy-connect");
        t.setDaemon(true);
        return t;
    });
    private final Thread loop;
    private volatile boolean running = true;
    private volatile Upstream active;
    /** Some upstream has been active: from then on the next live one is taken at once (failover). */
    private boolean everActive;

    public UpstreamManager(List<ProxyConfig> configs, int versionMask, long notifyTimeoutMillis, long recoverMillis,
                           UpstreamSink sink) {
        for (int i = 0; i < configs.size(); i++) {
            upstreams.add(new Upstream(i, configs.get(i)));
        }
        this.sink = sink;
        this.versionMask = versionMask;
        this.notifyTimeoutMillis = notifyTimeoutMillis;
        this.recoverMillis = recoverMillis;
        this.loop = new Thread(this::run, "proxy-upstreams");
        loop.setDaemon(true);
    }

    public void start() {
        loop.start();
    }

    private void run() {
        while (running) {
            try {
                check(System.currentTimeMillis());
            } catch (RuntimeException e) {
                Log.err("Upstream check failed: %s", e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    synchronized void check(long now) {
        Upstream a = active;
        if (a != null) {
            StratumClient c = a.client;
            if (c != null && c.isOpen() && c.lastNotify() != null && now - c.lastNotifyMillis() > notifyTimeoutMillis) {
                c.close("no mining.notify for " + notifyTimeoutMillis / 1000 + " s");
            } else if (a.consecutiveRejects.get() >= REJECT_LIMIT) {
                a.consecutiveRejects.set(0);
                if (c != null) {
                    c.close(REJECT_LIMIT + " shares in a row rejected");
                }
            }
        }
        Upstream best = null;
        for (Upstream u : upstreams) {
            if (u.alive() && (u == active || now - u.readySince >= recoverMillis || active == null || !active.alive())) {
                best = u;
                break;
            }
            if (!everActive && u.undecided(now)) {
                break; // starting: a lower upstream waits until every one above it answered its first attempt
            }
        }
        if (best != null && best != active) {
            switchTo(best, now);
        } else if (best == null && active != null && !active.alive()) {
            Upstream old = active;
            active = null;
            Log.err("No upstream pool alive (last: %s): miners keep their work until one is back", old.url());
            EventLog.global().event(EventLog.UPSTREAM_SWITCHED, "from", old.url(), "to", null,
                    "problem", old.lastProblem);
        }
        int activeIndex = active == null ? Integer.MAX_VALUE : active.index;
        for (Upstream u : upstreams) {
            boolean wanted = u.index <= activeIndex;
            StratumClient c = u.client;
            boolean open = c != null && c.isOpen();
            if (!wanted && open && !u.connecting) {
                Log.notice("Upstream %d %s: not needed now that %s is active, disconnecting", u.index, u.url(),
                        active.url());
                u.ready = false;
                c.close("not needed");
            } else if (wanted && !open && !u.connecting && now >= u.nextAttemptMillis) {
                u.connecting = true;
                connectors.execute(() -> connect(u));
            }
        }
    }

    private void switchTo(Upstream to, long now) {
        Upstream from = active;
        active = to;
        everActive = true;
        StratumClient c = to.client;
        Log.warning("Upstream switched %s -> %d %s", from == null ? "none" : from.index + " " + from.url(), to.index,
                to.url());
        EventLog.global().event(EventLog.UPSTREAM_SWITCHED, "from", from == null ? null : from.url(), "to", to.url(),
                "index", to.index, "problem", from == null ? null : from.lastProblem);
        Notify n = c.lastNotify();
        if (n != null) {
            sink.work(to, to.generation, c, n, true);
        }
    }

    private void connect(Upstream u) {
        StratumClient c = new StratumClient(new StratumClient.Options(u.host, u.port, u.config.auth(),
                u.config.pass(), StratumClient.VERSION, versionMask, true, u.sessionId, 3000, 5000),
                new Events(u));
        try {
            u.ready = false;
            u.client = c;
            c.connect();
            u.generation = GENERATIONS.incrementAndGet();
            u.sessionId = c.sessionId();
            u.consecutiveRejects.set(0);
            u.readySince = System.currentTimeMillis();
            u.retry.reset();
            u.lastProblem = null;
            u.ready = true;
            Log.notice("Upstream %d %s up: extranonce1 %s, extranonce2 size %d, difficulty %s, version mask %08x%s",
                    u.index, u.url(), c.extranonce1(), c.extranonce2Size(), c.difficulty(), c.versionMask(),
                    c.resumed() ? ", session resumed" : "");
            EventLog.global().event(EventLog.UPSTREAM_UP, "index", u.index, "url", u.url(), "extranonce1",
                    c.extranonce1(), "extranonce2_size", c.extranonce2Size(), "difficulty", c.difficulty());
        } catch (Exception e) {
            u.getFailures.incrementAndGet();
            u.lastProblem = e.getMessage();
            long delay = u.retry.nextDelayMillis();
            u.nextAttemptMillis = System.currentTimeMillis() + delay;
            if (u.retry.failures() <= 3 || u.retry.failures() % 20 == 0) {
                Log.warning("Upstream %d %s: cannot connect (%s); retrying in %d ms", u.index, u.url(),
                        e.getMessage(), delay);
            }
            EventLog.global().event(EventLog.UPSTREAM_DOWN, "index", u.index, "url", u.url(), "problem",
                    e.getMessage(), "connected", false);
        } finally {
            u.attempted = true;
            u.connecting = false;
        }
        if (u.ready) {
            synchronized (this) {
                // a notify may have come before ready: let check() pick it up
                check(System.currentTimeMillis());
            }
        }
    }

    private final class Events implements StratumClient.Listener {
        private final Upstream u;

        Events(Upstream u) {
            this.u = u;
        }

        @Override
        public void onNotify(StratumClient c, Notify n) {
            if (u.ready && u.client == c && active == u) {
                sink.work(u, u.generation, c, n, n.clean());
            }
        }

        @Override
        public void onDifficulty(StratumClient c, double diff) {
            if (u.ready && u.client == c && active == u) {
                sink.difficulty(u, u.generation, diff);
            }
        }

        @Override
        public void onExtranonce(StratumClient c, String en1, int size) {
            Log.notice("Upstream %d %s: new extranonce1 %s, extranonce2 size %d", u.index, u.url(), en1, size);
            // shares on the old extranonce1 are worthless upstream: a new generation, clean work
            u.generation = GENERATIONS.incrementAndGet();
            Notify n = c.lastNotify();
            if (u.ready && u.client == c && active == u && n != null) {
                sink.work(u, u.generation, c, n, true);
            }
        }

        @Override
        public void onReconnectRequest(StratumClient c, String host, int port, int waitSeconds) {
            Log.notice("Upstream %d %s asks us to reconnect%s", u.index, u.url(),
                    host == null ? "" : " to " + host + ":" + port + " (reconnecting to the configured url instead)");
            u.nextAttemptMillis = System.currentTimeMillis() + Math.min(waitSeconds, 60) * 1000L;
            c.close("client.reconnect");
        }

        @Override
        public void onMessage(StratumClient c, String text) {
            Log.notice("Upstream %d %s says: %s", u.index, u.url(), text);
        }

        @Override
        public void onClosed(StratumClient c, String reason) {
            if (u.client != c) {
                return;
            }
            boolean wasReady = u.ready;
            u.ready = false;
            if (wasReady) {
                u.remoteFailures.incrementAndGet();
                u.lastProblem = reason;
                if (u.nextAttemptMillis < System.currentTimeMillis()) {
                    u.nextAttemptMillis = System.currentTimeMillis() + u.retry.nextDelayMillis();
                }
                Log.warning("Upstream %d %s down: %s", u.index, u.url(), reason);
                EventLog.global().event(EventLog.UPSTREAM_DOWN, "index", u.index, "url", u.url(), "problem", reason,
                        "connected", true);
                Thread t = new Thread(() -> check(System.currentTimeMillis()), "proxy-failover");
                t.setDaemon(true);
                t.start();
            }
        }
    }

    /**
     * Submits a share found on work of {@code generation}; a share for any other connection than the active
     * upstream's current one is stale and is not sent (null).
     */
    public CompletableFuture<SubmitResult> submit(long generation, String jobId, String extranonce2, String ntime,
                                                  String nonce, String versionBits) {
        Upstream u = active;
        StratumClient c = u == null ? null : u.client;
        if (u == null || c == null || !u.ready || u.generation != generation) {
            return null;
        }
        u.forwarded.incrementAndGet();
        return c.submit(u.config.auth(), jobId, extranonce2, ntime, nonce, versionBits).thenApply(r -> {
            if (r.accepted()) {
                u.accepted.incrementAndGet();
                u.consecutiveRejects.set(0);
                u.lastShareMillis = System.currentTimeMillis();
            } else if (r.lost()) {
                u.lost.incrementAndGet();
            } else {
                u.rejected.incrementAndGet();
                if (r.stale()) {
                    u.stale.incrementAndGet();
                } else {
                    u.consecutiveRejects.incrementAndGet();
                }
            }
            if (r.roundTripMillis() >= 0) {
                u.lastRoundTripMillis = r.roundTripMillis();
            }
            return r;
        });
    }

    /** The upstream of {@code generation} (for logs and events), or null. */
    Upstream byGeneration(long generation) {
        for (Upstream u : upstreams) {
            if (u.generation == generation) {
                return u;
            }
        }
        return null;
    }

    public Upstream activeUpstream() {
        return active;
    }

    /** {"active":index|null,"upstreams":[…]}: ckpmsg upstreams, the stratifier's /api/upstreams and /metrics. */
    public ObjectNode status() {
        ObjectNode o = Json.object();
        Upstream a = active;
        if (a == null) {
            o.putNull("active");
        } else {
            o.put("active", a.index);
        }
        ArrayNode arr = o.putArray("upstreams");
        for (Upstream u : upstreams) {
            arr.add(u.toJson(u == a));
        }
        return o;
    }

    List<Upstream> upstreams() {
        return upstreams;
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        connectors.shutdownNow();
        for (Upstream u : upstreams) {
            StratumClient c = u.client;
            if (c != null) {
                c.close("shutting down");
            }
        }
    }
}
