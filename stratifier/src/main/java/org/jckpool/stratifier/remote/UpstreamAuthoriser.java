package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.Authoriser;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A trusted remote's miners are authorised by the main pool, as ckpool's remote does: the remote checks the
 * worker name itself (the engine does, before asking here), then sends ckpool's {@code auth} message upstream
 * ({@link RemoteProtocol#auth}) and answers the miner with the main pool's {@code auth.result}, so the main pool's
 * own rules (its ckdb) decide. Where ckpool holds the request until the main pool is back (the miner hears nothing
 * and is dropped unauthorised after a minute), this remote keeps its miners mining: while the main pool is
 * unreachable, or when it has not answered within {@link #WAIT_MILLIS}, the worker is authorised here, logged and
 * counted ({@code local}); its shares are reported as always and accounted by the main pool once it is back.
 */
public final class UpstreamAuthoriser implements Authoriser, AutoCloseable {
    /** How long a miner waits for the main pool's answer (the engine gives up at 10 s). */
    static final long WAIT_MILLIS = 5_000;

    private record Pending(Request request, Consumer<Decision> done) {
    }

    private final Predicate<ObjectNode> send;
    private final long waitMillis;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastId = new AtomicLong();
    private final AtomicLong upstreamAllowed = new AtomicLong();
    private final AtomicLong upstreamRefused = new AtomicLong();
    private final AtomicLong local = new AtomicLong();
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
        ObjectNode msg = RemoteProtocol.auth(Json.MAPPER.createArrayNode().add(r.worker()).add(r.password()),
                idNode(r.idJson()), r.userAgent(), r.extranonce1(), ipOf(r.address()), clientId);
        if (!send.test(msg)) {
            decideLocally(clientId, "main pool unreachable");
            return;
        }
        timer.schedule(() -> decideLocally(clientId, "no answer from the main pool in " + waitMillis + " ms"),
                waitMillis, TimeUnit.MILLISECONDS);
    }

    /** The main pool's {@code auth.result}; true when it answered a request of ours. */
    public boolean result(JsonNode msg) {
        JsonNode cid = msg.get("client_id");
        Pending p = cid == null || !cid.canConvertToLong() ? null : pending.remove(cid.asLong());
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

    private void decideLocally(long clientId, String why) {
        Pending p = pending.remove(clientId);
        if (p == null) {
            return; // answered already
        }
        local.incrementAndGet();
        Log.warning("Authorising worker %s here: %s", p.request.worker(), why);
        p.done.accept(Decision.allow(0));
    }

    /** For stats: {upstream_allowed, upstream_refused, local, waiting}. */
    public ObjectNode json() {
        ObjectNode n = Json.object();
        n.put("upstream_allowed", upstreamAllowed.get());
        n.put("upstream_refused", upstreamRefused.get());
        n.put("local", local.get());
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
