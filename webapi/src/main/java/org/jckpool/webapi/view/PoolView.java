package org.jckpool.webapi.view;

import java.util.List;
import java.util.Optional;

/**
 * Read-only view of the pool's live state, implemented by the stratifier (which holds the stats) and read by
 * the web API on its own threads. Every method may be called concurrently from several HTTP threads, so an
 * implementation returns immutable snapshots (these records) and never blocks for long.
 */
public interface PoolView {

    /** Pool-wide totals: hashrates, counts, shares, network, nodes, uptime, blocks. */
    PoolSummary pool();

    /** Every user with at least one worker known since start, each with its workers. */
    List<UserSummary> users();

    /** One user by exact name (the mining address or account name miners authorise with). */
    Optional<UserSummary> user(String name);

    /** One worker by its full name as the miner sent it, e.g. {@code "bc1q….rig1"}. */
    Optional<WorkerSummary> worker(String fullName);

    /** Connected clients (sessions); shown to admins only, as it reveals addresses. */
    List<ClientInfo> clients();

    /** Blocks the pool found, newest first. */
    List<FoundBlock> blocks();

    /**
     * Proxy mode: the upstream pools and their figures ({"active","upstreams":[…],"forwarding":{…}}); empty when
     * the pool is not a proxy (then /api/upstreams answers 404).
     */
    default Optional<com.fasterxml.jackson.databind.JsonNode> upstreams() {
        return Optional.empty();
    }

    /**
     * The passthrough family ({@code /api/passthrough}): {@code mode} (pool, proxy, passthrough, redirector); in
     * {@code -P}/{@code -R} the upstream link ({@code upstream}: connected, url, …) and the miners routed over it
     * ({@code clients}); in a pool, the downstream passthrough instances connected to it ({@code downstream}: id,
     * address, clients, since). Empty when not known (then /api/passthrough answers 404).
     */
    default Optional<com.fasterxml.jackson.databind.JsonNode> passthrough() {
        return Optional.empty();
    }

    /**
     * Scheduling proxy: its state ({"current","switches","upstreams":[{name,weight,target_percent,
     * achieved_10m_percent,…}]}) when {@code setWeights} is null, else sets the weights ({"weights":{name:w}} or
     * {"weights":[w,…]}) first. Empty when the pool is not a scheduling proxy (then /api/schedule answers 404).
     *
     * @throws IllegalArgumentException weights that cannot be used (the message says why)
     * @throws java.io.IOException      the process that schedules did not answer
     */
    default Optional<com.fasterxml.jackson.databind.JsonNode> schedule(com.fasterxml.jackson.databind.JsonNode setWeights)
            throws java.io.IOException {
        return Optional.empty();
    }
}
