package org.jckpool.stratifier.status;

import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.stats.PoolStats;
import org.jckpool.stratifier.stats.RateWindow;
import org.jckpool.stratifier.stats.ShareTally;
import org.jckpool.webapi.view.ClientInfo;
import org.jckpool.webapi.view.Hashrates;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.ShareCounts;
import org.jckpool.webapi.view.UserSummary;
import org.jckpool.webapi.view.WorkerSummary;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the engine's statistics (each object under its own lock, each session under its monitor). */
public final class SnapshotBuilder {
    private final StratumEngine engine;
    private final NetworkState network;
    private final FoundBlocks blocks;
    private final Instant startedAt;

    public SnapshotBuilder(StratumEngine engine, NetworkState network, FoundBlocks blocks, Instant startedAt) {
        this.engine = engine;
        this.network = network;
        this.blocks = blocks;
        this.startedAt = startedAt;
    }

    public PoolSnapshot build(long now) {
        Map<String, Integer> connections = new HashMap<>();
        List<ClientInfo> clients = new ArrayList<>();
        for (ClientSession s : engine.sessions()) {
            ClientInfo ci;
            synchronized (s) {
                if (s.dropped()) {
                    continue;
                }
                var w = s.workerStats();
                if (s.isAuthorised()) {
                    connections.merge(s.workerName(), 1, Integer::sum);
                }
                ci = new ClientInfo(s.clientId, s.address, s.workerName(), s.userAgent(), s.vardiff().diff(),
                        w == null ? Hashrates.ZERO : rates(w, now), Instant.ofEpochMilli(s.connectedMillis),
                        w == null ? null : lastShare(w));
            }
            clients.add(ci);
        }
        clients.sort(Comparator.comparingLong(ClientInfo::id));

        List<UserSummary> users = new ArrayList<>();
        Map<String, WorkerSummary> workerByName = new HashMap<>();
        int workerCount = 0;
        for (var u : engine.stats().users()) {
            List<WorkerSummary> ws = new ArrayList<>();
            for (var w : u.workers()) {
                int conns = connections.getOrDefault(w.name(), 0);
                WorkerSummary v = new WorkerSummary(w.name(), u.name(), rates(w, now), diffOf(w.name(), clients),
                        w.acceptedCount(), w.rejectedCount(), w.bestShare(), lastShare(w), conns);
                ws.add(v);
                workerByName.put(w.name(), v);
                if (conns > 0) {
                    workerCount++;
                }
            }
            ws.sort(Comparator.comparing(WorkerSummary::name));
            users.add(new UserSummary(u.name(), rates(u, now), u.acceptedCount(), u.rejectedCount(), u.bestShare(),
                    lastShare(u), List.copyOf(ws)));
        }
        users.sort(Comparator.comparing(UserSummary::name));
        Map<String, UserSummary> userByName = new LinkedHashMap<>();
        int activeUsers = 0;
        for (UserSummary u : users) {
            userByName.put(u.name(), u);
            if (u.workers().stream().anyMatch(w -> w.connections() > 0)) {
                activeUsers++;
            }
        }
        PoolStats p = engine.stats().pool();
        ShareCounts shares = new ShareCounts(p.acceptedCount(), p.rejectedCount(), p.rejectsByReason());
        PoolSummary summary = new PoolSummary(startedAt, rates(p, now), activeUsers, workerCount, clients.size(),
                shares, p.bestShare(), network.network(), network.nodes(), blocks.submitted());
        Map<Long, ClientInfo> byId = new HashMap<>();
        clients.forEach(c -> byId.put(c.id(), c));
        return new PoolSnapshot(summary, List.copyOf(users), Map.copyOf(userByName), Map.copyOf(workerByName),
                List.copyOf(clients), Map.copyOf(byId), now);
    }

    private static double diffOf(String worker, List<ClientInfo> clients) {
        for (ClientInfo c : clients) {
            if (worker.equals(c.worker())) {
                return c.difficulty();
            }
        }
        return 0;
    }

    private static Instant lastShare(ShareTally t) {
        long m = t.lastShareMillis();
        return m <= 0 ? null : Instant.ofEpochMilli(m);
    }

    static Hashrates rates(ShareTally t, long now) {
        return new Hashrates(t.hashrate(RateWindow.M1, now, true), t.hashrate(RateWindow.M5, now, true),
                t.hashrate(RateWindow.M15, now, true), t.hashrate(RateWindow.H1, now, true),
                t.hashrate(RateWindow.H6, now, true), t.hashrate(RateWindow.D1, now, true),
                t.hashrate(RateWindow.D7, now, true));
    }
}
