package org.jckpool.stratifier.passthrough;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which upstream {@code client_id} stands for which connector client. The connector's ids use 63 bits, but a
 * ckpool upstream keeps a sub-client as {@code (link id << 32) | client_id}, so each miner gets an id of its own
 * in 1..2^31-1, handed out in turn and never one still in use. Thread-safe.
 */
final class ClientRoutes {
    /** One miner: its connector id, its upstream id, its IP and the index of the server port it came in on. */
    record Route(long connectorId, int upstreamId, String address, int server) {
    }

    private final Map<Long, Route> byConnector = new HashMap<>();
    private final Map<Integer, Route> byUpstream = new HashMap<>();
    private int last;

    ClientRoutes() {
        this(0);
    }

    /** @param lastHandedOut the id before the first one to hand out (tests start near the wrap) */
    ClientRoutes(int lastHandedOut) {
        this.last = lastHandedOut;
    }

    /** Routes a new connector client (an existing one keeps its route). */
    synchronized Route add(long connectorId, String address, int server) {
        Route r = byConnector.get(connectorId);
        if (r != null) {
            return r;
        }
        int id = last;
        do {
            id = id == Integer.MAX_VALUE ? 1 : id + 1;
        } while (byUpstream.containsKey(id));
        last = id;
        r = new Route(connectorId, id, address, server);
        byConnector.put(connectorId, r);
        byUpstream.put(id, r);
        return r;
    }

    synchronized Route byConnector(long connectorId) {
        return byConnector.get(connectorId);
    }

    /** The route of an upstream client_id, or null (unknown, or not an id this side hands out). */
    synchronized Route byUpstream(long upstreamId) {
        return upstreamId < 1 || upstreamId > Integer.MAX_VALUE ? null : byUpstream.get((int) upstreamId);
    }

    synchronized Route remove(long connectorId) {
        Route r = byConnector.remove(connectorId);
        if (r != null) {
            byUpstream.remove(r.upstreamId());
        }
        return r;
    }

    synchronized List<Route> all() {
        return new ArrayList<>(byConnector.values());
    }

    synchronized int size() {
        return byConnector.size();
    }
}
