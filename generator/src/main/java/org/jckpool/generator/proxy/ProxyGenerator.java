package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.suite.config.PoolConfig;
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
    /** jckpool's key, user proxy mode: seconds a user's upstream session stays open without miners. */
    public static final String USER_IDLE_KEY = "user_idle";

    private final ProxyLink link = new ProxyLink();
    private final UpstreamManager manager;
    private final UserSessions users;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "proxy-status");
        t.setDaemon(true);
        return t;
    });

    public ProxyGenerator(PoolConfig cfg) {
        this(cfg, false);
    }

    /** @param userProxy {@code ckpool -u}: one upstream session per user */
    public ProxyGenerator(PoolConfig cfg, boolean userProxy) {
        long timeout = seconds(cfg.raw(), TIMEOUT_KEY, 90) * 1000;
        long recover = seconds(cfg.raw(), RECOVER_KEY, 30) * 1000;
        int mask = (int) cfg.versionMask();
        this.manager = new UpstreamManager(cfg.proxy(), cfg.schedule(), mask, timeout, recover, link);
        link.manager(manager);
        if (userProxy) {
            long idle = seconds(cfg.raw(), USER_IDLE_KEY, 300) * 1000;
            users = new UserSessions(manager, link, mask, idle);
            link.users(users);
            Log.notice("User proxy mode: one upstream session per user, closed after %d s without miners",
                    idle / 1000);
        } else {
            users = null;
        }
        Log.notice("Proxy mode: %d upstream pool(s), upstream_timeout %d s, upstream_recover %d s",
                cfg.proxy().size(), timeout / 1000, recover / 1000);
        if (cfg.schedule() != null) {
            Log.notice("Scheduling proxy: %s %s, slice %.1f s, grace %.1f s",
                    cfg.schedule().auto() ? "auto-balance from prices" : "weights",
                    cfg.proxy().stream().map(p -> p.displayName() + "=" + (cfg.schedule().auto() ? p.price()
                            : p.weight())).toList(),
                    cfg.schedule().sliceMillis() / 1000.0, cfg.schedule().graceMillis() / 1000.0);
            if (userProxy) {
                throw new IllegalArgumentException("weights (the scheduling proxy) are for -p, not user proxy mode -u");
            }
        }
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
        timer.scheduleWithFixedDelay(() -> link.pushStatus(status()), 1, 2, TimeUnit.SECONDS);
        if (users != null) {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    users.check(System.currentTimeMillis());
                } catch (RuntimeException e) {
                    Log.err("User session check failed: %s", e); // a thrown task would never run again
                }
            }, 1, 1, TimeUnit.SECONDS);
        }
    }

    public ProxyLink link() {
        return link;
    }

    public UpstreamManager manager() {
        return manager;
    }

    public void registerCommands(CommandTable commands, Supplier<ObjectNode> baseStats) {
        commands.json("upstreams", p -> status());
        // {"method":"schedule"}: the scheduling proxy's state; with params {"weights"/"prices"/"auto":…} sets them first
        commands.json("schedule", p -> {
            if (p.has("weights") || p.has("prices") || p.has("auto")) {
                manager.setWeights(p);
            }
            ObjectNode s = manager.schedule();
            if (s == null) {
                throw new IllegalArgumentException("not a scheduling proxy: give every proxy entry a weight");
            }
            link.pushStatus(status());
            return s;
        });
        commands.json("stats", p -> {
            ObjectNode o = baseStats == null ? org.jckpool.libpool.json.Json.object() : baseStats.get();
            o.put("mode", "proxy");
            o.put("stratifier_streams", link.connected());
            o.put("shares_forwarded", link.forwarded.get());
            o.put("shares_not_forwarded", link.notForwarded.get());
            o.setAll(status());
            return o;
        });
        commands.text("update", r -> null);
    }

    /** The upstreams' figures, and in user proxy mode the user sessions ({@code users}). */
    private ObjectNode status() {
        ObjectNode o = manager.status();
        if (users != null) {
            o.setAll(users.status());
        }
        return o;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (users != null) {
            users.close();
        }
        manager.close();
        Log.info("generator (proxy) stopped");
    }
}
