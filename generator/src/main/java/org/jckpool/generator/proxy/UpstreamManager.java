package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.suite.config.ScheduleConfig;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;
import org.jckpool.libpool.stratum.SubmitResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The proxy's upstream pools in priority order (ckpool's {@code "proxy"} array) and which one is active.
 *
 * <p>One thread ({@code proxy-upstreams}) checks four times a second: the active upstream must be connected,
 * authorised and have sent a notify within {@code upstream_timeout} seconds, and must not have rejected
 * {@link #REJECT_LIMIT} shares in a row; otherwise its connection is closed and the next live upstream (in
 * priority order) becomes active at once, its current work sent with clean_jobs. Upstreams above the active one
 * are kept connected as probes; one that has been alive for {@code recoverMillis} takes over again. Connection
 * attempts ({@link UpstreamConnector}) run on their own threads with back-off ({@link Upstream#retry}), so a
 * hanging upstream delays no other; shares go out through the {@link UpstreamSubmitter}.
 * With every upstream down nothing is sent: the stratifier keeps its last work and its miners.
 *
 * <p>Scheduling proxy (every entry has a {@code weight}): every upstream is kept connected, subscribed and
 * authorised, and a {@link WeightedScheduler} (held with the per-miner figures by {@link UpstreamSchedule}) picks
 * the active one slice by slice so that the accepted work splits by weight; a switch is the new active upstream's
 * current work sent once, clean, with its own extranonce and difficulty, and only once the
 * {@link ScheduledLayout} has fixed the miners' extranonce2 room. Shares go to the upstream whose job they solve:
 * the active one, or the one before it within the grace period.
 *
 * <p>Each upstream's client reports to an {@link UpstreamEvents}.
 */
public final class UpstreamManager implements AutoCloseable {
    static final int REJECT_LIMIT = 20;
    private static final AtomicLong GENERATIONS = new AtomicLong(System.currentTimeMillis());

    /** A number no upstream connection has had yet (unique within this process). */
    static long nextGeneration() {
        return GENERATIONS.incrementAndGet();
    }

    private final List<Upstream> upstreams = new ArrayList<>();
    private final UpstreamSink sink;
    private final long notifyTimeoutMillis;
    private final long recoverMillis;
    private final UpstreamConnector connectors;
    private final UpstreamSubmitter submitter;
    private final Thread loop;
    /** The scheduling proxy's scheduler and per-miner figures; null: priority failover. */
    private final UpstreamSchedule scheduling;
    /** The scheduling proxy's extranonce2 room; null: priority failover. */
    private final ScheduledLayout layout;
    private volatile boolean running = true;
    private volatile Upstream active;
    /** Some upstream has been active: from then on the next live one is taken at once (failover). */
    private boolean everActive;

    public UpstreamManager(List<ProxyConfig> configs, int versionMask, long notifyTimeoutMillis, long recoverMillis,
                           UpstreamSink sink) {
        this(configs, null, versionMask, notifyTimeoutMillis, recoverMillis, sink);
    }

    /** @param schedule the scheduling proxy's slice and grace (every config has a weight), or null for failover */
    public UpstreamManager(List<ProxyConfig> configs, ScheduleConfig schedule, int versionMask,
                           long notifyTimeoutMillis, long recoverMillis, UpstreamSink sink) {
        for (int i = 0; i < configs.size(); i++) {
            upstreams.add(new Upstream(i, configs.get(i)));
        }
        scheduling = schedule == null ? null : new UpstreamSchedule(configs, schedule);
        layout = scheduling == null ? null : new ScheduledLayout(upstreams, scheduling);
        this.sink = sink;
        this.connectors = new UpstreamConnector(this, sink, versionMask, this::attempted);
        this.submitter = new UpstreamSubmitter(scheduling);
        this.notifyTimeoutMillis = notifyTimeoutMillis;
        this.recoverMillis = recoverMillis;
        this.loop = new Thread(this::run, "proxy-upstreams");
        loop.setDaemon(true);
    }

    public void start() {
        start(System.currentTimeMillis());
    }

    /** Tests: starts as if at {@code nowMillis} (the scheduling proxy's hold for the layout counts from then). */
    void start(long nowMillis) {
        if (layout != null) {
            layout.start(nowMillis);
        }
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
        if (scheduling != null) {
            checkScheduled(now);
            return;
        }
        Upstream a = active;
        if (a != null) {
            dropIfFailing(a, now);
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
                connectors.open(u);
            }
        }
    }

    /**
     * Scheduling proxy: every upstream stays connected; the scheduler says which one the miners work for. No work
     * goes out until the layout room is fixed; an upstream whose extranonce2 is smaller counts as down.
     */
    private void checkScheduled(long now) {
        boolean[] up = new boolean[upstreams.size()];
        int room = layout.fix(now);
        for (Upstream u : upstreams) {
            dropIfFailing(u, now);
            boolean fit = room > 0 && layout.fits(u);
            up[u.index] = fit && u.alive();
        }
        if (room == 0) {
            connectDisconnected(now); // holding the first work until the upstreams have answered
            return;
        }
        scheduling.updateAutoWeights(up, now);
        WeightedScheduler.Switch s = scheduling.choose(up, now);
        if (s != null) {
            Upstream from = s.from() < 0 ? null : upstreams.get(s.from());
            Upstream to = s.to() < 0 ? null : upstreams.get(s.to());
            EventLog.global().event(EventLog.POOL_SWITCHED, "from", from == null ? null : from.config.displayName(),
                    "to", to == null ? null : to.config.displayName(), "index", s.to() < 0 ? null : s.to(),
                    "reason", s.reason());
            if (to == null) {
                active = null;
                Log.err("No upstream pool alive with a weight above 0: miners keep their work until one is back");
            } else {
                active = to;
                everActive = true;
                String msg = String.format("Scheduled switch (%s) %s -> %d %s", s.reason(),
                        from == null ? "none" : from.index + " " + from.config.displayName(), to.index,
                        to.config.displayName());
                if (s.reason().equals("slice")) {
                    Log.info("%s", msg);
                } else {
                    Log.notice("%s", msg);
                }
                StratumClient c = to.client;
                Notify n = c == null ? null : c.lastNotify();
                if (n != null) {
                    sink.switchWork(to, to.generation, c, n);
                }
            }
        }
        connectDisconnected(now);
    }

    private void connectDisconnected(long now) {
        if (!running) {
            return; // closed: a late check (proxy-failover) must not hand work to the stopped connectors
        }
        for (Upstream u : upstreams) {
            StratumClient c = u.client;
            boolean open = c != null && c.isOpen();
            if (!open && !u.connecting && now >= u.nextAttemptMillis) {
                connectors.open(u);
            }
        }
    }

    /**
     * Whether work of {@code c} (an upstream's current connection) may go to the stratifier: always in failover
     * mode; in the scheduling proxy only when its extranonce2 leaves the layout room (its size can change with
     * {@code mining.set_extranonce} between two checks).
     */
    boolean fitsLayout(StratumClient c) {
        return layout == null || layout.admits(c);
    }

    /** The scheduling proxy's layout room carried in every upstream.work; 0: none (failover, or not fixed yet). */
    int layoutRoom() {
        return layout == null ? 0 : layout.room();
    }

    /**
     * A stratifier reports the layout its miners already have ({@code upstream.layout}, when its stream opens and
     * when work carried a smaller room): the room grows to it if smaller, and upstreams with less become
     * incompatible at once. Ignored in failover mode.
     */
    public void stratifierLayout(int extranonce2Size) {
        if (layout != null && layout.stratifierLayout(extranonce2Size)) {
            check(System.currentTimeMillis());
        }
    }

    /** Closes {@code u}'s connection when it has been silent too long or keeps rejecting (it is retried). */
    private void dropIfFailing(Upstream u, long now) {
        StratumClient c = u.client;
        if (c != null && c.isOpen() && c.lastNotify() != null && now - c.lastNotifyMillis() > notifyTimeoutMillis) {
            c.close("no mining.notify for " + notifyTimeoutMillis / 1000 + " s");
        } else if (u.consecutiveRejects.get() >= REJECT_LIMIT) {
            u.consecutiveRejects.set(0);
            if (c != null) {
                c.close(REJECT_LIMIT + " shares in a row rejected");
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

    /** After a connection attempt: a notify may have come before ready, or the layout waits for this outcome. */
    private void attempted(Upstream u) {
        if (u.ready || (layout != null && layout.holding())) {
            check(System.currentTimeMillis());
        }
    }

    /**
     * Submits a share found on work of {@code generation}; a share for any other connection than the active
     * upstream's current one is stale and is not sent (null).
     */
    public CompletableFuture<SubmitResult> submit(long generation, String jobId, String extranonce2, String ntime,
                                                  String nonce, String versionBits) {
        return submit(generation, jobId, extranonce2, ntime, nonce, versionBits, null);
    }

    /** As above; {@code worker}: the miner's name, for the scheduling proxy's per-miner figures (may be null). */
    public CompletableFuture<SubmitResult> submit(long generation, String jobId, String extranonce2, String ntime,
                                                  String nonce, String versionBits, String worker) {
        Upstream u = scheduling == null ? active : byGeneration(generation);
        return submitter.submit(u, generation, jobId, extranonce2, ntime, nonce, versionBits, worker);
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
        if (scheduling != null) {
            o.set("schedule", schedule());
        }
        if (layoutRoom() > 0) {
            o.put("layout_extranonce2_size", layoutRoom());
        }
        return o;
    }

    /**
     * The scheduling proxy's state, with each upstream's accepted/rejected/stale counts and the
     * {@link UpstreamSchedule#MINERS_SHOWN} miners with the most work in the last hour; null in failover mode.
     */
    public ObjectNode schedule() {
        if (scheduling == null) {
            return null;
        }
        ObjectNode s = scheduling.status(upstreams);
        int room = layoutRoom();
        if (room > 0) {
            s.put("layout_extranonce2_size", room);
        } else {
            s.putNull("layout_extranonce2_size");
        }
        return s;
    }

    /**
     * Live control ({@code schedule} method, POST /api/schedule): any of {@code "weights"}, {@code "prices"} (each
     * {@code {name: number, …}} naming some or all upstreams, or an array of one number per upstream) and
     * {@code "auto"} (true/false: auto-balance from the prices). New weights start the scheduler's account afresh;
     * with auto-balance on weights cannot be set.
     *
     * @throws IllegalArgumentException not a scheduling proxy, or values that name no upstream or are not usable
     *                                  (then nothing changes)
     */
    public ObjectNode setWeights(com.fasterxml.jackson.databind.JsonNode params) {
        if (scheduling == null) {
            throw new IllegalArgumentException("not a scheduling proxy: give every proxy entry a weight in the config");
        }
        scheduling.control(params);
        check(System.currentTimeMillis());
        return schedule();
    }

    List<Upstream> upstreams() {
        return upstreams;
    }

    @Override
    public void close() {
        running = false;
        loop.interrupt();
        connectors.close();
        for (Upstream u : upstreams) {
            StratumClient c = u.client;
            if (c != null) {
                c.close("shutting down");
            }
        }
    }
}
