package org.jckpool.stratifier.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.stats.PoolStats;
import org.jckpool.stratifier.stats.RateWindow;
import org.jckpool.stratifier.stats.StatusFiles;
import org.jckpool.stratifier.status.SnapshotPoolView;
import org.jckpool.webapi.view.ClientInfo;
import org.jckpool.webapi.view.Hashrates;
import org.jckpool.webapi.view.UserSummary;
import org.jckpool.webapi.view.WorkerSummary;

import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * ckpool's plain-text API on the stratifier socket, as its {@code ckpmsg -N stratifier} sends it: {@code stats},
 * {@code poolstats}, {@code users}, {@code workers}, {@code clients}, {@code getuser=<json {"user"}>},
 * {@code getworker=<json {"worker"}>}, {@code getclient=<json {"id"}>} (ckpool skips one separator character after
 * the name). Replies use ckpool's JSON keys; rates are ckpool's {@code dsps} (difficulty-1 shares per second, the
 * hashrate / 2^32). Keys for what jckpool does not keep (per-structure {@code memory}, user ids, enonce1 parts,
 * proxy ids) are left out rather than filled with made-up values. As in ckpool, an unknown user or worker reads
 * as one with nothing yet; an unknown client id is an error.
 */
public final class CkpoolApi {
    private static final double NONCES = 4294967296.0;

    private final SnapshotPoolView view;
    private final StratumEngine engine;
    private final InstantSource clock;

    public CkpoolApi(SnapshotPoolView view, StratumEngine engine, InstantSource clock) {
        this.view = view;
        this.engine = engine;
        this.clock = clock;
    }

    public void register(CommandTable t) {
        t.text("stats", r -> Json.write(stats()));
        t.text("poolstats", r -> Json.write(poolStats()));
        t.text("users", r -> Json.write(users()));
        t.text("workers", r -> Json.write(workers()));
        t.text("clients", r -> Json.write(clients()));
        t.text("getuser", r -> Json.write(withArgument(r, "getuser", "user", this::user)));
        t.text("getworker", r -> Json.write(withArgument(r, "getworker", "worker", this::worker)));
        t.text("getclient", r -> Json.write(withArgument(r, "getclient", "id", this::client)));
    }

    /** ckpool's stratifier_stats: object counts by kind. */
    ObjectNode stats() {
        StatusFiles.PoolCounts counts = engine.poolCounts();
        ObjectNode o = Json.object();
        o.putObject("users").put("count", counts.users());
        o.putObject("clients").put("count", engine.sessions().size());
        o.putObject("disconnected").put("count", counts.disconnected());
        return o;
    }

    /** ckpool's get_poolstats. */
    ObjectNode poolStats() {
        long now = clock.millis();
        PoolStats pool = engine.stats().pool();
        StatusFiles.PoolCounts counts = engine.poolCounts();
        ObjectNode o = Json.object();
        o.put("start", pool.startMillis() / 1000);
        o.put("update", now / 1000);
        o.put("workers", counts.workers());
        o.put("users", counts.users());
        o.put("disconnected", counts.disconnected());
        o.put("shares", pool.acceptedCount());
        o.put("sps1", pool.sps(RateWindow.M1, now));
        o.put("sps5", pool.sps(RateWindow.M5, now));
        o.put("sps15", pool.sps(RateWindow.M15, now));
        o.put("sps60", pool.sps(RateWindow.H1, now));
        o.put("accepted", pool.acceptedDiff());
        o.put("rejected", pool.rejectedDiff());
        o.put("dsps1", pool.dsps(RateWindow.M1));
        o.put("dsps5", pool.dsps(RateWindow.M5));
        o.put("dsps15", pool.dsps(RateWindow.M15));
        o.put("dsps60", pool.dsps(RateWindow.H1));
        o.put("dsps360", pool.dsps(RateWindow.H6));
        o.put("dsps1440", pool.dsps(RateWindow.D1));
        o.put("dsps10080", pool.dsps(RateWindow.D7));
        return o;
    }

    ObjectNode users() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("users");
        view.users().forEach(u -> a.add(userInfo(u)));
        return o;
    }

    ObjectNode workers() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("workers");
        for (UserSummary u : view.users()) {
            u.workers().forEach(w -> a.add(workerInfo(w)));
        }
        return o;
    }

    ObjectNode clients() {
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("clients");
        view.clients().forEach(c -> a.add(clientInfo(c)));
        return o;
    }

    private JsonNode user(JsonNode name) {
        if (!name.isTextual() || name.asText().isEmpty()) {
            return error("Zero length user key");
        }
        String n = name.asText();
        return userInfo(view.user(n).orElseGet(() -> new UserSummary(n, Hashrates.ZERO, 0, 0, 0, null, List.of())));
    }

    private JsonNode worker(JsonNode name) {
        if (!name.isTextual() || name.asText().isEmpty()) {
            return error("Zero length worker key");
        }
        String n = name.asText();
        String user = n.split("[._]", 2)[0];
        return workerInfo(view.worker(n).orElseGet(() -> new WorkerSummary(n, user, Hashrates.ZERO, 0, 0, 0, 0,
                null, 0)));
    }

    private JsonNode client(JsonNode id) {
        if (!id.canConvertToLong()) {
            return error("Failed to find id key");
        }
        ClientInfo c = view.snapshot().clientById().get(id.asLong());
        return c == null ? error("Failed to find client " + id.asLong()) : clientInfo(c);
    }

    private static ObjectNode userInfo(UserSummary u) {
        ObjectNode o = Json.object();
        o.put("user", u.name());
        o.put("workers", u.workers().size());
        o.put("bestdiff", u.bestShare());
        putDsps(o, u.hashrate(), true);
        o.put("lastshare", seconds(u.lastShare()));
        return o;
    }

    private static ObjectNode workerInfo(WorkerSummary w) {
        ObjectNode o = Json.object();
        o.put("user", w.user());
        o.put("worker", w.name());
        putDsps(o, w.hashrate(), false);
        o.put("lastshare", seconds(w.lastShare()));
        o.put("bestdiff", w.bestShare());
        return o;
    }

    private static ObjectNode clientInfo(ClientInfo c) {
        ObjectNode o = Json.object();
        o.put("id", c.id());
        o.put("diff", c.difficulty());
        putDsps(o, c.hashrate(), true);
        o.put("lastshare", seconds(c.lastShare()));
        o.put("starttime", seconds(c.connectedAt()));
        o.put("address", c.address());
        o.put("useragent", c.userAgent() == null ? "" : c.userAgent());
        o.put("workername", c.worker() == null ? "" : c.worker());
        return o;
    }

    /** ckpool's dsps1/5/60/1440 (and 10080 for users and clients) from hashrates in H/s. */
    private static void putDsps(ObjectNode o, Hashrates h, boolean week) {
        o.put("dsps1", h.m1() / NONCES);
        o.put("dsps5", h.m5() / NONCES);
        o.put("dsps60", h.h1() / NONCES);
        o.put("dsps1440", h.d1() / NONCES);
        if (week) {
            o.put("dsps10080", h.d7() / NONCES);
        }
    }

    private static long seconds(Instant t) {
        return t == null ? 0 : t.getEpochSecond();
    }

    /**
     * ckpool reads the JSON after the command name and one separator ({@code getuser={"user":"x"}}) and takes
     * {@code key} from it; a reply for bad input names the problem as ckpool's {@code {"error":…}} does.
     */
    private static JsonNode withArgument(String request, String name, String key,
                                         java.util.function.Function<JsonNode, JsonNode> answer) {
        String rest = request.length() > name.length() + 1 ? request.substring(name.length() + 1) : "";
        JsonNode arg = Json.parseOrNull(rest);
        if (arg == null || !arg.isObject()) {
            return error("Invalid json after " + name + ": expected " + name + "={\"" + key + "\":…}");
        }
        JsonNode v = arg.get(key);
        if (v == null) {
            return error("Failed to find " + key + " key");
        }
        return answer.apply(v);
    }

    private static ObjectNode error(String msg) {
        ObjectNode o = Json.object();
        o.put("error", msg);
        return o;
    }
}
