package org.jckpool.stratifier.process;

import org.jckpool.libpool.log.Log;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.webapi.http.WebApiConfig;
import org.jckpool.webapi.http.WebApiServer;
import org.jckpool.webapi.metrics.Metrics;
import org.jckpool.webapi.view.PoolView;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts the stratifier's web API (httpbind) over the pool view and the metrics, and closes it at shutdown. A bad
 * httpbind or a port that stays taken is logged, never fatal: the pool serves miners without it.
 */
final class WebApiLauncher {
    private static final int RETRIES_AFTER_HANDOVER = 60;

    private final PoolConfig cfg;
    private final PoolView view;
    private final Metrics metrics;
    private final ScheduledExecutorService timer;
    private volatile WebApiServer web;

    WebApiLauncher(PoolConfig cfg, PoolView view, Metrics metrics, ScheduledExecutorService timer) {
        this.cfg = cfg;
        this.view = view;
        this.metrics = metrics;
        this.timer = timer;
    }

    /** Whether httpbind asks for the web API; a bad httpbind counts as wanted so that {@link #start} reports it. */
    static boolean wanted(PoolConfig cfg) {
        try {
            return WebApiConfig.fromConf(cfg.raw()).enabled();
        } catch (RuntimeException e) {
            return true;
        }
    }

    /** After a handover the old instance's stratifier holds the HTTP port until it stops: retried on the timer. */
    void start(boolean afterHandover) {
        start(afterHandover ? RETRIES_AFTER_HANDOVER : 0);
    }

    /** Tries again every 500 ms, {@code retries} times, while the port is taken. */
    private void start(int retries) {
        try {
            WebApiConfig wc = WebApiConfig.fromConf(cfg.raw());
            if (!wc.enabled()) {
                Log.info("Web API off (httpbind is empty)");
                return;
            }
            web = WebApiServer.start(wc, view, metrics);
            Log.notice("Web API on %s", web.uri());
        } catch (IOException e) {
            if (retries > 0) {
                timer.schedule(() -> start(retries - 1), 500, TimeUnit.MILLISECONDS);
                return;
            }
            Log.err("Web API not started: %s", e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (RuntimeException e) {
            Log.err("Web API not started: %s", e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    void close() {
        WebApiServer w = web;
        if (w != null) {
            w.close();
        }
    }
}
