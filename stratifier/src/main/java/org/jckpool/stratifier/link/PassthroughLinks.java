package org.jckpool.stratifier.link;

import org.jckpool.libpool.log.Log;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.stratifier.engine.ClientOutbound;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * The upstream side of ckpool's {@code mining.passthrough}. A downstream ckpool {@code -P} sends
 * {@code {"method":"mining.passthrough","params":["ckpool/<version>"]}} (no id; one with an id is served alike), gets {@code {"result": true}} (no id, as ckpool's
 * connector writes it), and from then on forwards its miners' lines over that one connection, each with its
 * miner's id added as {@code "client_id"} (and the miner's {@code "address"} and {@code "server"}). Each miner
 * becomes a sub-client of the engine under an id of its own (negative, so never a connector id): a real client
 * with vardiff and statistics. What the engine sends a sub-client goes down the link with {@code "client_id"}
 * added; broadcasts are copied to every subscribed sub-client. {@code mining.term} with a {@code client_id}
 * (ckpool's downstream sends it when a miner disconnects) or the link's end drops sub-clients.
 *
 * <p>Sits between the connector stream and the engine: {@link ClientOutbound} for the engine, and
 * {@link #line}/{@link #disconnected} for the connector's events before they reach the engine.
 */
public final class PassthroughLinks implements ClientOutbound {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** ckpool connector's exact reply to mining.passthrough. */
    public static final String ACCEPTED = "{\"result\": true}";
    static final String TERM = "mining.term";

    record Link(long id, String address, int serverIndex, boolean node, long since,
                ConcurrentMap<Long, Long> subByDownstreamId) {
    }

    record SubClient(long id, Link link, long downstreamId, String address) {
    }

    private final ClientOutbound connector;
    private final ClientEvents engine;
    /** Mining nodes' bulk lines (transactions, workinfos), paced by the connector's drain reports. */
    private final LinkPacer pacer;
    private final ConcurrentMap<Long, Link> links = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, SubClient> subs = new ConcurrentHashMap<>();
    private final Set<Long> subscribed = ConcurrentHashMap.newKeySet();
    private final AtomicLong lastSubId = new AtomicLong();
    private volatile Set<Integer> nodeServers = Set.of();
    private volatile LongConsumer nodeAdded = id -> { };
    /** Counts changes the restart snapshot must see (links, sub-clients, subscriptions); moved after each change. */
    private final AtomicLong changes = new AtomicLong();
    private final PassthroughRestart restart;

    /**
     * @param connector where lines for real connections go
     * @param engine    who hears of sub-clients connecting, their lines and their end
     */
    public PassthroughLinks(ClientOutbound connector, ClientEvents engine) {
        this.connector = connector;
        this.engine = engine;
        this.pacer = new LinkPacer(connector);
        this.restart = new PassthroughRestart(links, subs, subscribed, lastSubId, changes, connector, engine);
    }

    /**
     * The server indexes (positions in serverurl + nodeserver) on which {@code mining.node} is allowed, and who
     * hears of each node link added (it is sent the transactions it needs).
     */
    public void nodes(Set<Integer> serverIndexes, LongConsumer added) {
        this.nodeServers = Set.copyOf(serverIndexes);
        this.nodeAdded = added;
    }

    public static boolean isSubClient(long clientId) {
        return clientId < 0;
    }

    // ---------------------------------------------------------------- from the connector

    /** A line from a connection: true when it was a passthrough link's (handled here), false for the engine. */
    public boolean line(long clientId, byte[] buf, int off, int len) {
        Link link = links.get(clientId);
        if (link == null) {
            return restart.firstLineWatched(clientId)
                    && restart.lostLink(clientId, new String(buf, off, len, StandardCharsets.UTF_8));
        }
        JsonNode n;
        try {
            n = JSON.readTree(buf, off, len);
        } catch (IOException e) {
            n = null;
        }
        onLinkLine(link, n);
        return true;
    }

    /** As above for a line as text. */
    public boolean line(long clientId, String line) {
        Link link = links.get(clientId);
        if (link == null) {
            return restart.firstLineWatched(clientId) && restart.lostLink(clientId, line);
        }
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            n = null;
        }
        onLinkLine(link, n);
        return true;
    }

    private void onLinkLine(Link link, JsonNode n) {
        if (!(n instanceof ObjectNode msg) || !msg.path("client_id").canConvertToLong()) {
            Log.info("passthrough %s sent a line without a client_id, ignored", link.id);
            return;
        }
        long downstreamId = msg.remove("client_id").asLong();
        JsonNode address = msg.remove("address");
        msg.remove("server");
        if (TERM.equals(msg.path("method").asText())) {
            Long sub = link.subByDownstreamId.get(downstreamId);
            if (sub != null) {
                endSub(sub, "passthrough sub-client terminated");
            }
            return;
        }
        Long known = link.subByDownstreamId.get(downstreamId);
        long sub = known != null ? known : link.subByDownstreamId.computeIfAbsent(downstreamId, d -> newSub(link, d,
                address != null && address.isTextual() ? address.asText() : link.address));
        if (known == null) {
            changes.incrementAndGet(); // after the sub-client is in its link: the snapshot reads it from there
        }
        engine.line(sub, msg.toString());
    }

    private long newSub(Link link, long downstreamId, String address) {
        long id = -lastSubId.incrementAndGet();
        subs.put(id, new SubClient(id, link, downstreamId, address));
        Log.debug("passthrough %s client %s is sub-client %s", link.id, downstreamId, id);
        engine.connected(id, address, link.serverIndex);
        return id;
    }

    /** A connection ended: a link takes its sub-clients with it. The engine still hears of the connection. */
    public void disconnected(long clientId) {
        restart.forget(clientId);
        pacer.forget(clientId);
        Link link = links.remove(clientId);
        if (link == null) {
            return;
        }
        changes.incrementAndGet();
        Log.info("passthrough %s closed with %s clients", clientId, link.subByDownstreamId.size());
        for (Long sub : link.subByDownstreamId.values()) {
            endSub(sub, "passthrough closed");
        }
    }

    private void endSub(long id, String reason) {
        SubClient sc = subs.remove(id);
        if (sc == null) {
            return;
        }
        sc.link.subByDownstreamId.remove(sc.downstreamId, id);
        subscribed.remove(id);
        changes.incrementAndGet();
        engine.disconnected(id, reason);
    }

    // ---------------------------------------------------------------- from the engine

    @Override
    public void send(long clientId, String line) {
        if (!isSubClient(clientId)) {
            connector.send(clientId, line);
            return;
        }
        SubClient sc = subs.get(clientId);
        if (sc != null) {
            connector.send(sc.link.id, withClientId(line, sc.downstreamId));
        }
    }

    @Override
    public void broadcast(String line) {
        connector.broadcast(line);
        for (Long id : subscribed) {
            SubClient sc = subs.get(id);
            if (sc != null) {
                connector.send(sc.link.id, withClientId(line, sc.downstreamId));
            }
        }
    }

    /**
     * A sub-client cannot be closed alone (ckpool's passthrough has no message for it): it is forgotten, and a
     * later line from that miner starts a new session.
     */
    @Override
    public void drop(long clientId, String reason) {
        if (!isSubClient(clientId)) {
            connector.drop(clientId, reason);
            return;
        }
        Log.info("passthrough sub-client %s dropped: %s", clientId, reason);
        endSub(clientId, reason);
    }

    @Override
    public void subscribed(long clientId) {
        if (!isSubClient(clientId)) {
            connector.subscribed(clientId);
        } else if (subs.containsKey(clientId) && subscribed.add(clientId)) {
            changes.incrementAndGet();
        }
    }

    @Override
    public void passthrough(long clientId, String address, int serverIndex) {
        if (isSubClient(clientId)) {
            drop(clientId, "passthrough inside a passthrough");
            return;
        }
        links.put(clientId, new Link(clientId, address, serverIndex, false, System.currentTimeMillis() / 1000,
                new ConcurrentHashMap<>()));
        changes.incrementAndGet();
        connector.send(clientId, ACCEPTED);
    }

    /**
     * ckpool's mining.node: only on a {@code nodeserver} port (as ckpool, a node asking elsewhere is dropped). The
     * link then carries its miners as a passthrough's, and also gets {@link #toNodes} lines.
     */
    @Override
    public void node(long clientId, String address, int serverIndex) {
        if (isSubClient(clientId)) {
            drop(clientId, "mining node inside a passthrough");
            return;
        }
        if (!nodeServers.contains(serverIndex)) {
            Log.notice("Dropping client %s %s trying to authorise as node on non node server %s", clientId, address,
                    serverIndex);
            connector.drop(clientId, "mining.node on a port that is not a nodeserver");
            return;
        }
        links.put(clientId, new Link(clientId, address, serverIndex, true, System.currentTimeMillis() / 1000,
                new ConcurrentHashMap<>()));
        changes.incrementAndGet();
        connector.send(clientId, ACCEPTED);
        Log.warning("Added client %s %s as mining node on server %s", clientId, address, serverIndex);
        nodeAdded.accept(clientId);
    }

    /** A line (no client_id) to every mining node link; how many got it. */
    public int toNodes(String line) {
        return toNodes(line, Long.MIN_VALUE);
    }

    /** As {@link #toNodes(String)}, except to the link {@code skipLink}. */
    public int toNodes(String line, long skipLink) {
        int n = 0;
        for (Link l : links.values()) {
            if (l.node && l.id != skipLink) {
                pacer.send(l.id, line);
                n++;
            }
        }
        return n;
    }

    /** The link a sub-client came through, or {@link Long#MIN_VALUE} (a connection of its own). */
    public long linkOf(long clientId) {
        SubClient sc = isSubClient(clientId) ? subs.get(clientId) : null;
        return sc == null ? Long.MIN_VALUE : sc.link.id;
    }

    /** A line (no client_id) to one link. */
    public void toLink(long linkId, String line) {
        if (links.containsKey(linkId)) {
            pacer.send(linkId, line);
        }
    }

    /** The connector wrote everything queued for a connection: a node link's paced lines go on. */
    public void drained(long clientId) {
        pacer.drained(clientId);
    }

    /** A node link's bulk bytes waiting for the connector to drain (see {@link LinkPacer}). */
    public long pacedWaitingBytes(long linkId) {
        return pacer.waitingBytes(linkId);
    }

    /** Whether any mining node is linked. */
    public boolean hasNodes() {
        for (Link l : links.values()) {
            if (l.node) {
                return true;
            }
        }
        return false;
    }

    /** The line (a JSON object) with {@code "client_id":downstreamId} added at its end. */
    static String withClientId(String line, long downstreamId) {
        int end = line.lastIndexOf('}');
        if (end < 0) {
            return line;
        }
        boolean empty = line.substring(0, end).trim().endsWith("{");
        return line.substring(0, end) + (empty ? "" : ",") + "\"client_id\":" + downstreamId + line.substring(end);
    }

    /**
     * The live links for /api/passthrough: {@code id} (the link's client id), {@code address} (the downstream
     * instance's ip:port), {@code server} (port index), {@code clients} (its miners here), {@code mode}
     * ({@code passthrough} or {@code node}), {@code since} (Unix s).
     */
    public com.fasterxml.jackson.databind.node.ArrayNode status() {
        var out = JSON.createArrayNode();
        new java.util.TreeMap<>(links).values().forEach(l -> out.addObject().put("id", l.id())
                .put("address", l.address()).put("server", l.serverIndex()).put("clients", l.subByDownstreamId().size())
                .put("mode", l.node() ? "node" : "passthrough").put("since", l.since()));
        return out;
    }

    /**
     * {@code downstreams}: each live link (a ckpool -P or -N in front of this pool), as {@link #status}, and
     * {@code paced_pauses}: how often a node's bulk lines waited for the connector to drain (since the start).
     */
    public ObjectNode describe() {
        ObjectNode o = JSON.createObjectNode();
        o.set("downstreams", status());
        o.put("paced_pauses", pacer.pauses());
        return o;
    }

    /** Live links and their sub-client counts (for stats). */
    public Map<Long, Integer> links() {
        Map<Long, Integer> out = new java.util.TreeMap<>();
        links.forEach((id, l) -> out.put(id, l.subByDownstreamId.size()));
        return out;
    }

    // ---------------------------------------------------------------- restart snapshot (kept by PassthroughRestart)

    /** Moves whenever something {@link #snapshot} returns changed. */
    public long changes() {
        return changes.get();
    }

    /**
     * The links for the restart snapshot: per link its connection id, address, server index, mode, since and
     * sub-clients ({@code [downstream id, sub-client id, address, subscribed]}), and the last sub-client id given
     * out. Links restored but not yet resumed are kept in it (a second restart soon after the first keeps them).
     */
    public ObjectNode snapshot() {
        return restart.snapshot();
    }

    /**
     * At start, before the connector stream: the links of the previous run wait for their connections to be
     * reported resumed ({@link #resumed}); sub-client ids go on from the last one given out, so that a restored
     * sub-client's id (its engine session waits under it) is never given to another miner.
     */
    public void restore(JsonNode saved) {
        restart.restore(saved);
    }

    /**
     * A connection the connector kept through a restart. When it was a link, the link is back with its
     * sub-clients, each resumed in the engine (its restored session: same extranonce1, difficulty, worker), and
     * true is returned: the connection itself is no client of the engine. Otherwise false, and its first line is
     * watched for a passthrough line of a link this stratifier does not know ({@link PassthroughRestart#lostLink}).
     */
    public boolean resumed(long clientId) {
        return restart.resumed(clientId);
    }
}
