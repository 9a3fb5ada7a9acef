package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.config.PoolConfig;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.log.Log;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The generator in proxy mode ({@code ckpool -p}): no bitcoind; an {@link UpstreamManager} over the
 * {@code "proxy"} entries feeds the stratifier through a {@link ProxyLink}. Control methods: {@code upstreams}
 * (per-upstream figures), {@code stats}.
 */
public final class ProxyGenerator implements AutoCloseable {
    /** jckpool's keys: seconds without a notify before an upstream counts as failed; seconds an upstream of
     * higher priority must stay alive before the proxy returns to it. */
    public static final String TIMEOUT_KEY = "upstream_timeout";
    public static final String RECOVER_KEY = "upstream_recover";

    private final ProxyLink link = new ProxyLink();
    private final UpstreamManager manager;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "proxy-status");
        t.setDaemon(true);
        return t;
    });

    public ProxyGenerator(PoolConfig cfg) {
        long timeout = seconds(cfg.raw(), TIMEOUT_KEY, 90) * 1000;
        long recover = seconds(cfg.raw(), RECOVER_KEY, 30) * 1000;
        int mask = (int) cfg.versionMask();
        this.manager = new UpstreamManager(cfg.proxy(), mask, timeout, recover, link);
        link.manager(manager);
        Log.notice("Proxy mode: %d upstream pool(s), upstream_timeout %d s, upstream_recover %d s",
                cfg.proxy().size(), timeout / 1000, recover / 1000);
    }

    private static long seconds(JsonNode raw, String key, long dflt) {
        JsonNode v = raw == null ? null : raw.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToLong() || v.asLong() < 1) {
            throw new IllegalArgumentException("config key \"" + key + "\" = " + v + ": must be a whole number of seconds ≥ 1");
        }
        return v.asLong();
    }

    public void start() {
        manager.start();
        timer.scheduleWithFixedDelay(() -> link.pushStatus(manager.status()), 1, 2, TimeUnit.SECONDS);
    }

    public ProxyLink link() {
        return link;
    }

    public UpstreamManager manager() {
        return manager;
    }

    public void registerCommands(CommandTable commands, Supplier<ObjectNode> baseStats) {
        commands.json("upstreams", p -> manager.status());
        commands.json("stats", p -> {
            ObjectNode o = baseStats == null ? org.jckpool.libpool.json.Json.object() : baseStats.get();
            o.put("mode", "proxy");
            o.put("stratifier_streams", link.connected());
            o.put("shares_forwarded", link.forwarded.get());
            o.put("shares_not_forwarded", link.notForwarded.get());
            o.setAll(manager.status());
            return o;
        });
        commands.text("update", r -> null);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        manager.close();
        Log.info("generator (proxy) stopped");
    }
}
