package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.Authoriser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A trusted remote's miners are authorised by the main pool, as ckpool's remote does: the remote checks the
 * worker name itself (the engine does, before asking here), then sends ckpool's {@code auth} message upstream
 * ({@link RemoteProtocol#auth}) and answers the miner with the main pool's {@code auth.result}, so the main pool's
 * own rules (its ckdb) decide. Where ckpool holds the request until the main pool is back (the miner hears nothing
 * and is dropped unauthorised after a minute), this remote keeps its miners mining: while the main pool is
 * unreachable, or when it has not answered within {@link #WAIT_MILLIS}, the worker is authorised here, logged and
 * counted ({@code local}); its shares are reported as always and accounted by the main pool once it is back. Each
 * such worker is asked of the main pool again when the link is next up ({@link #reconcile}, at most
 * {@link #MAX_UNCONFIRMED} kept); one the main pool then refuses is dropped.
 */
public final class UpstreamAuthoriser implements Authoriser, AutoCloseable {
    /** How long a miner waits for the main pool's answer (the engine gives up at 10 s). */
    static final long WAIT_MILLIS = 5_000;
    /** Locally authorised requests kept to ask the main pool again (the oldest are forgotten beyond). */
    static final int MAX_UNCONFIRMED = 10_000;

    private record Pending(Request request, Consumer<Decision> done) {
    }

    private final Predicate<ObjectNode> send;
    private final long waitMillis;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();
    private final AtomicLong upstreamAllowed = new AtomicLong();
    private final AtomicLong upstreamRefused = new AtomicLong();
    private final AtomicLong local = new AtomicLong();
    private final AtomicLong reconciledRefused = new AtomicLong();
    /** Authorised here, not yet answered by the main pool: by clientid, oldest first. */
    private final Map<Long, Request> unconfirmed = new LinkedHashMap<>();
    private volatile BiConsumer<Long, String> drop = (id, why) -> {
    };
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "remote-auth-timer");
        t.setDaemon(true);
        return t;
    });

    /** @param send writes a line to the main pool now; false when not connected (nothing was written) */
    public UpstreamAuthoriser(Predicate<ObjectNode> send) {
        this(send, WAIT_MILLIS);
    }

    UpstreamAuthoriser(Predicate<ObjectNode> send, long waitMillis) {
        this.send = send;
        this.waitMillis = waitMillis;
    }

    @Override
    public void authorise(Request r, Consumer<Decision> done) {
        // the remote's own id for the miner, kept in 31 bits as a ckpool upstream keeps it in 32
        long clientId = lastId.updateAndGet(v -> v >= Integer.MAX_VALUE ? 1 : v + 1);
        pending.put(clientId, new Pending(r, done));
        if (!send.test(message(r, clientId))) {
            decideLocally(clientId, "main pool unreachable");
            return;
        }
        timer.schedule(() -> decideLocally(clientId, "no answer from the main pool in " + waitMillis + " ms"),
                waitMillis, TimeUnit.MILLISECONDS);
    }

    /** How a miner the main pool refuses after it was authorised here is dropped (engine client id, reason). */
    public void dropWith(BiConsumer<Long, String> drop) {
        this.drop = drop;
    }

    /** The link to the main pool is up again: asks it about each worker authorised here meanwhile. */
    public void reconcile() {
        List<Map.Entry<Long, Request>> again;
        synchronized (unconfirmed) {
            again = new ArrayList<>(unconfirmed.entrySet());
        }
        for (Map.Entry<Long, Request> e : again) {
            if (!send.test(message(e.getValue(), e.getKey()))) {
                return; // the link went again: the rest waits for the next one
            }
        }
        if (!again.isEmpty()) {
            Log.notice("Asked the main pool about %d workers authorised here while it was away", again.size());
        }
    }

    /** The main pool's {@code auth.result}; true when it answered a request of ours. */
    public boolean result(JsonNode msg) {
        JsonNode cid = msg.get("client_id");
        Pending p = cid == null || !cid.canConvertToLong() ? null : pending.remove(cid.asLong());
        if (p == null && cid != null && cid.canConvertToLong()) {
            return confirmed(cid.asLong(), msg);
        }
        if (p == null) {
            Log.info("Main pool's auth.result for no waiting miner (answered late or unknown): %s", msg);
            return false;
        }
        boolean allowed = msg.path("result").asBoolean(false);
        JsonNode err = msg.get("error");
        if (allowed) {
            upstreamAllowed.incrementAndGet();
            Log.info("Main pool authorised worker %s", p.request.worker());
            p.done.accept(Decision.allow(0));
        } else {
            upstreamRefused.incrementAndGet();
            String why = err == null || err.isNull() ? "Refused by the main pool"
                    : err.isTextual() ? err.asText() : err.toString();
            Log.notice("Main pool refused worker %s: %s", p.request.worker(), why);
            p.done.accept(Decision.refuse(why));
        }
        return true;
    }

    /** The answer about a worker authorised here: a refusal drops its miner. */
    private boolean confirmed(long clientId, JsonNode msg) {
        Request r;
        synchronized (unconfirmed) {
            r = unconfirmed.remove(clientId);
        }
        if (r == null) {
            Log.info("Main pool's auth.result for no waiting miner (answered late or unknown): %s", msg);
            return false;
        }
        if (!msg.path("result").asBoolean(false)) {
            reconciledRefused.incrementAndGet();
            String why = msg.path("error").isTextual() ? msg.path("error").asText() : "refused by the main pool";
            Log.notice("Main pool refused worker %s, authorised here while it was away: dropping client %d (%s)",
                    r.worker(), r.clientId(), why);
            drop.accept(r.clientId(), "refused by the main pool: " + why);
        }
        return true;
    }

    private void decideLocally(long clientId, String why) {
        Pending p = pending.remove(clientId);
        if (p == null) {
            return; // answered already
        }
        synchronized (unconfirmed) {
            unconfirmed.put(clientId, p.request);
            if (unconfirmed.size() > MAX_UNCONFIRMED) {
                unconfirmed.remove(unconfirmed.keySet().iterator().next());
            }
        }
        local.incrementAndGet();
        Log.warning("Authorising worker %s here: %s", p.request.worker(), why);
        p.done.accept(Decision.allow(0));
    }

    private static ObjectNode message(Request r, long clientId) {
        return RemoteProtocol.auth(Json.MAPPER.createArrayNode().add(r.worker()).add(r.password()),
                idNode(r.idJson()), r.userAgent(), r.extranonce1(), ipOf(r.address()), clientId);
    }

    /** For stats: {upstream_allowed, upstream_refused, local, unconfirmed, refused_later, waiting}. */
    public ObjectNode json() {
        ObjectNode n = Json.object();
        n.put("upstream_allowed", upstreamAllowed.get());
        n.put("upstream_refused", upstreamRefused.get());
        n.put("local", local.get());
        synchronized (unconfirmed) {
            n.put("unconfirmed", unconfirmed.size());
        }
        n.put("refused_later", reconciledRefused.get());
        n.put("waiting", pending.size());
        return n;
    }

    /** The miner's request id from its JSON text (null when there is none or it does not parse). */
    static JsonNode idNode(String idJson) {
        try {
            return idJson == null ? NullNode.getInstance() : Json.MAPPER.readTree(idJson);
        } catch (IOException | RuntimeException e) {
            return NullNode.getInstance();
        }
    }

    /** The IP of "ip:port" (IPv6 too), as ckpool puts it in "address". */
    static String ipOf(String address) {
        if (address == null) {
            return "";
        }
        int colon = address.lastIndexOf(':');
        return colon <= 0 ? address : address.substring(0, colon);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
