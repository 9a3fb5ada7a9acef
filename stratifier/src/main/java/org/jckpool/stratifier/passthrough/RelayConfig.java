package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.suite.config.ProxyConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * The relay modes' settings from {@code ckpool.conf}: the upstreams, {@code upstream_timeout} and
 * {@code passthrough_clients}; a bad value throws with the key in its message.
 */
final class RelayConfig {
    static final String TIMEOUT_KEY = "upstream_timeout";
    /** jckpool's key: miners per upstream connection before the relay opens another. */
    static final String MAX_CLIENTS_KEY = "passthrough_clients";
    static final int DEFAULT_MAX_CLIENTS = 1_000;

    private RelayConfig() {
    }

    static List<HostPort> upstreams(PoolConfig cfg) {
        List<HostPort> out = new ArrayList<>();
        for (ProxyConfig p : cfg.proxy()) {
            HostPort hp = HostPort.parse(p.url());
            if (hp == null) {
                throw new IllegalArgumentException("config key \"proxy\" url \"" + p.url() + "\": not host:port");
            }
            out.add(hp);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no \"proxy\" entries: passthrough mode needs its upstream pool there");
        }
        return out;
    }

    /** {@code passthrough_clients} from the raw config (1 to 2^31-1), else {@link #DEFAULT_MAX_CLIENTS}. */
    static int maxClients(JsonNode raw) {
        JsonNode v = raw == null ? null : raw.get(MAX_CLIENTS_KEY);
        if (v == null || v.isNull()) {
            return DEFAULT_MAX_CLIENTS;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
            throw new IllegalArgumentException("config key \"" + MAX_CLIENTS_KEY + "\" = " + v
                    + ": must be a whole number of miners from 1 to " + Integer.MAX_VALUE);
        }
        return v.asInt();
    }

    static long seconds(JsonNode raw, String key, long dflt) {
        JsonNode v = raw == null ? null : raw.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToLong() || v.asLong() < 1) {
            throw new IllegalArgumentException("config key \"" + key + "\" = " + v + ": must be a whole number of"
                    + " seconds ≥ 1");
        }
        return v.asLong();
    }
}
