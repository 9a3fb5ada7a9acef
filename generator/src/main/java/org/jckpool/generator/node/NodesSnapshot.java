package org.jckpool.generator.node;

import java.util.List;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;

/** A snapshot of the nodes: the active one (null when none is live) and every node's liveness, in priority order. */
public record NodesSnapshot(String active, List<Entry> nodes) {
    /** One node's liveness; {@code problem} is null when alive. */
    public record Entry(String url, boolean alive, String problem) {
    }

    public long aliveCount() {
        return nodes.stream().filter(Entry::alive).count();
    }

    /** The {@code params} of the {@code node.status} message: {"active":URL|null,"nodes":[{"url","alive"}]}. */
    public ObjectNode toParams() {
        ObjectNode o = Json.object();
        if (active == null) {
            o.putNull("active");
        } else {
            o.put("active", active);
        }
        ArrayNode arr = o.putArray("nodes");
        for (Entry e : nodes) {
            ObjectNode n = arr.addObject();
            n.put("url", e.url());
            n.put("alive", e.alive());
            if (e.problem() != null) {
                n.put("problem", e.problem());
            }
        }
        return o;
    }
}
