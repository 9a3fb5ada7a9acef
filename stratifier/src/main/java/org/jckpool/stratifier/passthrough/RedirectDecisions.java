package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.net.HostPort;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ckpool -R}: when a miner is sent on. While a miner has not been redirected, the ids of its
 * {@code mining.submit} lines are remembered (for two minutes, as ckpool does); the upstream's reply to one of them
 * with {@code "result": true} and no error means a share was accepted, and the miner is redirected once, right
 * after that reply reaches it. An address that was redirected before is redirected as soon as its new connection
 * is authorised (ckpool's rule: it has already shown it mines). A miner not redirected within {@code dropidle}
 * seconds of connecting is {@link #overdue overdue} and dropped by the relay. Ids compare as JSON text, so a
 * numeric and a string id never match each other. Thread-safe: miners' lines, the upstream's replies and the idle
 * check come from three threads.
 */
final class RedirectDecisions {
    static final long SHARE_MEMORY_MILLIS = 120_000;
    private static final int REMEMBERED_ADDRESSES = 65_536;

    private static final class Miner {
        final String ip;
        final long connectedAt;
        final Map<String, Long> submits = new HashMap<>();
        String authorizeId;
        boolean redirected;

        Miner(String ip, long connectedAt) {
            this.ip = ip;
            this.connectedAt = connectedAt;
        }
    }

    private final RedirectTargets targets;
    private final long dropIdleMillis;
    private final Map<Long, Miner> miners = new HashMap<>();
    /** Addresses redirected before, most recent last; the oldest is forgotten beyond the bound. */
    private final Map<String, Boolean> redirectedAddresses = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_ADDRESSES;
        }
    };
    private long redirects;
    private long droppedIdle;

    /** @param dropIdleMillis 0: miners that are never redirected stay for good */
    RedirectDecisions(RedirectTargets targets, long dropIdleMillis) {
        this.targets = targets;
        this.dropIdleMillis = dropIdleMillis;
    }

    synchronized void connected(long clientId, String ip, long nowMillis) {
        miners.putIfAbsent(clientId, new Miner(ip, nowMillis));
    }

    synchronized void disconnected(long clientId) {
        miners.remove(clientId);
    }

    /** A miner's line on its way upstream (to be called before it is sent, so that its reply cannot come first). */
    synchronized void fromMiner(long clientId, String line, long nowMillis) {
        Miner m = miners.get(clientId);
        if (m == null || m.redirected) {
            return;
        }
        JsonNode n = Json.parseOrNull(line);
        String id = n == null ? null : idOf(n);
        if (id == null) {
            return;
        }
        String method = n.path("method").asText("");
        switch (method) {
            case "mining.submit" -> {
                m.submits.put(id, nowMillis);
                m.submits.values().removeIf(at -> nowMillis - at > SHARE_MEMORY_MILLIS);
            }
            case "mining.authorize" -> m.authorizeId = id;
            // another request reusing a share's id: its answer must not pass for the share's
            default -> m.submits.remove(id);
        }
    }

    /**
     * A line from upstream that has just been sent to the miner: where to redirect the miner now, or null. Returns
     * a target at most once per connection.
     */
    synchronized HostPort toMiner(long clientId, String line, long nowMillis) {
        Miner m = miners.get(clientId);
        if (m == null || m.redirected || !line.contains("\"result\"")) {
            return null;
        }
        JsonNode n = Json.parseOrNull(line);
        String id = n == null ? null : idOf(n);
        if (id == null) {
            return null;
        }
        JsonNode error = n.path("error");
        boolean ok = n.path("result").isBoolean() && n.path("result").booleanValue()
                && (error.isMissingNode() || error.isNull());
        if (id.equals(m.authorizeId)) {
            m.authorizeId = null;
            return ok && redirectedAddresses.containsKey(m.ip) ? redirect(m) : null;
        }
        Long submitted = m.submits.remove(id);
        if (submitted != null && ok && nowMillis - submitted <= SHARE_MEMORY_MILLIS) {
            return redirect(m);
        }
        return null;
    }

    private HostPort redirect(Miner m) {
        m.redirected = true;
        m.submits.clear();
        redirectedAddresses.put(m.ip, Boolean.TRUE);
        redirects++;
        return targets.forAddress(m.ip);
    }

    /** Miners connected for dropidle or longer without being redirected; forgotten here, for the relay to drop. */
    synchronized List<Long> overdue(long nowMillis) {
        List<Long> out = new ArrayList<>();
        if (dropIdleMillis <= 0) {
            return out;
        }
        for (Iterator<Map.Entry<Long, Miner>> it = miners.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Long, Miner> e = it.next();
            Miner m = e.getValue();
            if (!m.redirected && nowMillis - m.connectedAt >= dropIdleMillis) {
                out.add(e.getKey());
                it.remove();
            }
        }
        droppedIdle += out.size();
        return out;
    }

    private static String idOf(JsonNode n) {
        JsonNode id = n.get("id");
        return id == null || id.isNull() ? null : id.toString();
    }

    synchronized long redirects() {
        return redirects;
    }

    synchronized long droppedIdle() {
        return droppedIdle;
    }

    /** Miners connected and not redirected yet. */
    synchronized long screening() {
        return miners.values().stream().filter(m -> !m.redirected).count();
    }

    RedirectTargets targets() {
        return targets;
    }

    long dropIdleMillis() {
        return dropIdleMillis;
    }
}
