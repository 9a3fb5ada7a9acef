package org.jckpool.generator.proxy;

import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.StratumClient;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Opens upstream connections for the {@link UpstreamManager}, each attempt on a thread of its own
 * ({@code proxy-connect}) so that a hanging upstream delays no other. An attempt records its outcome on the
 * {@link Upstream} (a new generation when up; the next attempt's time from its back-off when not) and then tells
 * {@code attempted}.
 */
final class UpstreamConnector implements AutoCloseable {
    private final UpstreamManager manager;
    private final UpstreamSink sink;
    private final int versionMask;
    private final Consumer<Upstream> attempted;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "proxy-connect");
        t.setDaemon(true);
        return t;
    });

    UpstreamConnector(UpstreamManager manager, UpstreamSink sink, int versionMask, Consumer<Upstream> attempted) {
        this.manager = manager;
        this.sink = sink;
        this.versionMask = versionMask;
        this.attempted = attempted;
    }

    /** Starts an attempt for {@code u} (the caller checked that none is running). */
    void open(Upstream u) {
        u.connecting = true;
        threads.execute(() -> connect(u));
    }

    private void connect(Upstream u) {
        StratumClient c = new StratumClient(new StratumClient.Options(u.host, u.port, u.config.auth(),
                u.config.pass(), StratumClient.VERSION, versionMask, true, u.sessionId, 3000, 5000),
                new UpstreamEvents(manager, sink, u));
        try {
            u.ready = false;
            u.client = c;
            c.connect();
            u.generation = UpstreamManager.nextGeneration();
            u.sessionId = c.sessionId();
            u.consecutiveRejects.set(0);
            u.readySince = System.currentTimeMillis();
            u.retry.reset();
            u.lastProblem = null;
            u.incompatible = null;
            u.layoutChecked = false;
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
        attempted.accept(u);
    }

    /** Stops the attempts in progress (their threads are interrupted). */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
