package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.ChildRuntime;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.stratifier.link.ClientEvents;
import org.jckpool.stratifier.link.ConnectorLink;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ckpool -P}: the stratifier process as a passthrough relay (no work, no share checks). The connector
 * stream ({@link ConnectorLink}, as in pool mode) brings the miners' lines; each goes up the miner's upstream
 * connection ({@link UpstreamSlots}: one per {@code passthrough_clients} miners, a miner stays on its own for life)
 * with the miner's own {@code client_id} ({@link ClientRoutes}), and each upstream line comes back to the miner its
 * {@code client_id} names. A miner that leaves is ended upstream with {@code mining.term}.
 *
 * <p>Loss of one connection while another is up: its miners are told to reconnect and come back on another. Loss
 * of the last one: every routed miner is sent {@code client.reconnect} and the connector stream is closed and
 * refused until an upstream is connected again. The connector then holds its miners and their lines as it does
 * for a restarting stratifier (bounded, for at most a minute, then it drops them). When the stream is back, miners
 * that connected meanwhile are served with their held lines; those the connector reports as resumed had their
 * session on the lost connection, so they are told to reconnect and dropped. A miner only ever hears "accepted"
 * from the upstream itself, so nothing it was told was accepted is lost.
 *
 * <p>{@code ckpool -R}: the same relay with {@link RedirectDecisions}: a miner whose share the upstream accepted is
 * sent {@code client.reconnect} to its {@code redirecturl} target right after that reply; one never redirected is
 * dropped {@code dropidle} seconds after it connected.
 */
public final class PassthroughRelay implements ClientEvents, UpstreamSlots.Listener {
    private static final long FLUSH_BEFORE_CLOSE_MS = 2_000;

    private final ClientOutbound miners;
    private final ConnectorLink connector;
    private final ClientRoutes routes = new ClientRoutes();
    private final UpstreamSlots slots;
    private final AtomicLong linesUp = new AtomicLong();
    private final AtomicLong linesDown = new AtomicLong();
    private final AtomicLong unroutable = new AtomicLong();
    private final AtomicLong badLines = new AtomicLong();
    private final AtomicLong toldToReconnect = new AtomicLong();
    /** Redirector mode's decisions, or null unless -R. */
    private final RedirectDecisions redirects;
    private final RelayTap tap;

    /**
     * A relay on the process's connector stream; {@code tap} adds a mode's work ({@link RelayTap#NONE} in -P and
     * -R), {@code redirects} null unless -R.
     */
    PassthroughRelay(List<HostPort> upstreams, long silenceMillis, int maxClients, RelayTap tap,
                     RedirectDecisions redirects) {
        this.connector = new ConnectorLink(this, this::upstreamUp);
        this.miners = connector;
        this.tap = tap;
        this.redirects = redirects;
        this.slots = new UpstreamSlots(upstreams, silenceMillis, tap.handshake(), maxClients, this);
    }

    /** For tests: miners reached through {@code miners}, nothing listening for a connector. */
    PassthroughRelay(ClientOutbound miners, List<HostPort> upstreams, long silenceMillis) {
        this(miners, upstreams, silenceMillis, Integer.MAX_VALUE, RelayTap.NONE, null);
    }

    PassthroughRelay(ClientOutbound miners, List<HostPort> upstreams, long silenceMillis, int maxClients,
                     RelayTap tap, RedirectDecisions redirects) {
        this.connector = null;
        this.miners = miners;
        this.tap = tap;
        this.redirects = redirects;
        this.slots = new UpstreamSlots(upstreams, silenceMillis, tap.handshake(), maxClients, this);
    }

    /** The ChildRuntime setup of the stratifier process in {@code -P}, {@code -R} and {@code -N} mode. */
    public static void setup(ChildRuntime rt) {
        List<HostPort> upstreams;
        long silence;
        RelayTap tap = RelayTap.NONE;
        RedirectDecisions redirects = null;
        int maxClients;
        try {
            upstreams = RelayConfig.upstreams(rt.config());
            silence = RelayConfig.seconds(rt.config().raw(), RelayConfig.TIMEOUT_KEY, 90) * 1000;
            maxClients = RelayConfig.maxClients(rt.config().raw());
            if (rt.args().node()) {
                tap = new NodeWatch(new NodeBlockSubmitter(rt.config().btcd()));
                maxClients = Integer.MAX_VALUE; // one link: the node's work arrives on it once
            }
            if (rt.args().redirector()) {
                redirects = new RedirectDecisions(new RedirectTargets(rt.config().redirecturl()),
                        rt.config().dropidle() * 1000L);
            }
        } catch (IllegalArgumentException e) {
            // stay up (a restart would meet the same config) but serve no miners
            Log.crit("%s cannot serve miners: %s", rt.args().redirector() ? "Redirector" : "Passthrough",
                    e.getMessage());
            rt.commands().json("stats", p -> rt.baseStats().put("error", e.getMessage()));
            return;
        }
        PassthroughRelay relay = new PassthroughRelay(upstreams, silence, maxClients, tap, redirects);
        rt.onStream(relay.connector);
        rt.commands().json("stats", p -> relay.stats(rt.baseStats()));
        rt.commands().json("passthrough", p -> relay.stats(Json.object())); // as /api/passthrough
        rt.commands().text("reconnect", r -> {
            relay.reconnectAll("reconnect requested");
            return "success";
        });
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "passthrough-status");
            t.setDaemon(true);
            return t;
        });
        // ckpool's passthrough logs its figures each minute
        String label = rt.args().node() ? "Node" : "Passthrough";
        timer.scheduleAtFixedRate(() -> Log.notice("%s:%s", label, Json.write(relay.stats(Json.object()))), 60,
                60, TimeUnit.SECONDS);
        if (redirects != null && redirects.dropIdleMillis() > 0) {
            timer.scheduleWithFixedDelay(relay::dropOverdue, 1, 1, TimeUnit.SECONDS);
        }
        RelayWebApi web = new RelayWebApi(() -> relay.stats(Json.object()), timer);
        rt.onShutdown(() -> {
            web.close();
            timer.shutdownNow();
            relay.slots.stop();
            relay.tap.stop();
        });
        String connections = maxClients == Integer.MAX_VALUE ? "one upstream connection"
                : "a connection per " + maxClients + " miners";
        Log.notice("%s mode: %d upstream pool(s) %s, upstream_timeout %d s, %s%s", label, upstreams.size(),
                upstreams, silence / 1000, connections, rt.args().node()
                        ? ", submitting solved blocks to " + rt.config().btcd().size() + " btcd" : "");
        if (redirects != null) {
            Log.notice("Redirector mode: miners with an accepted share go to %s; dropidle %d s",
                    redirects.targets().all(), redirects.dropIdleMillis() / 1000);
        }
        relay.slots.start();
        web.start(rt.config().raw());
    }

    private boolean upstreamUp() {
        return slots.anyReady();
    }

    // ---------------------------------------------------------------- miners (connector stream reader thread)

    @Override
    public void connected(long clientId, String address, int serverIndex) {
        routes.add(clientId, ipOf(address), serverIndex);
        slots.place(clientId);
        if (redirects != null) {
            redirects.connected(clientId, ipOf(address), System.currentTimeMillis());
        }
    }

    /** A client an earlier stream knew: if it had a session upstream, that session was on a connection now gone. */
    @Override
    public void resumed(long clientId, String address, int serverIndex) {
        toldToReconnect.incrementAndGet();
        miners.send(clientId, PassthroughLines.RECONNECT);
        miners.drop(clientId, "its upstream session was lost");
    }

    @Override
    public void line(long clientId, String line) {
        ClientRoutes.Route r = routes.byConnector(clientId);
        if (r == null) {
            return; // a resumed client's held lines, after it was dropped
        }
        String up;
        try {
            up = PassthroughLines.upstream(line, r.upstreamId(), r.address(), r.server());
        } catch (IllegalArgumentException e) {
            badLines.incrementAndGet();
            Log.info("Passthrough: client %d sent a bad line (%s), dropping it", clientId, e.getMessage());
            routes.remove(clientId);
            miners.drop(clientId, "bad line: " + e.getMessage());
            return;
        }
        if (redirects != null) {
            redirects.fromMiner(clientId, line, System.currentTimeMillis());
        }
        UpstreamSlots.Slot slot = slots.of(clientId);
        if (slot == null) {
            slot = slots.place(clientId); // its connection was lost or never made: not a miner the relay dropped
        }
        if (!slot.ready() && !slots.anyReady()) {
            // no upstream at all: the loss is being handled, or this stream opened just after it
            upstreamGone("no upstream for a miner's line");
            return;
        }
        switch (slots.send(slot, up)) {
            case SENT, HELD -> {
                linesUp.incrementAndGet();
                tap.fromMiner(r, line);
            }
            case FULL -> sendAway(List.of(clientId), "its upstream connection " + slot.id() + " is not up and"
                    + " holds " + UpstreamSlots.MAX_HELD_LINES + " lines already");
            case DISCARDED -> {
            }
        }
    }

    /** Tells miners to reconnect and drops them (their upstream sessions are gone or never began). */
    private void sendAway(List<Long> ids, String why) {
        for (long id : ids) {
            ClientRoutes.Route r = routes.remove(id);
            slots.release(id);
            if (r != null) {
                tap.minerGone(r);
            }
            miners.send(id, PassthroughLines.RECONNECT);
            miners.drop(id, why);
        }
        toldToReconnect.addAndGet(ids.size());
    }

    @Override
    public void disconnected(long clientId, String reason) {
        if (redirects != null) {
            redirects.disconnected(clientId);
        }
        ClientRoutes.Route r = routes.remove(clientId);
        UpstreamSlots.Slot slot = slots.release(clientId);
        if (r != null) {
            tap.minerGone(r);
        }
        if (r != null && slot != null) {
            slots.sendUnanswered(slot, PassthroughLines.term(r.upstreamId(), r.address(), r.server()));
        }
    }

    /** Redirector mode: drops the miners that have had no share accepted within dropidle of connecting. */
    void dropOverdue() {
        for (long id : redirects.overdue(System.currentTimeMillis())) {
            ClientRoutes.Route r = routes.byConnector(id);
            Log.info("Redirector: client %d from %s had no share accepted within %d s, dropping it", id,
                    r == null ? "?" : r.address(), redirects.dropIdleMillis() / 1000);
            disconnected(id, "dropidle");
            miners.drop(id, "no accepted share within dropidle");
        }
    }

    /** The IP of "ip:port" (IPv6 too), as ckpool puts it in "address". */
    static String ipOf(String address) {
        int colon = address.lastIndexOf(':');
        return colon <= 0 ? address : address.substring(0, colon);
    }

    // ---------------------------------------------------------------- upstream (its reader thread)

    @Override
    public void line(UpstreamConnection c, String line) {
        PassthroughLines.Routed m = PassthroughLines.fromUpstream(line);
        if (m == null && tap.fromUpstream(line)) {
            return;
        }
        ClientRoutes.Route r = m == null ? null : routes.byUpstream(m.clientId());
        if (r == null) {
            unroutable.incrementAndGet();
            Log.debug("Passthrough: upstream line for no miner of ours: %s", line);
            return;
        }
        linesDown.incrementAndGet();
        tap.toMiner(r, m.line());
        miners.send(r.connectorId(), m.line());
        HostPort to = redirects == null ? null
                : redirects.toMiner(r.connectorId(), m.line(), System.currentTimeMillis());
        if (to != null) {
            // after the reply that earned it, as ckpool does
            miners.send(r.connectorId(), PassthroughLines.redirect(to));
            Log.notice("Redirector: client %d from %s redirected to %s", r.connectorId(), r.address(), to);
        }
    }

    /**
     * A connection ended. While another is up only its miners are told to reconnect (and dropped: their sessions
     * were on it); they come back on a connection that is up. With none up, as with a single connection: every
     * miner is told and the connector holds them until an upstream is back.
     */
    @Override
    public void lost(UpstreamSlots.Slot slot, String reason, List<Long> onIt) {
        if (slots.anyReady()) {
            sendAway(onIt, "its upstream connection " + slot.id() + " was lost");
            Log.warning("Passthrough: upstream connection %d lost (%s): its %d miners told to reconnect", slot.id(),
                    reason, onIt.size());
            return;
        }
        tap.upstreamLost();
        Log.warning("Passthrough: upstream lost (%s): %d miners told to reconnect; new miners wait in the connector"
                + " until an upstream is back", reason, upstreamGone("upstream lost: " + reason));
    }

    /** A new connection could not be made: its waiting miners go (to come back on one that is up). */
    @Override
    public void notConnected(UpstreamSlots.Slot slot, String error, List<Long> waiting) {
        if (waiting.isEmpty()) {
            return;
        }
        if (slots.anyReady()) {
            sendAway(waiting, "its upstream connection " + slot.id() + " could not be made: " + error);
            Log.warning("Passthrough: upstream connection %d could not be made (%s): its %d waiting miners told to"
                    + " reconnect", slot.id(), error, waiting.size());
        } else {
            upstreamGone("no upstream reachable: " + error);
        }
    }

    /**
     * Every routed miner is told to reconnect, then the connector stream is flushed and closed (the connector holds
     * its miners until the stream is admitted again, with an upstream). One caller at a time, so that no caller
     * closes the stream before another's reconnect messages are out. Returns how many miners were told.
     */
    private synchronized int upstreamGone(String why) {
        FrameStream s = connector == null ? null : connector.stream();
        if (connector != null && (s == null || !s.isOpen())) {
            return 0; // handled already: the stream's end forgets every route
        }
        int n = reconnectAll(why);
        closeConnectorStream();
        return n;
    }

    /** Sends client.reconnect to every routed miner; how many. */
    int reconnectAll(String why) {
        List<ClientRoutes.Route> all = routes.all();
        for (ClientRoutes.Route r : all) {
            miners.send(r.connectorId(), PassthroughLines.RECONNECT);
        }
        toldToReconnect.addAndGet(all.size());
        Log.info("Passthrough: %d miners told to reconnect (%s)", all.size(), why);
        return all.size();
    }

    private void closeConnectorStream() {
        FrameStream s = connector == null ? null : connector.stream();
        if (s == null || !s.isOpen()) {
            return;
        }
        try {
            s.flush(FLUSH_BEFORE_CLOSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        s.close();
    }

    // ---------------------------------------------------------------- admin

    /** {@code stats}: the upstream link's state and the miners routed over it. */
    ObjectNode stats(ObjectNode base) {
        base.put("mode", redirects == null ? "passthrough" : "redirector");
        base.set("upstream", slots.status());
        base.put("clients", routes.size());
        base.put("max_clients_per_connection", slots.maxClients());
        base.set("connections", slots.connections());
        base.put("connector_connected", connector != null && connector.connected());
        base.put("lines_up", linesUp.get());
        base.put("lines_down", linesDown.get());
        base.put("unroutable", unroutable.get());
        base.put("bad_lines", badLines.get());
        base.put("told_to_reconnect", toldToReconnect.get());
        if (redirects != null) {
            ObjectNode r = base.putObject("redirector");
            var urls = r.putArray("redirecturl");
            redirects.targets().all().forEach(u -> urls.add(u.toString()));
            r.put("dropidle", redirects.dropIdleMillis() / 1000);
            r.put("redirected", redirects.redirects());
            r.put("dropped_idle", redirects.droppedIdle());
            r.put("screening", redirects.screening());
        }
        tap.stats(base);
        return base;
    }

    UpstreamSlots slots() {
        return slots;
    }

    ClientRoutes routes() {
        return routes;
    }
}
