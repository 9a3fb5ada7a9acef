package org.jckpool.webapi.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * Settings of the stratifier's HTTP server, read from ckpool.conf keys (all optional):
 * <ul>
 *   <li>{@code httpbind} — "host:port" or "[v6]:port"; default {@code "127.0.0.1:3380"}; "" turns the server off.</li>
 *   <li>{@code admintoken} — bearer token for admin endpoints (/api/clients); absent = those endpoints answer 403.</li>
 *   <li>{@code healthmaxage} — seconds a block template may age before /health reports 503; default 180.</li>
 *   <li>{@code httpthreads} — request threads, 1..32; default 4.</li>
 * </ul>
 *
 * @param bind            address to listen on, null when the server is off
 * @param adminToken      admin bearer token, null if none
 * @param healthMaxAge    oldest template /health accepts as fresh work
 * @param threads         request handler threads
 * @param historyInterval how often the pool hashrate is sampled for the dashboard chart (not a config key)
 */
public record WebApiConfig(InetSocketAddress bind, String adminToken, Duration healthMaxAge, int threads,
        Duration historyInterval) {

    public static final String DEFAULT_BIND = "127.0.0.1:3380";
    public static final int DEFAULT_PORT = 3380;
    public static final Duration DEFAULT_HEALTH_MAX_AGE = Duration.ofSeconds(180);
    public static final int DEFAULT_THREADS = 4;
    public static final Duration DEFAULT_HISTORY_INTERVAL = Duration.ofSeconds(60);

    public WebApiConfig {
        if (threads < 1 || threads > 32) {
            throw new WebApiConfigException("httpthreads", Integer.toString(threads), "must be 1..32");
        }
        if (healthMaxAge.isNegative() || healthMaxAge.isZero()) {
            throw new WebApiConfigException("healthmaxage", healthMaxAge.toString(), "must be positive");
        }
        if (adminToken != null && adminToken.isEmpty()) {
            adminToken = null;
        }
    }

    /** Defaults, listening on {@code bind}. */
    public static WebApiConfig defaults(InetSocketAddress bind) {
        return new WebApiConfig(bind, null, DEFAULT_HEALTH_MAX_AGE, DEFAULT_THREADS, DEFAULT_HISTORY_INTERVAL);
    }

    public WebApiConfig withAdminToken(String token) {
        return new WebApiConfig(bind, token, healthMaxAge, threads, historyInterval);
    }

    public WebApiConfig withHistoryInterval(Duration interval) {
        return new WebApiConfig(bind, adminToken, healthMaxAge, threads, interval);
    }

    public WebApiConfig withHealthMaxAge(Duration maxAge) {
        return new WebApiConfig(bind, adminToken, maxAge, threads, historyInterval);
    }

    public boolean enabled() {
        return bind != null;
    }

    /** Reads the keys above from the parsed ckpool.conf object; throws {@link WebApiConfigException} on bad values. */
    public static WebApiConfig fromConf(JsonNode conf) {
        String bindText = DEFAULT_BIND;
        JsonNode bindNode = conf.get("httpbind");
        if (bindNode != null && !bindNode.isNull()) {
            if (!bindNode.isTextual()) {
                throw new WebApiConfigException("httpbind", bindNode.toString(), "must be a string \"host:port\"");
            }
            bindText = bindNode.asText().trim();
        }
        InetSocketAddress bind = bindText.isEmpty() ? null : parseBind(bindText);

        String token = null;
        JsonNode tokenNode = conf.get("admintoken");
        if (tokenNode != null && !tokenNode.isNull()) {
            if (!tokenNode.isTextual()) {
                throw new WebApiConfigException("admintoken", "(hidden)", "must be a string");
            }
            token = tokenNode.asText();
            if (!token.isEmpty() && token.length() < 16) {
                throw new WebApiConfigException("admintoken", "(hidden)", "must be at least 16 characters");
            }
        }

        Duration maxAge = DEFAULT_HEALTH_MAX_AGE;
        JsonNode ageNode = conf.get("healthmaxage");
        if (ageNode != null && !ageNode.isNull()) {
            if (!ageNode.isNumber() || ageNode.asDouble() <= 0) {
                throw new WebApiConfigException("healthmaxage", ageNode.toString(), "must be a positive number of seconds");
            }
            maxAge = Duration.ofMillis(Math.round(ageNode.asDouble() * 1000));
        }

        int threads = DEFAULT_THREADS;
        JsonNode threadsNode = conf.get("httpthreads");
        if (threadsNode != null && !threadsNode.isNull()) {
            if (!threadsNode.canConvertToInt() || !threadsNode.isIntegralNumber()) {
                throw new WebApiConfigException("httpthreads", threadsNode.toString(), "must be an integer 1..32");
            }
            threads = threadsNode.asInt();
        }
        return new WebApiConfig(bind, token, maxAge, threads, DEFAULT_HISTORY_INTERVAL);
    }

    /** Parses "host:port", "[v6addr]:port" or ":port" (all interfaces). Host names are resolved. */
    static InetSocketAddress parseBind(String text) {
        String host;
        String portText;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new WebApiConfigException("httpbind", text, "expected \"[address]:port\"");
            }
            host = text.substring(1, close);
            portText = text.substring(close + 2);
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new WebApiConfigException("httpbind", text, "expected \"host:port\"");
            }
            host = text.substring(0, colon);
            portText = text.substring(colon + 1);
            if (host.contains(":")) {
                throw new WebApiConfigException("httpbind", text, "IPv6 addresses go in brackets: \"[::1]:3380\"");
            }
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new WebApiConfigException("httpbind", text, "port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new WebApiConfigException("httpbind", text, "port must be 0..65535");
        }
        InetSocketAddress address = host.isEmpty() || host.equals("*")
                ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new WebApiConfigException("httpbind", text, "cannot resolve host \"" + host + "\"");
        }
        return address;
    }
}
