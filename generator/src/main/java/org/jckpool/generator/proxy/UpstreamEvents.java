package org.jckpool.generator.proxy;

import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;

/**
 * What one upstream's {@link StratumClient} reports, for {@link UpstreamManager}: work and difficulty of the
 * active upstream go to the sink; a dropped connection schedules its retry and has the manager check at once, on
 * a thread of its own ({@code proxy-failover}).
 */
final class UpstreamEvents implements StratumClient.Listener {
    private final UpstreamManager manager;
    private final UpstreamSink sink;
    private final Upstream u;

    UpstreamEvents(UpstreamManager manager, UpstreamSink sink, Upstream u) {
        this.manager = manager;
        this.sink = sink;
        this.u = u;
    }

    @Override
    public void onNotify(StratumClient c, Notify n) {
        if (u.ready && u.client == c && manager.activeUpstream() == u && manager.fitsLayout(c)) {
            sink.work(u, u.generation, c, n, n.clean());
        }
    }

    @Override
    public void onDifficulty(StratumClient c, double diff) {
        if (u.ready && u.client == c && manager.activeUpstream() == u) {
            sink.difficulty(u, u.generation, diff);
        }
    }

    @Override
    public void onExtranonce(StratumClient c, String en1, int size) {
        Log.notice("Upstream %d %s: new extranonce1 %s, extranonce2 size %d", u.index, u.url(), en1, size);
        // shares on the old extranonce1 are worthless upstream: a new generation, clean work
        u.generation = UpstreamManager.nextGeneration();
        Notify n = c.lastNotify();
        // with too little room now, the scheduler moves away on its next check; until then nothing is sent
        if (u.ready && u.client == c && manager.activeUpstream() == u && n != null && manager.fitsLayout(c)) {
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
            Thread t = new Thread(() -> manager.check(System.currentTimeMillis()), "proxy-failover");
            t.setDaemon(true);
            t.start();
        }
    }
}
