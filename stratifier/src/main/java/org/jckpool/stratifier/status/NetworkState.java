package org.jckpool.stratifier.status;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.webapi.view.NetworkInfo;
import org.jckpool.webapi.view.NodeStatus;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the generator told us last: the template being mined on and the nodes' health. Immutable snapshots. */
public final class NetworkState {
    private volatile NetworkInfo network = NetworkInfo.UNKNOWN;
    private volatile List<NodeStatus> nodes = List.of();
    private volatile String activeNode;
    private volatile long templateMillis;

    public void template(long height, double difficulty, Instant at) {
        network = new NetworkInfo(height, difficulty, at);
        templateMillis = at.toEpochMilli();
    }

    /** Reads node.status params; returns true when the active node changed from one live node to another. */
    public boolean nodeStatus(JsonNode params) {
        String active = params.path("active").isTextual() ? withoutCredentials(params.path("active").asText()) : null;
        List<NodeStatus> l = new ArrayList<>();
        for (JsonNode n : params.path("nodes")) {
            String url = withoutCredentials(n.path("url").asText(""));
            l.add(new NodeStatus(url, n.path("alive").asBoolean(false), url.equals(active)));
        }
        String before = activeNode;
        nodes = List.copyOf(l);
        activeNode = active;
        return before != null && active != null && !before.equals(active);
    }

    public NetworkInfo network() {
        return network;
    }

    public List<NodeStatus> nodes() {
        return nodes;
    }

    public String activeNode() {
        return activeNode;
    }

    /** Arrival of the last template (0 = none yet). */
    public long templateMillis() {
        return templateMillis;
    }

    static String withoutCredentials(String url) {
        try {
            URI u = URI.create(url.contains("://") ? url : "http://" + url);
            if (u.getUserInfo() == null) {
                return url;
            }
            return url.replace(u.getRawUserInfo() + "@", "");
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
