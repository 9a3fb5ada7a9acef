package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.log.Log;
import org.jckpool.webapi.http.WebApiConfig;
import org.jckpool.webapi.http.WebApiServer;
import org.jckpool.webapi.metrics.Metrics;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The dashboard, JSON API and {@code /metrics} of a {@code -P}/{@code -R} relay ({@code httpbind}, as a pool's):
 * {@link RelayPoolView} over the relay's stats, and the passthrough metrics refreshed every second. While a
 * handover's old instance still holds the port, binding is retried every 500 ms for 30 s.
 */
final class RelayWebApi {
    private static final int BIND_RETRIES = 60;

    private final Supplier<JsonNode> stats;
    private final ScheduledExecutorService timer;
    private volatile Metrics metrics;
    private volatile WebApiServer server;

    RelayWebApi(Supplier<JsonNode> stats, ScheduledExecutorService timer) {
        this.stats = stats;
        this.timer = timer;
    }

    /** Starts serving unless {@code httpbind} is empty; a bad httpbind is logged and serves nothing. */
    void start(JsonNode rawConfig) {
        WebApiConfig wc;
        try {
            wc = WebApiConfig.fromConf(rawConfig);
        } catch (RuntimeException e) {
            Log.err("Web API not started: %s", e.getMessage());
            return;
        }
        if (!wc.enabled()) {
            Log.info("Web API off (httpbind is empty)");
            return;
        }
        metrics = Metrics.create();
        timer.scheduleAtFixedRate(this::refreshMetrics, 0, 1, TimeUnit.SECONDS);
        bind(wc, BIND_RETRIES);
    }

    private void bind(WebApiConfig wc, int retries) {
        try {
            server = WebApiServer.start(wc, new RelayPoolView(stats), metrics);
            Log.notice("Web API on %s", server.uri());
        } catch (IOException e) {
            if (retries > 0) {
                timer.schedule(() -> bind(wc, retries - 1), 500, TimeUnit.MILLISECONDS);
            } else {
                Log.err("Web API not started: %s", e.getMessage());
            }
        }
    }

    private void refreshMetrics() {
        try {
            JsonNode s = stats.get();
            metrics.passthroughStatus(s);
            metrics.clientsConnected(s.path("clients").asInt());
        } catch (RuntimeException e) {
            Log.err("Passthrough metrics: %s", e);
        }
    }

    void close() {
        WebApiServer s = server;
        if (s != null) {
            s.close();
        }
    }
}
