package org.jckpool.webapi.view;

import java.time.Instant;
import java.util.List;

/**
 * Pool-wide state at one moment.
 *
 * @param startedAt  when the stratifier started (uptime is derived from it)
 * @param hashrate   the pool's hashrate over each window
 * @param users      users with at least one connected worker
 * @param workers    workers with at least one connected client
 * @param clients    connected, subscribed clients
 * @param shares     shares since start
 * @param bestShare  highest share difficulty since start
 * @param network    height, network difficulty and template time
 * @param nodes      configured nodes in configuration order
 * @param blocksFound block solutions submitted to the node(s) since start, whatever the node then said
 */
public record PoolSummary(
        Instant startedAt,
        Hashrates hashrate,
        int users,
        int workers,
        int clients,
        ShareCounts shares,
        double bestShare,
        NetworkInfo network,
        List<NodeStatus> nodes,
        long blocksFound) {

    public PoolSummary {
        nodes = List.copyOf(nodes);
    }

    /** The node in use, if any is marked active and alive. */
    public java.util.Optional<NodeStatus> activeNode() {
        return nodes.stream().filter(n -> n.active() && n.alive()).findFirst();
    }
}
