package org.jckpool.stratifier.admin;

import org.jckpool.stratifier.status.SnapshotPoolView;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.webapi.view.ClientInfo;
import org.jckpool.webapi.view.PoolSummary;
import org.jckpool.webapi.view.UserSummary;
import org.jckpool.webapi.view.WorkerSummary;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The stratifier's control-socket vocabulary on top of ChildRuntime's built-ins. Text (ckpool): {@code update},
 * {@code reconnect}, {@code reconnect=host:port}, {@code dropclient=<id>}, {@code dropall} (reply
 * {@code dropped <n>}), {@code resetshares}; ckpool's text API (stats, poolstats, users, …) is {@link CkpoolApi}. JSON: stats, poolstats, users, workers,
 * clients, getuser {user}, getworker {worker}, getclient {id}, uptime, dropclient {id}. Everything is read from
 * the published snapshot, so the answers never wait for the share path.
 */
public final class AdminCommands {
    /** What the commands act on. */
    public interface Actions {
        /** Ask the generator for a template now. */
        void update();

        /** client.reconnect to every client (host null: same server). */
        void reconnectAll(String host, int port);

        /** Drop one client; false when it is not connected. */
        boolean dropClient(long id);

        /** Drop every client (ckpool's dropall); returns how many were asked to go. */
        int dropAll();

        /** ckpool's resetshares: best shares of the pool, users and workers back to zero. */
        void resetBestShares();

        /** Fields added to {"method":"stats"} beside the pool summary (links, queue depths). */
        ObjectNode processStats();

        long uptimeSeconds();
    }

    private final SnapshotPoolView view;
    private final Actions actions;
    private final Supplier<ObjectNode> baseStats;

    public AdminCommands(SnapshotPoolView view, Actions actions, Supplier<ObjectNode> baseStats) {
        this.view = view;
        this.actions = actions;
        this.baseStats = baseStats;
    }

    public void register(CommandTable t) {
        t.text("update", r -> {
            actions.update();
            return "success";
        });
        t.text("reconnect", this::reconnect);
        t.text("dropclient", r -> {
            int eq = r.indexOf('=');
            if (eq < 0) {
                return "failed: dropclient=<id>";
            }
            try {
                return actions.dropClient(Long.parseLong(r.substring(eq + 1).trim())) ? "success" : "failed: no such client";
            } catch (NumberFormatException e) {
                return "failed: not a client id";
            }
        });
        t.text("dropall", r -> "dropped " + actions.dropAll());
        t.text("resetshares", r -> {
            actions.resetBestShares();
            return "success";
        });
        t.json("stats", p -> stats());
        t.json("poolstats", p -> AdminJson.tree(view.pool()));
        t.json("users", p -> AdminJson.tree(view.users()));
        t.json("workers", p -> {
            ArrayNode a = Json.MAPPER.createArrayNode();
            for (UserSummary u : view.users()) {
                for (WorkerSummary w : u.workers()) {
                    a.add(AdminJson.tree(w));
                }
            }
            return a;
        });
        t.json("clients", p -> AdminJson.tree(view.clients()));
        t.json("getuser", p -> {
            String name = required(p, "user");
            return view.user(name).map(AdminJson::tree).orElseGet(() -> error("unknown user: " + name));
        });
        t.json("getworker", p -> {
            String name = required(p, "worker");
            return view.worker(name).map(AdminJson::tree).orElseGet(() -> error("unknown worker: " + name));
        });
        t.json("getclient", p -> {
            long id = clientId(p);
            ClientInfo c = view.snapshot().clientById().get(id);
            return c == null ? error("unknown client: " + id) : AdminJson.tree(c);
        });
        t.json("uptime", p -> {
            ObjectNode o = Json.object();
            o.put("uptime", actions.uptimeSeconds());
            o.put("started", view.pool().startedAt().getEpochSecond());
            return o;
        });
        t.json("dropclient", p -> {
            long id = clientId(p);
            ObjectNode o = Json.object();
            o.put("id", id);
            o.put("dropped", actions.dropClient(id));
            return o;
        });
    }

    private String reconnect(String request) {
        int eq = request.indexOf('=');
        if (eq < 0) {
            actions.reconnectAll(null, 0);
            return "success";
        }
        String target = request.substring(eq + 1).trim();
        int colon = target.lastIndexOf(':');
        try {
            if (colon <= 0) {
                throw new NumberFormatException();
            }
            String host = target.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port = Integer.parseInt(target.substring(colon + 1));
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            actions.reconnectAll(host, port);
            return "success";
        } catch (NumberFormatException e) {
            return "failed: reconnect=host:port";
        }
    }

    private ObjectNode stats() {
        PoolSummary s = view.pool();
        ObjectNode o = baseStats.get();
        o.set("hashrate", AdminJson.tree(s.hashrate()));
        o.put("users", s.users());
        o.put("workers", s.workers());
        o.put("clients", s.clients());
        o.put("accepted", s.shares().accepted());
        o.put("rejected", s.shares().rejected());
        ObjectNode reasons = o.putObject("rejects");
        for (Map.Entry<String, Long> e : s.shares().rejectedByReason().entrySet()) {
            reasons.put(e.getKey(), e.getValue());
        }
        o.put("bestshare", s.bestShare());
        o.put("height", s.network().height());
        o.put("network_diff", s.network().difficulty());
        o.put("node", s.activeNode().map(n -> n.url()).orElse(null));
        o.put("blocks_found", s.blocksFound());
        o.setAll(actions.processStats());
        return o;
    }

    private static String required(JsonNode p, String field) {
        String v = Json.text(p, field);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("params." + field + " (string) is required");
        }
        return v;
    }

    private static long clientId(JsonNode p) {
        JsonNode id = p.get("id");
        if (id != null && id.canConvertToLong()) {
            return id.asLong();
        }
        if (id != null && id.isTextual()) {
            try {
                return Long.parseLong(id.asText().trim());
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw new IllegalArgumentException("params.id (client id) is required");
    }

    private static ObjectNode error(String msg) {
        Log.debug("admin: %s", msg);
        ObjectNode o = Json.object();
        o.put("error", msg);
        return o;
    }
}
