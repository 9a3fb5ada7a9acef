package org.jckpool.suite.config;

/**
 * One upstream pool for the proxy modes: stratum {@code url} as host:port, worker name and password; for the
 * scheduling proxy its {@code name} (null: the url names it), {@code weight} (null: plain priority failover, or
 * the weights come from the prices) and {@code price} (relative value of a unit of accepted work there, for
 * {@code "schedule": {"auto": true}}; null: none given).
 */
public record ProxyConfig(String url, String auth, String pass, String name, Double weight, Double price) {

    public ProxyConfig(String url, String auth, String pass) {
        this(url, auth, pass, null, null, null);
    }

    public ProxyConfig(String url, String auth, String pass, String name, Double weight) {
        this(url, auth, pass, name, weight, null);
    }

    /** The name shown in logs, events, /api/schedule and /metrics: {@code name}, or the url. */
    public String displayName() {
        return name != null ? name : url;
    }
}
