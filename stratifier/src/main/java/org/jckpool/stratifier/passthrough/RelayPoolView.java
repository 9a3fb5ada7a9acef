package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.webapi.view.ClientInfo;
import org.jckpool.webapi.view.FoundBlock;
import org.jckpool.webapi.view.Hashrates;
import org.jckpool.webapi.view.NetworkInfo;
import org.jckpool.webapi.view.NodeStatus;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.PoolView;
import org.jckpool.webapi.view.ShareCounts;
import org.jckpool.webapi.view.UserSummary;
import org.jckpool.webapi.view.WorkerSummary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the web API shows of a {@code -P}/{@code -R} relay, which checks no shares and knows no users: in
 * {@code /api/pool} the routed miners as {@code clients} and the configured upstream pools as its {@code nodes}
 * (the connected one alive and active, and its work counted as fresh while it is connected, so {@code /health}
 * answers 200 exactly while the relay can serve miners); the relay's own figures (mode, upstream link, redirector)
 * in {@code /api/passthrough}.
 */
final class RelayPoolView implements PoolView {
    private final Instant startedAt = Instant.now();
    private final Supplier<JsonNode> stats;

    /** @param stats the relay's {@code stats} document */
    RelayPoolView(Supplier<JsonNode> stats) {
        this.stats = stats;
    }

    @Override
    public PoolSummary pool() {
        JsonNode s = stats.get();
        JsonNode up = s.path("upstream");
        boolean connected = up.path("connected").asBoolean();
        String current = up.path("url").asText("");
        List<NodeStatus> nodes = new ArrayList<>();
        for (JsonNode u : up.path("upstreams")) {
            boolean live = connected && u.asText().equals(current);
            nodes.add(new NodeStatus(u.asText(), live, live));
        }
        NetworkInfo network = connected ? new NetworkInfo(0, 0, Instant.now()) : NetworkInfo.UNKNOWN;
        return new PoolSummary(startedAt, Hashrates.ZERO, 0, 0, s.path("clients").asInt(), ShareCounts.NONE, 0,
                network, nodes, 0);
    }

    @Override
    public List<UserSummary> users() {
        return List.of();
    }

    @Override
    public Optional<UserSummary> user(String name) {
        return Optional.empty();
    }

    @Override
    public Optional<WorkerSummary> worker(String fullName) {
        return Optional.empty();
    }

    @Override
    public List<ClientInfo> clients() {
        return List.of();
    }

    @Override
    public List<FoundBlock> blocks() {
        return List.of();
    }

    @Override
    public Optional<JsonNode> passthrough() {
        return Optional.of(stats.get());
    }
}
