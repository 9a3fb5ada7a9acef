package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.ClientOutbound;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.jckpool.stratifier.link.PassthroughLinks.isSubClient;

/**
 * The restart snapshot part of {@link PassthroughLinks}: its links and sub-clients written out, read back at start,
 * and each link brought back when the connector reports its connection resumed. Works on the tables it is given
 * (those of its {@link PassthroughLinks}); moves {@code changes} after each change the snapshot must see.
 */
final class PassthroughRestart {
    /** How long links restored from the restart snapshot wait for the connector to report them resumed. */
    static final long RESUME_WAIT_MILLIS = 30_000;

    private final ConcurrentMap<Long, PassthroughLinks.Link> links;
    private final ConcurrentMap<Long, PassthroughLinks.SubClient> subs;
    private final Set<Long> subscribed;
    private final AtomicLong lastSubId;
    private final AtomicLong changes;
    private final ClientOutbound connector;
    private final ClientEvents engine;
    /** Links of the previous run, until the connector reports their connection resumed. */
    private final ConcurrentMap<Long, JsonNode> awaitingResume = new ConcurrentHashMap<>();
    private volatile long restoredAtMillis;
    /** Resumed connections that were no link here: the first line tells whether a downstream lost its link. */
    private final Set<Long> resumedUnknown = ConcurrentHashMap.newKeySet();

    PassthroughRestart(ConcurrentMap<Long, PassthroughLinks.Link> links,
                       ConcurrentMap<Long, PassthroughLinks.SubClient> subs, Set<Long> subscribed,
                       AtomicLong lastSubId, AtomicLong changes, ClientOutbound connector, ClientEvents engine) {
        this.links = links;
        this.subs = subs;
        this.subscribed = subscribed;
        this.lastSubId = lastSubId;
        this.changes = changes;
        this.connector = connector;
        this.engine = engine;
    }

    /** See {@link PassthroughLinks#snapshot}. */
    ObjectNode snapshot() {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("last_sub", lastSubId.get());
        var arr = o.putArray("links");
        for (PassthroughLinks.Link l : links.values()) {
            ObjectNode lo = arr.addObject().put("id", l.id()).put("address", l.address())
                    .put("server", l.serverIndex()).put("node", l.node()).put("since", l.since());
            var sa = lo.putArray("subs");
            l.subByDownstreamId().forEach((downstreamId, subId) -> {
                PassthroughLinks.SubClient sc = subs.get(subId);
                if (sc != null) {
                    sa.addArray().add(downstreamId).add(subId).add(sc.address()).add(subscribed.contains(subId));
                }
            });
        }
        if (!awaitingResume.isEmpty()) {
            if (System.currentTimeMillis() - restoredAtMillis > RESUME_WAIT_MILLIS) {
                awaitingResume.clear(); // their connections are gone: the connector reports the kept ones at once
                changes.incrementAndGet();
            } else {
                awaitingResume.values().forEach(arr::add);
            }
        }
        return o;
    }

    /** See {@link PassthroughLinks#restore}. */
    void restore(JsonNode saved) {
        if (saved == null || !saved.path("links").isArray()) {
            Log.warning("Restart snapshot: passthrough links unreadable, none restored");
            return;
        }
        long last = saved.path("last_sub").asLong(0);
        restoredAtMillis = System.currentTimeMillis();
        for (JsonNode l : saved.get("links")) {
            if (!l.path("id").canConvertToLong() || isSubClient(l.get("id").asLong())) {
                Log.warning("Restart snapshot: passthrough link entry %s unusable, skipped", l);
                continue;
            }
            awaitingResume.put(l.get("id").asLong(), l);
            for (JsonNode sub : l.path("subs")) {
                last = Math.max(last, -sub.path(1).asLong(0));
            }
        }
        lastSubId.accumulateAndGet(last, Math::max);
        if (!awaitingResume.isEmpty()) {
            Log.notice("Restart snapshot: %d passthrough/node links wait for their connections",
                    awaitingResume.size());
        }
    }

    /** See {@link PassthroughLinks#resumed}. */
    boolean resumed(long clientId) {
        if (isSubClient(clientId)) {
            return false;
        }
        JsonNode saved = awaitingResume.remove(clientId);
        if (saved == null) {
            resumedUnknown.add(clientId);
            return false;
        }
        PassthroughLinks.Link link = new PassthroughLinks.Link(clientId, saved.path("address").asText(""),
                saved.path("server").asInt(), saved.path("node").asBoolean(), saved.path("since").asLong(),
                new ConcurrentHashMap<>());
        links.put(clientId, link);
        int n = 0;
        for (JsonNode sub : saved.path("subs")) {
            long downstreamId = sub.path(0).asLong();
            long subId = sub.path(1).asLong();
            if (!isSubClient(subId) || subs.containsKey(subId)) {
                continue;
            }
            String address = sub.path(2).asText(link.address());
            subs.put(subId, new PassthroughLinks.SubClient(subId, link, downstreamId, address));
            link.subByDownstreamId().put(downstreamId, subId);
            engine.resumed(subId, address, link.serverIndex());
            if (sub.path(3).asBoolean()) {
                subscribed.add(subId);
            }
            n++;
        }
        changes.incrementAndGet();
        Log.notice("%s link %s (%s) resumed with %d clients", link.node() ? "Mining node" : "Passthrough", clientId,
                link.address(), n);
        return true;
    }

    /** Whether {@code clientId} is a resumed connection whose first line is still to be looked at (it is now). */
    boolean firstLineWatched(long clientId) {
        return !resumedUnknown.isEmpty() && resumedUnknown.remove(clientId);
    }

    /** The connection ended: its first line is no longer awaited. */
    void forget(long clientId) {
        resumedUnknown.remove(clientId);
    }

    /**
     * The first line of a connection kept through a restart that this stratifier knows as no link: one carrying a
     * {@code client_id} comes from a downstream whose link was not in the snapshot (it linked just before the
     * restart, or the snapshot was lost). Closing it makes the downstream connect and link again; served as a
     * plain client, its miners' lines would be misread. True when closed.
     */
    boolean lostLink(long clientId, String line) {
        JsonNode n = Json.parseOrNull(line);
        if (n == null || !n.has("client_id")) {
            return false;
        }
        Log.notice("Client %s sent a passthrough line (client_id) but its link was not kept across the restart: "
                + "closing it so that the downstream links again", clientId);
        connector.drop(clientId, "passthrough link not kept across the stratifier's restart");
        return true;
    }
}
