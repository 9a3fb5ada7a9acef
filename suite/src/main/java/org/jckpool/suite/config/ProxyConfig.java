package org.jckpool.suite.config;

/**
 * One upstream pool for the proxy modes: stratum {@code url} as host:port, worker name and password; for the
 * scheduling proxy its {@code name} (null: the url names it) and {@code weight} (null: plain priority failover).
 */
public record ProxyConfig(String url, String auth, String pass, String name, Double weight) {

    public ProxyConfig(String url, String auth, String pass) {
        this(url, auth, pass, null, null);
    }

    /** The name shown in logs, events, /api/schedule and /metrics: {@code name}, or the url. */
    public String displayName() {
        return name != null ? name : url;
    }
}
