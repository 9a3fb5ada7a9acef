package org.jckpool.stratifier.status;

import org.jckpool.webapi.view.ClientInfo;
import org.jckpool.webapi.view.FoundBlock;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.PoolView;
import org.jckpool.webapi.view.UserSummary;
import org.jckpool.webapi.view.WorkerSummary;

import java.util.List;
import java.util.Optional;

/**
 * {@link PoolView} over the latest {@link PoolSnapshot}, which the timer thread publishes every second (and the
 * share path never waits for). HTTP threads only read a volatile reference.
 */
public final class SnapshotPoolView implements PoolView {
    private final SnapshotBuilder builder;
    private final FoundBlocks blocks;
    private volatile PoolSnapshot current;
    private volatile java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> upstreams;
    private volatile java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> passthrough;
    private volatile org.jckpool.stratifier.link.ScheduleControl schedule;

    public SnapshotPoolView(SnapshotBuilder builder, FoundBlocks blocks) {
        this.builder = builder;
        this.blocks = blocks;
        this.current = builder.build(System.currentTimeMillis());
    }

    /** Proxy mode: where /api/upstreams reads from. */
    public void upstreams(java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> source) {
        this.upstreams = source;
    }

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> upstreams() {
        var u = upstreams;
        return u == null ? Optional.empty() : Optional.of(u.get());
    }

    /** Where /api/passthrough reads from: the mode and the downstream passthrough instances. */
    public void passthrough(java.util.function.Supplier<com.fasterxml.jackson.databind.JsonNode> source) {
        this.passthrough = source;
    }

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> passthrough() {
        var p = passthrough;
        return p == null ? Optional.empty() : Optional.of(p.get());
    }

    /** Proxy mode: where /api/schedule reads and sets the scheduling proxy's weights. */
    public void schedule(org.jckpool.stratifier.link.ScheduleControl control) {
        this.schedule = control;
    }

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> schedule(com.fasterxml.jackson.databind.JsonNode setWeights)
            throws java.io.IOException {
        var c = schedule;
        return c == null ? Optional.empty() : c.request(setWeights);
    }

    /** Takes a new snapshot (timer thread). */
    public PoolSnapshot refresh(long now) {
        PoolSnapshot s = builder.build(now);
        current = s;
        return s;
    }

    public PoolSnapshot snapshot() {
        return current;
    }

    @Override
    public PoolSummary pool() {
        return current.pool();
    }

    @Override
    public List<UserSummary> users() {
        return current.users();
    }

    @Override
    public Optional<UserSummary> user(String name) {
        return Optional.ofNullable(current.userByName().get(name));
    }

    @Override
    public Optional<WorkerSummary> worker(String fullName) {
        return Optional.ofNullable(current.workerByName().get(fullName));
    }

    @Override
    public List<ClientInfo> clients() {
        return current.clients();
    }

    @Override
    public List<FoundBlock> blocks() {
        return blocks.newestFirst();
    }
}
