package org.jckpool.generator;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.generator.link.StratifierStreamAcceptor;
import org.jckpool.generator.node.Node;
import org.jckpool.generator.node.NodeManager;
import org.jckpool.generator.notify.BestBlockPoller;
import org.jckpool.generator.notify.ZmqBlockSubscriber;
import org.jckpool.generator.submit.BlockBroadcaster;
import org.jckpool.generator.submit.SubmitOutcome;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.generator.work.TemplateFetcher;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The generator's parts wired together: node manager (checks, watchdog, failover), template fetcher, block poller,
 * optional ZMQ subscriber, block submitter and the stratifier stream. Also the control methods for ckpmsg and
 * tests: text {@code update}, JSON {@code update}, {@code getbase}, {@code stats}, {@code submitblock}.
 */
public final class Generator implements AutoCloseable {
    /** How long a control-socket submitblock waits for its outcome (the submission itself is bounded at 60 s). */
    private static final long CONTROL_SUBMIT_WAIT_SECONDS = 70;
    /**
     * The generator's control request cap: a submitblock carries the block in hex, up to 8 MB for a block of the
     * largest weight (4 MB serialized), plus its JSON.
     */
    public static final int MAX_CONTROL_REQUEST_BYTES = 12 << 20;

    private final GeneratorSettings settings;
    private final NodeManager nodes;
    private final TemplateFetcher fetcher;
    private final BestBlockPoller poller;
    private final ZmqBlockSubscriber zmq;
    private final BlockBroadcaster submitter;
    private final StratifierStreamAcceptor link;

    public Generator(GeneratorSettings settings) {
        this.settings = settings;
        this.nodes = new NodeManager(settings.btcd(), settings.btcaddress(), settings.timeouts(),
                settings.rpcConnections());
        this.fetcher = new TemplateFetcher(nodes, settings.updateInterval());
        this.poller = new BestBlockPoller(nodes, fetcher, settings.blockpollMs());
        this.zmq = settings.zmqblock() == null ? null : new ZmqBlockSubscriber(settings.zmqblock(), fetcher);
        this.submitter = new BlockBroadcaster(nodes);
        this.link = new StratifierStreamAcceptor(fetcher, submitter, nodes);
        // our own block moved the tip: the next block's work at once, not after the next poll
        submitter.onAccepted(() -> fetcher.request(FetchedTemplate.NEWBLOCK));
        // a change of node means other work: fetch from the new active node at once
        nodes.addListener(status -> {
            if (status.active() != null) {
                FetchedTemplate t = fetcher.current();
                if (t == null || !t.node().equals(status.active())) {
                    fetcher.request(FetchedTemplate.UPDATE);
                }
            }
        });
        // the watchdog's check sees the active node's tip too: catches a block no notification told us of
        nodes.addTipListener((node, prev) -> {
            FetchedTemplate t = fetcher.current();
            if (node == nodes.active() && t != null && t.node().equals(node.url()) && !t.prevHash().equals(prev)) {
                Log.notice("Watchdog: %s has moved to a new block %s", node, prev);
                fetcher.request(FetchedTemplate.NEWBLOCK, prev);
            }
        });
    }

    /** Checks the nodes (bounded wait), asks for the first template and starts the timers; dead nodes are no failure. */
    public void start() {
        fetcher.start();
        // the first status (now, or when a node comes up) asks for the first template: see the node listener
        nodes.start();
        poller.start();
        if (zmq != null) {
            zmq.start();
        }
    }

    /** Registers the control methods; {@code baseStats} gives the process's own stats (pid, uptime…) or is null. */
    public void registerCommands(CommandTable commands, Supplier<ObjectNode> baseStats) {
        commands.text("update", r -> {
            fetcher.request(FetchedTemplate.UPDATE);
            return null;
        });
        commands.json("update", p -> {
            fetcher.request(FetchedTemplate.UPDATE);
            ObjectNode o = Json.object();
            o.put("result", "requested");
            return o;
        });
        commands.json("getbase", p -> getbase());
        commands.json("stats", p -> {
            ObjectNode o = baseStats == null ? Json.object() : baseStats.get();
            o.setAll(stats());
            return o;
        });
        commands.json("submitblock", p -> {
            long height = p.path("height").canConvertToLong() ? p.path("height").asLong() : -1;
            SubmitOutcome out = submitter.submit(Json.text(p, "hex"), Json.text(p, "hash"), height)
                    .get(CONTROL_SUBMIT_WAIT_SECONDS, TimeUnit.SECONDS);
            return out.toJson();
        });
    }

    /** {"node","reason","time","height","template"} of the current template, or {"error"} before the first. */
    public ObjectNode getbase() {
        FetchedTemplate t = fetcher.current();
        ObjectNode o = Json.object();
        if (t == null) {
            o.put("error", "no template yet");
            return o;
        }
        o.put("node", t.node());
        o.put("reason", t.reason());
        o.put("time", t.fetchedMillis());
        o.put("height", t.height());
        o.set("template", t.body());
        return o;
    }

    /** The generator's own stats (merged into the process stats by the control method). */
    public ObjectNode stats() {
        ObjectNode o = Json.object();
        Node active = nodes.active();
        if (active == null) {
            o.putNull("active");
        } else {
            o.put("active", active.url());
        }
        o.put("nodes_alive", nodes.liveNodes().size());
        ArrayNode arr = o.putArray("nodes");
        for (Node n : nodes.nodes()) {
            ObjectNode e = arr.addObject();
            e.put("url", n.url());
            e.put("priority", n.priority());
            e.put("alive", n.alive());
            e.put("notify", n.notifies());
            if (n.network() != null) {
                e.put("chain", n.network().chainName());
            }
            if (n.problem() != null) {
                e.put("problem", n.problem());
            }
        }
        FetchedTemplate t = fetcher.current();
        if (t == null) {
            o.putNull("last_template");
        } else {
            ObjectNode lt = o.putObject("last_template");
            lt.put("time", t.fetchedMillis());
            lt.put("height", t.height());
            lt.put("prevhash", t.prevHash());
            lt.put("node", t.node());
            lt.put("reason", t.reason());
        }
        o.put("templates", fetcher.templatesFetched());
        o.put("blocks_submitted", submitter.submitted());
        o.put("blocks_accepted", submitter.accepted());
        o.put("blocks_rejected", submitter.rejected());
        o.put("blocks_lost", submitter.lost());
        o.put("stratifier_streams", link.connected());
        o.put("blockpoll", settings.blockpollMs());
        o.put("update_interval", settings.updateInterval());
        if (zmq != null) {
            ObjectNode z = o.putObject("zmq");
            z.put("endpoint", settings.zmqblock());
            z.put("received", zmq.received());
            z.put("dropped", zmq.dropped());
        }
        return o;
    }

    public NodeManager nodes() {
        return nodes;
    }

    public TemplateFetcher fetcher() {
        return fetcher;
    }

    public BlockBroadcaster submitter() {
        return submitter;
    }

    public StratifierStreamAcceptor link() {
        return link;
    }

    @Override
    public void close() {
        nodes.stopping();
        if (zmq != null) {
            zmq.close();
        }
        poller.close();
        fetcher.close();
        submitter.close();
        nodes.close();
        Log.info("generator stopped");
    }
}
