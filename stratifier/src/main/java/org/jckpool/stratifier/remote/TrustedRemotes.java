package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.Authoriser;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.stratifier.link.PassthroughLinks;
import org.jckpool.stratifier.session.WorkerName;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.stats.UserStats;

import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The main pool's side of ckpool's trusted remotes. A connection that sends {@code mining.remote} on one of the
 * {@code trusted} servers (ckpool's rule: trust belongs to the listening address, not to the peer) is answered
 * {@code {"result": true}}, leaves the engine, and from then on its lines are a remote's reports: shares go into
 * the pool's user and worker statistics as if mined here, and with ckdb configured to ckdb; blocks are logged
 * and counted; work bases are counted. A seq at or below the highest one recorded in the {@link RemoteLedger}
 * is a replay and is only acked again. Acks go out from {@link #flush} (the stratifier's timer, each second),
 * after the ledger is written: the connector stream's thread does no file write per share. As ckpool does, a
 * remote's work base ids are remapped into this pool's own id space (the remote's {@code workinfoid} in its
 * {@code workinfo}, {@code share}, {@code shareerr} and {@code block} messages becomes an id taken from this
 * pool's work base ids, the same one for the same remote work base), so ids of two pools never meet in ckdb.
 * {@code mining.remote}
 * anywhere else is refused with an error reply, a notice in the log and the connection closed.
 *
 * <p>Sits in front of the engine on the connector stream, like the passthrough links.
 */
public final class TrustedRemotes {
    private static final byte[] REMOTE_BYTES = ("\"" + RemoteProtocol.REMOTE + "\"").getBytes(StandardCharsets.US_ASCII);

    private record Link(long clientId, String remoteId, String address) {
    }

    private record Conn(String address, int serverIndex) {
    }

    private final Set<Integer> trustedServers;
    private final StatsRegistry stats;
    private final RemoteLedger ledger;
    private final ClientOutbound connector;
    private final LongConsumer leaveEngine;
    private final InstantSource clock;
    private final LongSupplier workIds;
    private final ConcurrentMap<Long, Conn> conns = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, Link> links = new ConcurrentHashMap<>();
    /** Per remote link, the seq to ack at the next flush. */
    private final ConcurrentMap<Long, Long> toAck = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, ObjectNode> ckdb = (id, msg) -> {
    };
    private volatile Supplier<Authoriser> authoriser = () -> null;

    /**
     * @param trustedServers server indexes of the {@code trusted} entries
     * @param leaveEngine    told of a connection that became a remote link, so the engine forgets its session
     * @param workIds        hands out this pool's next work base id (for a remote's work bases)
     */
    public TrustedRemotes(Set<Integer> trustedServers, StatsRegistry stats, RemoteLedger ledger,
                          ClientOutbound connector, LongConsumer leaveEngine, InstantSource clock,
                          LongSupplier workIds) {
        this.trustedServers = Set.copyOf(trustedServers);
        this.stats = stats;
        this.ledger = ledger;
        this.connector = connector;
        this.leaveEngine = leaveEngine;
        this.clock = clock;
        this.workIds = workIds;
    }

    /** Who decides a remote's {@code auth} requests (this pool's own authoriser, ckdb; null: every valid name). */
    public void authoriser(Supplier<Authoriser> a) {
        this.authoriser = a;
    }

    /** Where remote shares, share errors, blocks and work bases go to ckdb (ckdb's message id, then the fields). */
    public void ckdb(BiConsumer<String, ObjectNode> sink) {
        this.ckdb = sink;
    }

    public void connected(long clientId, String address, int serverIndex) {
        if (!PassthroughLinks.isSubClient(clientId)) {
            conns.put(clientId, new Conn(address, serverIndex));
        }
    }

    public void disconnected(long clientId) {
        conns.remove(clientId);
        toAck.remove(clientId);
        Link l = links.remove(clientId);
        if (l != null) {
            boolean another = links.values().stream().anyMatch(o -> o.remoteId.equals(l.remoteId));
            if (!another) {
                ledger.connected(l.remoteId, null, false, 0);
            }
            Log.warning("Trusted remote %s (%s) disconnected", l.remoteId, l.address);
        }
    }

    /** A line from a connection: true when it was a remote's or a mining.remote (handled here). */
    public boolean line(long clientId, String line) {
        if (PassthroughLinks.isSubClient(clientId)) {
            return false; // a miner behind a passthrough is never a remote: the engine answers what it sends
        }
        Link l = links.get(clientId);
        if (l != null) {
            report(l, Json.parseOrNull(line));
            return true;
        }
        if (line.contains(RemoteProtocol.REMOTE)) {
            return hello(clientId, Json.parseOrNull(line));
        }
        Conn c = conns.get(clientId);
        if (c != null && trustedServers.contains(c.serverIndex()) && isReport(Json.parseOrNull(line))) {
            // a remote whose link this stratifier does not know (it restarted under a kept connection): closing
            // makes the remote reconnect, say mining.remote and replay what was not acked
            Log.notice("Trusted server client %s (%s) sent a remote report without mining.remote, closing it",
                    clientId, c.address());
            connector.drop(clientId, "remote report before mining.remote");
            return true;
        }
        return false;
    }

    private static boolean isReport(JsonNode n) {
        String m = n == null ? "" : n.path("method").asText("");
        return switch (m) {
            case RemoteProtocol.SHARE, RemoteProtocol.SHAREERR, RemoteProtocol.WORKINFO, RemoteProtocol.BLOCK,
                 RemoteProtocol.WORKERSTATS, RemoteProtocol.WORKERS, RemoteProtocol.PING, RemoteProtocol.AUTH -> true;
            default -> false;
        };
    }

    /** As above for a line still in its UTF-8 bytes. */
    public boolean line(long clientId, byte[] buf, int off, int len) {
        if (PassthroughLinks.isSubClient(clientId) || !links.containsKey(clientId)
                && !contains(buf, off, len, REMOTE_BYTES) && !onTrustedServer(clientId)) {
            return false;
        }
        return line(clientId, new String(buf, off, len, StandardCharsets.UTF_8));
    }

    private boolean onTrustedServer(long clientId) {
        if (trustedServers.isEmpty()) {
            return false;
        }
        Conn c = conns.get(clientId);
        return c != null && trustedServers.contains(c.serverIndex());
    }

    private boolean hello(long clientId, JsonNode n) {
        if (n == null || !RemoteProtocol.REMOTE.equals(n.path("method").asText())) {
            return false;
        }
        Conn c = conns.get(clientId);
        String address = c == null ? "?" : c.address();
        if (c == null || !trustedServers.contains(c.serverIndex())) {
            Log.notice("Refusing mining.remote from %s (client %s) on server %s: not a trusted server", address,
                    clientId, c == null ? "?" : c.serverIndex());
            JsonNode id = n.get("id");
            connector.send(clientId, RemoteProtocol.refused(id == null ? "null" : id.toString()));
            connector.drop(clientId, "mining.remote on an untrusted server");
            return true;
        }
        JsonNode params = n.path("params");
        String agent = params.path(0).asText("");
        // ckpool's remote sends only its package/version: it is known by its address and not deduplicated
        String remoteId = params.path(1).isTextual() && !params.path(1).asText().isBlank()
                ? params.path(1).asText() : "address:" + address;
        Link l = new Link(clientId, remoteId, address);
        for (Link old : links.values()) {
            if (old.remoteId.equals(remoteId)) {
                // the remote reconnected while its old connection looks open here (a half-open TCP connection)
                Log.notice("Trusted remote %s connected again from %s: closing its older connection %s", remoteId,
                        address, old.clientId);
                connector.drop(old.clientId, "trusted remote connected again");
            }
        }
        links.put(clientId, l);
        leaveEngine.accept(clientId);
        ledger.connected(remoteId, address, true, clock.millis() / 1000);
        connector.send(clientId, RemoteProtocol.ACCEPTED);
        long seq = ledger.seq(remoteId);
        if (seq > 0) {
            toAck.merge(clientId, seq, Math::max);
        }
        Log.warning("Trusted remote %s (%s, %s) connected on server %d, accounted up to seq %d", remoteId, address,
                agent, c.serverIndex(), seq);
        return true;
    }

    private void report(Link l, JsonNode n) {
        if (!(n instanceof ObjectNode msg) || !msg.path("method").isTextual()) {
            Log.warning("Trusted remote %s sent a line that is not a message with a method, ignored", l.remoteId);
            return;
        }
        String method = msg.get("method").asText();
        if (RemoteProtocol.PING.equals(method)) {
            connector.send(l.clientId, RemoteProtocol.PONG);
            return;
        }
        if (RemoteProtocol.AUTH.equals(method)) {
            auth(l, msg);
            return;
        }
        long seq = msg.path("seq").asLong(0);
        if (seq > 0 && seq <= ledger.seq(l.remoteId)) {
            Log.debug("Trusted remote %s replayed seq %d, already accounted", l.remoteId, seq);
            ledger.replayed(l.remoteId);
            toAck.merge(l.clientId, ledger.seq(l.remoteId), Math::max);
            return;
        }
        long now = clock.millis();
        remapWorkinfoId(l, msg, method);
        double diff = 0;
        long height = 0;
        switch (method) {
            case RemoteProtocol.SHARE -> diff = share(l, msg, now);
            case RemoteProtocol.SHAREERR -> shareError(l, msg, now);
            case RemoteProtocol.BLOCK -> block(l, msg);
            case RemoteProtocol.WORKINFO -> {
                height = msg.path("height").asLong();
                toCkdb("workinfo", msg);
            }
            case RemoteProtocol.WORKERSTATS -> toCkdb("workerstats", msg);
            case RemoteProtocol.WORKERS -> Log.debug("Trusted remote %s: user %s has %s workers", l.remoteId,
                    msg.path("username").asText(), msg.path("workers").asText());
            default -> Log.warning("Trusted remote %s sent unrecognised method %s", l.remoteId, method);
        }
        if (diff < 0) {
            return; // malformed: logged, not counted, not acked (the remote keeps it and an operator can look)
        }
        ledger.record(l.remoteId, seq, method, diff, height);
        if (seq > 0) {
            toAck.merge(l.clientId, seq, Math::max);
        }
    }

    /**
     * A remote miner's {@code mining.authorize}, decided as this pool decides its own miners' (worker name, then
     * the authoriser, ckdb), answered with {@code auth.result}. As in ckpool, the remote's {@code clientid} comes
     * back as {@code client_id}; an allowed user counts as authorised here.
     */
    private void auth(Link l, ObjectNode msg) {
        JsonNode id = msg.get("id");
        long clientId = msg.path("clientid").asLong(0);
        String worker = msg.path("params").path(0).asText("");
        String problem = WorkerName.problem(worker);
        if (problem != null) {
            connector.send(l.clientId, RemoteProtocol.authResult(id, clientId, false, problem));
            return;
        }
        String user = WorkerName.user(worker);
        Authoriser a = authoriser.get();
        if (a == null) {
            authDecided(l, id, clientId, worker, user, Authoriser.Decision.allow(0));
            return;
        }
        // a ckpool upstream keys the remote's miner as (link id << 32) | clientid: the authoriser sees that id
        long subId = (l.clientId << 32) | (clientId & 0xffffffffL);
        try {
            a.authorise(new Authoriser.Request(subId, user, worker, msg.path("useragent").asText(""),
                            msg.path("address").asText(l.address), msg.path("params").path(1).asText(""),
                            id == null ? "null" : id.toString(), msg.path("enonce1").asText("")),
                    d -> authDecided(l, id, clientId, worker, user, d));
        } catch (RuntimeException e) {
            Log.err("authoriser failed for remote %s worker %s: %s", l.remoteId, worker, e);
            authDecided(l, id, clientId, worker, user, Authoriser.Decision.refuse("Authorisation failed"));
        }
    }

    private void authDecided(Link l, JsonNode id, long clientId, String worker, String user,
                             Authoriser.Decision d) {
        boolean ok = d != null && d.allowed();
        if (ok) {
            stats.user(user, clock.millis()).authorised(clock.millis());
            Log.info("Authorised worker %s of trusted remote %s", worker, l.remoteId);
        } else {
            Log.info("Refused worker %s of trusted remote %s: %s", worker, l.remoteId,
                    d == null ? "no decision" : d.reason());
        }
        if (links.containsKey(l.clientId)) {
            connector.send(l.clientId, RemoteProtocol.authResult(id, clientId, ok,
                    ok ? null : d == null || d.reason() == null ? "Unauthorised worker" : d.reason()));
        }
    }

    private void remapWorkinfoId(Link l, ObjectNode msg, String method) {
        switch (method) {
            case RemoteProtocol.WORKINFO, RemoteProtocol.SHARE, RemoteProtocol.SHAREERR, RemoteProtocol.BLOCK -> {
                JsonNode id = msg.get("workinfoid");
                if (id != null && id.canConvertToLong()) {
                    msg.put("workinfoid", ledger.workinfoId(l.remoteId, id.asLong(), workIds));
                } else if (id != null) {
                    Log.warning("Trusted remote %s: %s with workinfoid %s, not a number; passed on unchanged",
                            l.remoteId, method, id);
                }
            }
            default -> {
            }
        }
    }

    /** Writes the ledger when it changed, then acks to each remote what it now holds. */
    public void flush() {
        if (toAck.isEmpty()) {
            ledger.save();
            return;
        }
        Map<Long, Long> due = Map.copyOf(toAck); // recorded before they were put here, so in what save() writes
        if (!ledger.save()) {
            return;
        }
        due.forEach((clientId, seq) -> {
            toAck.remove(clientId, seq);
            if (links.containsKey(clientId)) {
                connector.send(clientId, RemoteProtocol.ack(seq));
            }
        });
    }

    /** Returns the share's difficulty, or -1 when the message cannot be accounted. */
    private double share(Link l, ObjectNode msg, long now) {
        String worker = msg.path("workername").asText("");
        double diff = msg.path("diff").asDouble(-1);
        if (worker.isEmpty() || !(diff > 0)) {
            Log.warning("Trusted remote %s: share without a workername or a positive diff, not counted: %s",
                    l.remoteId, msg);
            return -1;
        }
        String user = msg.path("username").asText(WorkerName.user(worker));
        UserStats u = stats.user(user, now);
        if (msg.has("result") && !msg.path("result").asBoolean()) {
            stats.rejected(u, u.worker(worker, now), diff, msg.path("reject-reason").asText("remote reject"), now);
            return 0;
        }
        stats.accepted(u, u.worker(worker, now), diff, msg.path("sdiff").asDouble(diff), now);
        toCkdb("shares", msg);
        return diff;
    }

    private void shareError(Link l, ObjectNode msg, long now) {
        String worker = msg.path("workername").asText("");
        if (worker.isEmpty()) {
            Log.warning("Trusted remote %s: shareerr without a workername: %s", l.remoteId, msg);
            return;
        }
        UserStats u = stats.user(msg.path("username").asText(WorkerName.user(worker)), now);
        stats.rejected(u, u.worker(worker, now), msg.path("diff").asDouble(0),
                msg.path("error").asText("remote error"), now);
        toCkdb("shareerror", msg);
    }

    private void block(Link l, ObjectNode msg) {
        Log.warning("Block %d solved by %s @ %s! (%s)", msg.path("height").asLong(),
                msg.path("workername").asText("?"), msg.path("name").asText(l.remoteId),
                msg.path("blockhash").asText(""));
        toCkdb("block", msg);
    }

    private void toCkdb(String id, ObjectNode msg) {
        ObjectNode copy = msg.deepCopy();
        copy.remove("method");
        copy.remove("seq");
        try {
            ckdb.accept(id, copy);
        } catch (RuntimeException e) {
            Log.err("remote %s to ckdb: %s", id, e);
        }
    }

    public ObjectNode json() {
        return ledger.json();
    }

    private static boolean contains(byte[] buf, int off, int len, byte[] needle) {
        outer:
        for (int i = off; i <= off + len - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
