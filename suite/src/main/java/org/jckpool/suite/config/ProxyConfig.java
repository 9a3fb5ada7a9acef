package org.jckpool.suite.config;

/** One upstream pool for the proxy modes: stratum {@code url} as host:port, worker name and password. */
public record ProxyConfig(String url, String auth, String pass) {
}
