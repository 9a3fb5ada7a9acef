package org.jckpool.connector;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.connector.link.HoldLimits;
import org.jckpool.connector.link.StratifierUplink;
import org.jckpool.connector.net.ConnectorServer;
import org.jckpool.connector.net.ConnectorSettings;
import org.jckpool.connector.net.ConnectorStats;
import org.jckpool.connector.net.ListenAddress;
import org.jckpool.connector.relay.FrameUpstream;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The connector's parts wired together: the networking core ({@link ConnectorServer}) relaying through a
 * {@link StratifierUplink} to the stratifier's socket, plus the connector's control commands. Miners are admitted
 * once the stratifier stream has been up; see {@link StratifierUplink} for what happens when it drops.
 */
public final class ConnectorProcess implements AutoCloseable {
    /** ckpool's rule for {@code maxclients = 0}: 90% of the open-file limit. */
    private static final double FD_SHARE = 0.9;

    private final ConnectorServer server;
    private final StratifierUplink link;

    private ConnectorProcess(ConnectorServer server, StratifierUplink link) {
        this.server = server;
        this.link = link;
    }

    /**
     * Binds the serverurl ports (failing at once on a bad one), then connects to {@code stratifierSocket} in
     * the background; miners are refused until that stream is up. {@code onFailure} runs if the networking
     * core stops on its own.
     */
    public static ConnectorProcess start(ConnectorSettings settings, Path stratifierSocket,
                                         StratifierUplink.Timing timing, Runnable onFailure) throws IOException {
        return start(settings, List.of(), stratifierSocket, timing, HoldLimits.DEFAULT, onFailure);
    }

    /** As above with chosen limits for what is held while the stratifier is away. */
    public static ConnectorProcess start(ConnectorSettings settings, Path stratifierSocket,
                                         StratifierUplink.Timing timing, HoldLimits limits, Runnable onFailure)
            throws IOException {
        return start(settings, List.of(), stratifierSocket, timing, limits, onFailure);
    }

    /**
     * As above, accepting on {@code handedOver} (the listener's sockets, one per serverurl entry; see
     * {@link org.jckpool.connector.net.HandedOverSockets}) instead of binding.
     */
    public static ConnectorProcess start(ConnectorSettings settings, List<ServerSocketChannel> handedOver,
                                         Path stratifierSocket, StratifierUplink.Timing timing, Runnable onFailure)
            throws IOException {
        return start(settings, handedOver, stratifierSocket, timing, HoldLimits.DEFAULT, onFailure);
    }

    private static ConnectorProcess start(ConnectorSettings settings, List<ServerSocketChannel> handedOver,
                                          Path stratifierSocket, StratifierUplink.Timing timing, HoldLimits limits,
                                          Runnable onFailure) throws IOException {
        StratifierUplink link = new StratifierUplink(stratifierSocket, timing, limits);
        ConnectorServer server = ConnectorServer.start(settings, new FrameUpstream(link, link::kick), false,
                handedOver);
        link.start(server, onFailure);
        Log.notice("Connector serving %d serverurl entries, maxclients %s, idle drop %s; waiting for the "
                        + "stratifier at %s", settings.listen().size(),
                settings.maxClients() == 0 ? "unlimited" : String.valueOf(settings.maxClients()),
                settings.idleTimeout().isZero() ? "off" : settings.idleTimeout().toSeconds() + " s", stratifierSocket);
        return new ConnectorProcess(server, link);
    }

    /**
     * The networking settings from ckpool.conf: {@code serverurl} then {@code nodeserver} (in order: a client's
     * server index is its entry's position; the stratifier applies the port&gt;4000 high-diff rule and the
     * nodeserver rule from that index),
     * {@code maxclients} (0 = 90% of the open-file limit, as ckpool) and {@code dropidle} (seconds, 0 = off).
     */
    public static ConnectorSettings settingsFrom(PoolConfig cfg) {
        List<HostPort> urls = cfg.listenUrls();
        List<ListenAddress> listen = new ArrayList<>();
        for (HostPort hp : urls) {
            listen.add(new ListenAddress(hp.host(), hp.port()));
        }
        int maxClients = cfg.maxclients() > 0 ? cfg.maxclients() : defaultMaxClients();
        return ConnectorSettings.defaults(listen)
                .withMaxClients(maxClients)
                .withIdleTimeout(Duration.ofSeconds(Math.max(0, cfg.dropidle())));
    }

    /** 90% of the open-file limit, or 0 (no limit) when the JVM cannot tell. */
    static int defaultMaxClients() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean os) {
            long fds = os.getMaxFileDescriptorCount();
            if (fds > 0) {
                return (int) Math.min(Integer.MAX_VALUE, Math.max(1, (long) (fds * FD_SHARE)));
            }
        }
        return 0;
    }

    /**
     * Adds the connector's control commands: JSON {@code stats} (replacing the base one, which it extends),
     * text {@code stats} (ckpool's connector_stats form), {@code accept}/{@code reject} (ckpool's: stop or resume
     * taking new connections), text {@code clients} (the count) and {@code dropclient=<id>}.
     */
    public void registerCommands(CommandTable commands, Supplier<ObjectNode> baseStats) {
        commands.json("stats", params -> stats(baseStats.get()));
        commands.text("stats", request -> Json.write(ckpoolStats()));
        commands.text("accept", request -> {
            server.holdNewConnections(false);
            Log.notice("Connector: accepting new connections (operator)");
            return "accepting";
        });
        commands.text("reject", request -> {
            server.holdNewConnections(true);
            Log.notice("Connector: holding new connections in the listen backlog (operator reject)");
            return "rejecting";
        });
        commands.text("clients", request -> String.valueOf(server.clientCount()));
        commands.text("dropclient", this::dropClient);
    }

    /** {@code dropclient=<id>}: "dropped", "unknown client <id>", or "Invalid" for a malformed request. */
    String dropClient(String request) {
        int eq = request.indexOf('=');
        long id;
        try {
            if (eq < 0) {
                throw new NumberFormatException("no '='");
            }
            id = Long.parseLong(request.substring(eq + 1).strip());
        } catch (NumberFormatException e) {
            Log.info("Connector: malformed dropclient request '%s'", request);
            return "Invalid";
        }
        try {
            boolean dropped = server.dropByAdmin(id, "dropped by operator (dropclient)").get(5, TimeUnit.SECONDS);
            if (dropped) {
                Log.notice("Connector: client %d dropped on request", id);
                return "dropped";
            }
            return "unknown client " + id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "failed";
        } catch (ExecutionException | TimeoutException e) {
            Log.warning("Connector: dropclient %d did not complete: %s", id, e);
            return "failed";
        }
    }

    /**
     * ckpool's connector_stats as its {@code ckpmsg -N connector stats} shows it: {@code {"clients":{"count":
     * connected now,"generated":accepted since start}}}. ckpool's {@code memory} and its dead-client and send-queue
     * objects have no counterpart here and are left out.
     */
    ObjectNode ckpoolStats() {
        ConnectorStats s = server.stats();
        ObjectNode o = Json.object();
        o.putObject("clients").put("count", s.clients()).put("generated", s.accepted());
        return o;
    }

    /** The connector's counters added to {@code into}. */
    public ObjectNode stats(ObjectNode into) {
        ConnectorStats s = server.stats();
        into.put("clients", s.clients());
        into.put("accepted", s.accepted());
        into.put("admitting", server.isAdmitting());
        into.put("operator_hold", server.isHoldingNewConnections());
        ObjectNode dropped = into.putObject("dropped");
        dropped.put("refused_full", s.refusedFull());
        dropped.put("refused_no_stratifier", s.refusedNotAdmitting());
        dropped.put("oversize", s.droppedOversize());
        dropped.put("slow", s.droppedSlow());
        dropped.put("idle", s.droppedIdle());
        dropped.put("by_stratifier", s.droppedByStratifier());
        dropped.put("by_operator", s.droppedByAdmin());
        dropped.put("stratifier_lost", s.droppedAll());
        into.put("accept_failures", s.acceptFailures());
        into.put("lines_in", s.linesIn());
        into.put("lines_out", s.linesOut());
        into.put("bytes_in", s.bytesIn());
        into.put("bytes_out", s.bytesOut());
        into.put("peak_queued_bytes", s.peakQueuedBytes());
        into.set("stream", link.stats());
        return into;
    }

    public ConnectorServer server() {
        return server;
    }

    public StratifierUplink link() {
        return link;
    }

    /** Closes the clients (their D frames still go to the stratifier), then the stream. */
    @Override
    public void close() {
        link.stopReconnecting();
        server.close();
        link.close();
    }

    @Override
    public String toString() {
        return "ConnectorProcess[" + Objects.toString(server.boundAddresses()) + "]";
    }
}
