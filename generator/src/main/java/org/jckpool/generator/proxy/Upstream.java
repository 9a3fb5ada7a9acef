package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.stratum.ReconnectPolicy;
import org.jckpool.libpool.stratum.StratumClient;

import java.util.concurrent.atomic.AtomicLong;

/**
 * One configured upstream pool (an entry of {@code "proxy"}): its connection, if any, and its counters. The
 * fields that change are written by the {@link UpstreamManager}'s thread or the client's reader thread.
 */
final class Upstream {
    final int index;
    final ProxyConfig config;
    final String host;
    final int port;
    final ReconnectPolicy retry = new ReconnectPolicy(500, 15_000);
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong stale = new AtomicLong();
    final AtomicLong lost = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();
    /** Connection attempts that failed (refused, timed out, handshake refused). */
    final AtomicLong getFailures = new AtomicLong();
    /** Working connections that ended (closed by the pool, silence, nonsense, rejecting everything). */
    final AtomicLong remoteFailures = new AtomicLong();
    final AtomicLong consecutiveRejects = new AtomicLong();
    volatile StratumClient client;
    /** Generation of the current connection: a fresh number for each connection that worked. */
    volatile long generation;
    volatile boolean connecting;
    /** The first connection attempt has ended (worked or failed). */
    volatile boolean attempted;
    volatile boolean ready;
    volatile long readySince;
    volatile long nextAttemptMillis;
    volatile long lastShareMillis;
    volatile long lastRoundTripMillis = -1;
    volatile String lastProblem;
    volatile String sessionId;
    /** Scheduling proxy: the current connection was checked against the layout room ({@link LayoutRoom}). */
    volatile boolean layoutChecked;
    /** Why the current connection cannot get work (its extranonce2 is too small), or null. */
    volatile String incompatible;
    /** The generation whose incompatibility was logged (once per connection). */
    volatile long incompatibleLogged = Long.MIN_VALUE;

    Upstream(int index, ProxyConfig config) {
        this.index = index;
        this.config = config;
        String u = config.url().trim();
        int scheme = u.indexOf("://");
        if (scheme >= 0) {
            u = u.substring(scheme + 3);
        }
        if (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        int colon = u.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("proxy url " + config.url() + " has no port");
        }
        String h = u.substring(0, colon);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        this.host = h;
        try {
            this.port = Integer.parseInt(u.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("proxy url " + config.url() + " has no valid port");
        }
    }

    /** Connected, authorised and holding work. */
    boolean alive() {
        StratumClient c = client;
        return ready && c != null && c.isOpen() && c.lastNotify() != null;
    }

    /** Its first attempt has not ended yet, or it is connected and its first notify is due (up to 5 s). */
    boolean undecided(long now) {
        StratumClient c = client;
        return !attempted || (ready && c != null && c.isOpen() && c.lastNotify() == null && now - readySince < 5_000);
    }

    String url() {
        return config.url();
    }

    /** The per-upstream figures of /api/upstreams, ckpmsg upstreams and /metrics (pyasic's pool fields). */
    ObjectNode toJson(boolean active) {
        ObjectNode o = Json.object();
        o.put("index", index);
        o.put("url", config.url());
        o.put("name", config.displayName());
        if (config.weight() != null) {
            o.put("weight", config.weight());
        }
        o.put("user", config.auth());
        o.put("active", active);
        o.put("alive", alive());
        long acc = accepted.get();
        long rej = rejected.get();
        long st = stale.get();
        o.put("accepted", acc);
        o.put("rejected", rej);
        o.put("stale", st);
        o.put("lost", lost.get());
        o.put("forwarded", forwarded.get());
        o.put("get_failures", getFailures.get());
        o.put("remote_failures", remoteFailures.get());
        long total = acc + rej;
        o.put("pool_rejected_percent", total == 0 ? 0.0 : 100.0 * rej / total);
        o.put("pool_stale_percent", total == 0 ? 0.0 : 100.0 * st / total);
        if (lastShareMillis > 0) {
            o.put("last_share_time", lastShareMillis / 1000);
        } else {
            o.putNull("last_share_time");
        }
        StratumClient c = client;
        if (c != null && ready) {
            o.put("difficulty", c.difficulty());
            o.put("extranonce1", c.extranonce1());
            o.put("extranonce2_size", c.extranonce2Size());
            o.put("version_mask", String.format("%08x", c.versionMask()));
        } else {
            o.putNull("difficulty");
        }
        long rtt = lastRoundTripMillis >= 0 ? lastRoundTripMillis : c == null ? -1 : c.lastRoundTripMillis();
        if (rtt >= 0) {
            o.put("latency_ms", rtt);
        } else {
            o.putNull("latency_ms");
        }
        if (lastProblem != null) {
            o.put("problem", lastProblem);
        }
        putCompatibility(o);
        return o;
    }

    /** Scheduling proxy, once its connection was checked: {@code compatible} and, when not, {@code incompatible}. */
    void putCompatibility(ObjectNode o) {
        if (!layoutChecked || !ready) {
            return;
        }
        String why = incompatible;
        o.put("compatible", why == null);
        if (why != null) {
            o.put("incompatible", why);
        }
    }
}
