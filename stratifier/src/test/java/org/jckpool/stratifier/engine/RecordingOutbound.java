package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Captures what the engine sends, in order. Broadcasts are "*" entries; a client receives those logged after it
 * {@link #subscribed}, as the connector delivers them.
 */
public final class RecordingOutbound implements ClientOutbound {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    public final List<String> log = new ArrayList<>();
    public final Map<Long, String> drops = new TreeMap<>();
    /** Log position at which each client subscribed. */
    private final Map<Long, Integer> subscribedAt = new TreeMap<>();

    @Override
    public synchronized void send(long clientId, String line) {
        log.add(clientId + " " + line);
    }

    @Override
    public synchronized void broadcast(String line) {
        log.add("* " + line);
    }

    @Override
    public synchronized void subscribed(long clientId) {
        subscribedAt.putIfAbsent(clientId, log.size());
    }

    @Override
    public synchronized void drop(long clientId, String reason) {
        drops.put(clientId, reason);
    }

    /** Lines a client would have received (its own and broadcasts), parsed. */
    public synchronized List<JsonNode> received(long clientId) {
        List<JsonNode> out = new ArrayList<>();
        String me = Long.toString(clientId);
        int from = subscribedAt.getOrDefault(clientId, Integer.MAX_VALUE);
        for (int i = 0; i < log.size(); i++) {
            String l = log.get(i);
            int sp = l.indexOf(' ');
            String who = l.substring(0, sp);
            if ((who.equals("*") && i >= from) || who.equals(me)) {
                try {
                    out.add(MAPPER.readTree(l.substring(sp + 1)));
                } catch (Exception e) {
                    throw new AssertionError("engine sent invalid JSON: " + l, e);
                }
            }
        }
        return out;
    }

    public synchronized JsonNode last(long clientId) {
        List<JsonNode> r = received(clientId);
        return r.isEmpty() ? null : r.get(r.size() - 1);
    }

    /** The reply with this id (the last one). */
    public synchronized JsonNode reply(long clientId, int id) {
        JsonNode found = null;
        for (JsonNode n : received(clientId)) {
            if (n.path("id").isInt() && n.get("id").asInt() == id) {
                found = n;
            }
        }
        return found;
    }

    /** The last notification of a method the client received. */
    public synchronized JsonNode lastMethod(long clientId, String method) {
        JsonNode found = null;
        for (JsonNode n : received(clientId)) {
            if (method.equals(n.path("method").asText())) {
                found = n;
            }
        }
        return found;
    }

    /** Forgets what was sent; clients that subscribed keep receiving broadcasts. */
    public synchronized void clear() {
        log.clear();
        subscribedAt.replaceAll((id, at) -> 0);
    }
}
