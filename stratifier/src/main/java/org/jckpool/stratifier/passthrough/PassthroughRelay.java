package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.suite.config.PoolConfig;
import org.jckpool.suite.config.ProxyConfig;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.suite.process.ChildRuntime;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.stratifier.link.ClientEvents;
import org.jckpool.stratifier.link.ConnectorLink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ckpool -P}: the stratifier process as a passthrough relay (no work, no share checks). The connector
 * stream ({@link ConnectorLink}, as in pool mode) brings the miners' lines; each goes up the one upstream
 * connection with the miner's own {@code client_id} ({@link ClientRoutes}), and each upstream line comes back to
 * the miner its {@code client_id} names. A miner that leaves is ended upstream with {@code mining.term}.
 *
 * <p>Upstream loss: every routed miner is sent {@code client.reconnect} and the connector stream is closed and
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
public final class PassthroughRelay implements ClientEvents, UpstreamKeeper.Events {
    static final String TIMEOUT_KEY = "upstream_timeout";
    private static final long FLUSH_BEFORE_CLOSE_MS = 2_000;

    private final ClientOutbound miners;
    private final ConnectorLink connector;
    private final ClientRoutes routes = new ClientRoutes();
    private final UpstreamKeeper keeper;
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
    PassthroughRelay(List<HostPort> upstreams, long silenceMillis, RelayTap tap, RedirectDecisions redirects) {
        this.connector = new ConnectorLink(this, this::upstreamUp);
        this.miners = connector;
        this.tap = tap;
        this.redirects = redirects;
        this.keeper = new UpstreamKeeper(upstreams, silenceMillis, this, tap.handshake());
    }

    /** For tests: miners reached through {@code miners}, nothing listening for a connector. */
    PassthroughRelay(ClientOutbound miners, List<HostPort> upstreams, long silenceMillis) {
        this(miners, upstreams, silenceMillis, RelayTap.NONE, null);
    }

    PassthroughRelay(ClientOutbound miners, List<HostPort> upstreams, long silenceMillis, RelayTap tap,
                     RedirectDecisions redirects) {
        this.connector = null;
        this.miners = miners;
        this.tap = tap;
        this.redirects = redirects;
        this.keeper = new UpstreamKeeper(upstreams, silenceMillis, this, tap.handshake());
    }

    /** The ChildRuntime setup of the stratifier process in {@code -P}, {@code -R} and {@code -N} mode. */
    public static void setup(ChildRuntime rt) {
        List<HostPort> upstreams;
        long silence;
        RelayTap tap = RelayTap.NONE;
        RedirectDecisions redirects = null;
        try {
            upstreams = upstreams(rt.config());
            silence = seconds(rt.config().raw(), TIMEOUT_KEY, 90) * 1000;
            if (rt.args().node()) {
                tap = new NodeWatch(new NodeBlockSubmitter(rt.config().btcd()));
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
        PassthroughRelay relay = new PassthroughRelay(upstreams, silence, tap, redirects);
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
            relay.keeper.stop();
            relay.tap.stop();
        });
        Log.notice("%s mode: %d upstream pool(s) %s, upstream_timeout %d s%s", label, upstreams.size(), upstreams,
                silence / 1000, rt.args().node() ? ", submitting solved blocks to " + rt.config().btcd().size()
                        + " btcd" : "");
        if (redirects != null) {
            Log.notice("Redirector mode: miners with an accepted share go to %s; dropidle %d s",
                    redirects.targets().all(), redirects.dropIdleMillis() / 1000);
        }
        relay.keeper.start();
        web.start(rt.config().raw());
    }

    static List<HostPort> upstreams(PoolConfig cfg) {
        List<HostPort> out = new ArrayList<>();
        for (ProxyConfig p : cfg.proxy()) {
            HostPort hp = HostPort.parse(p.url());
            if (hp == null) {
                throw new IllegalArgumentException("config key \"proxy\" url \"" + p.url() + "\": not host:port");
            }
            out.add(hp);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no \"proxy\" entries: passthrough mode needs its upstream pool there");
        }
        return out;
    }

    private static long seconds(JsonNode raw, String key, long dflt) {
        JsonNode v = raw == null ? null : raw.get(key);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.canConvertToLong() || v.asLong() < 1) {
            throw new IllegalArgumentException("config key \"" + key + "\" = " + v + ": must be a whole number of"
                    + " seconds ≥ 1");
        }
        return v.asLong();
    }

    private boolean upstreamUp() {
        UpstreamConnection c = keeper.current();
        return c != null && c.isOpen();
    }

    // ---------------------------------------------------------------- miners (connector stream reader thread)

    @Override
    public void connected(long clientId, String address, int serverIndex) {
        routes.add(clientId, ipOf(address), serverIndex);
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
        UpstreamConnection c = keeper.current();
        if (c != null && c.send(up)) {
            linesUp.incrementAndGet();
            tap.fromMiner(r, line);
            return;
        }
        // no upstream (the line is not answered): the loss is being handled, or this stream opened just after it
        upstreamGone("no upstream for a miner's line");
    }

    @Override
    public void disconnected(long clientId, String reason) {
        if (redirects != null) {
            redirects.disconnected(clientId);
        }
        ClientRoutes.Route r = routes.remove(clientId);
        UpstreamConnection c = keeper.current();
        if (r != null) {
            tap.minerGone(r);
        }
        if (r != null && c != null) {
            c.sendUnanswered(PassthroughLines.term(r.upstreamId(), r.address(), r.server()));
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
    public void up(UpstreamConnection c, int index) {
        // the connector retries its stream every 100 ms while it holds miners, and is admitted now
    }

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

    @Override
    public void closed(UpstreamConnection c, String reason) {
        tap.upstreamLost();
        Log.warning("Passthrough: upstream lost (%s): %d miners told to reconnect; new miners wait in the connector"
                + " until an upstream is back", reason, upstreamGone("upstream lost: " + reason));
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
        base.set("upstream", keeper.status());
        base.put("clients", routes.size());
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

    UpstreamKeeper keeper() {
        return keeper;
    }

    ClientRoutes routes() {
        return routes;
    }
}
