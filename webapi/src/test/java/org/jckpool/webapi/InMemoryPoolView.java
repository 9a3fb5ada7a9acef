package org.jckpool.webapi;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jckpool.webapi.view.BlockStatus;
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

/** A PoolView over plain fields that tests set; every read returns the current values. */
public final class InMemoryPoolView implements PoolView {

    public volatile PoolSummary summary;
    public volatile List<UserSummary> users = List.of();
    public volatile List<ClientInfo> clients = List.of();
    public volatile List<FoundBlock> blocks = List.of();
    /** What /api/passthrough serves; null = 404. */
    public volatile com.fasterxml.jackson.databind.JsonNode passthrough;

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> passthrough() {
        return Optional.ofNullable(passthrough);
    }

    /** Proxy mode: what /api/upstreams serves; null = not a proxy (404). */
    public volatile com.fasterxml.jackson.databind.JsonNode upstreams;

    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> upstreams() {
        return Optional.ofNullable(upstreams);
    }

    /** Scheduling proxy: what /api/schedule serves; null = not one (404). */
    public volatile com.fasterxml.jackson.databind.node.ObjectNode schedule;
    /** The weights requests /api/schedule passed on, in order. */
    public final List<com.fasterxml.jackson.databind.JsonNode> weightRequests =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Records the request; a "weights" value that is not an object or array is refused as the scheduler would. */
    @Override
    public Optional<com.fasterxml.jackson.databind.JsonNode> schedule(com.fasterxml.jackson.databind.JsonNode set) {
        if (schedule == null) {
            return Optional.empty();
        }
        if (set != null) {
            if (set.has("weights") && !set.path("weights").isContainerNode()) {
                throw new IllegalArgumentException("weights: give an object {name: weight} or an array of numbers");
            }
            weightRequests.add(set);
            schedule.set("weights_set", set.path("weights"));
        }
        return Optional.of(schedule);
    }

    @Override
    public PoolSummary pool() {
        return summary;
    }

    @Override
    public List<UserSummary> users() {
        return users;
    }

    @Override
    public Optional<UserSummary> user(String name) {
        return users.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    @Override
    public Optional<WorkerSummary> worker(String fullName) {
        return users.stream().flatMap(u -> u.workers().stream()).filter(w -> w.name().equals(fullName)).findFirst();
    }

    @Override
    public List<ClientInfo> clients() {
        return clients;
    }

    @Override
    public List<FoundBlock> blocks() {
        return blocks;
    }

    /** Hashrates with every window at {@code hps}. */
    public static Hashrates flat(double hps) {
        return new Hashrates(hps, hps, hps, hps, hps, hps, hps);
    }

    public static WorkerSummary worker(String user, String suffix, double hps, long accepted, Instant lastShare) {
        return new WorkerSummary(user + "." + suffix, user, flat(hps), 4096, accepted, 1, 123456, lastShare, 1);
    }

    public static UserSummary user(String name, WorkerSummary... workers) {
        double total = 0;
        long accepted = 0;
        for (WorkerSummary w : workers) {
            total += w.hashrate().m1();
            accepted += w.accepted();
        }
        return new UserSummary(name, flat(total), accepted, workers.length, 123456,
                workers.length == 0 ? null : workers[0].lastShare(), List.of(workers));
    }

    /** A healthy pool: two nodes (second active), a template of {@code templateTime}, given hashrate. */
    public static PoolSummary summary(Instant startedAt, Instant templateTime, double hps, int users, int workers,
            long blocksFound) {
        return new PoolSummary(startedAt, flat(hps), users, workers, workers,
                new ShareCounts(1000, 7, Map.of("stale", 5L, "duplicate", 2L)), 9.87e9,
                new NetworkInfo(871234, 1.0234e14, templateTime),
                List.of(new NodeStatus("http://127.0.0.1:8332", false, false),
                        new NodeStatus("http://127.0.0.1:18332", true, true)),
                blocksFound);
    }

    /** A pool with known content: alice (2 workers), bob (1 worker), 2 blocks, 2 clients. */
    public static InMemoryPoolView sample(Instant now) {
        InMemoryPoolView view = new InMemoryPoolView();
        view.users = new ArrayList<>(List.of(
                user("alice", worker("alice", "rig1", 1.5e12, 500, now.minusSeconds(3)),
                        worker("alice", "rig2", 0.5e12, 200, now.minusSeconds(40))),
                user("bob", worker("bob", "s9", 1.4e13, 300, now.minusSeconds(10)))));
        view.summary = summary(now.minusSeconds(3 * 86400 + 3600), now.minusSeconds(5), 1.6e13, 2, 3, 2);
        view.blocks = List.of(
                new FoundBlock(871233, "00000000000000000001aaaabbbbccccddddeeeeffff00001111222233334444",
                        now.minusSeconds(600), BlockStatus.ACCEPTED, "bob.s9"),
                new FoundBlock(871100, "00000000000000000002aaaabbbbccccddddeeeeffff00001111222233335555",
                        now.minusSeconds(86400), BlockStatus.ORPHANED, "alice.rig1"));
        view.clients = List.of(
                new ClientInfo(1, "127.0.0.1:50001", "alice.rig1", "cgminer/4.12", 4096, flat(1.5e12),
                        now.minusSeconds(900), now.minusSeconds(3)),
                new ClientInfo(2, "127.0.0.1:50002", null, null, 42, Hashrates.ZERO, now.minusSeconds(1), null));
        return view;
    }
}
