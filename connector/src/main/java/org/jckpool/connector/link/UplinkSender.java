package org.jckpool.connector.link;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.jckpool.connector.net.ConnectorServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.PolledFrameStream;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.RateLimitedLog;

/**
 * The I/O thread's side of the {@link StratifierUplink}: each frame goes out on the live stream, or is held in the
 * {@link RelayBacklog} while there is none (a request over the hold limits gets "pool restarting" at once); a new
 * stream first gets the backlog replayed. All methods run on the connector's I/O thread.
 */
final class UplinkSender {
    private static final byte[] RESTARTING_ERROR_TAIL =
            ",\"result\":null,\"error\":[-1,\"pool restarting, try again\",null]}".getBytes(StandardCharsets.US_ASCII);

    private final ConnectorServer server;
    private final RelayBacklog backlog;
    private final Duration sendBlock;
    /** Told why a stream was given up as lost by the sender. */
    private final Consumer<String> onLost;
    private final RateLimitedLog refusedLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(10));
    private final RateLimitedLog congestionLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(10));
    private final AtomicLong discarded = new AtomicLong();
    private final AtomicLong congested = new AtomicLong();
    /** The stream the backlog was replayed onto: lines go straight out. Volatile for stats. */
    private volatile PolledFrameStream live;

    UplinkSender(ConnectorServer server, RelayBacklog backlog, Duration sendBlock, Consumer<String> onLost) {
        this.server = server;
        this.backlog = backlog;
        this.sendBlock = sendBlock;
        this.onLost = onLost;
    }

    void accept(byte[] payload) {
        long id = RelayCodec.clientIdOf(payload);
        switch (payload[0]) {
            case 'C' -> backlog.connected(id, payload, sendLive(payload));
            case 'D' -> {
                backlog.disconnected(id);
                if (!sendLive(payload)) {
                    discarded.incrementAndGet(); // the next stratifier is not told of this client at all
                }
            }
            case 'L' -> {
                long idHash = StratumIds.idHash(payload, RelayCodec.HEADER_BYTES,
                        payload.length - RelayCodec.HEADER_BYTES);
                if (sendLive(payload)) {
                    backlog.sent(id, payload, idHash);
                } else if (!backlog.hold(id, payload, idHash)) {
                    answerRestarting(id, payload);
                }
            }
            default -> {
                if (!sendLive(payload)) {
                    discarded.incrementAndGet();
                }
            }
        }
    }

    /** Sends on the live stream; false when there is none or it was lost meanwhile (the caller holds). */
    private boolean sendLive(byte[] payload) {
        PolledFrameStream s = live;
        if (s == null) {
            return false;
        }
        if (s.trySend(payload)) {
            return true;
        }
        if (!s.isOpen()) {
            live = null;
            return false;
        }
        congested.incrementAndGet();
        long t0 = System.nanoTime();
        boolean sent = s.send(payload, sendBlock.toMillis(), TimeUnit.MILLISECONDS);
        long waitedMs = (System.nanoTime() - t0) / 1_000_000;
        if (sent) {
            congestionLog.log(System.nanoTime(), "Stratifier stream queue full (" + s.queued()
                    + " frames): the connector I/O thread waited " + waitedMs + " ms");
            return true;
        }
        live = null;
        if (s.isOpen()) {
            Log.err("Stratifier took no frame for %d ms with %d queued: closing the stream as lost", waitedMs,
                    s.queued());
            onLost.accept("stratifier took no frame for " + waitedMs + " ms");
            s.close();
        }
        return false;
    }

    /** A request over the hold limits is answered at once, so that the miner is not left waiting. */
    private void answerRestarting(long id, byte[] payload) {
        String token = StratumIds.idToken(payload, RelayCodec.HEADER_BYTES, payload.length - RelayCodec.HEADER_BYTES);
        refusedLog.log(System.nanoTime(), "Stratifier away and " + backlog.heldLines() + " lines ("
                + backlog.heldBytes() + " bytes) held: answering further requests with \"pool restarting\"");
        if (token == null) {
            return; // no reply expected: the line is dropped
        }
        byte[] head = ("{\"id\":" + token).getBytes(StandardCharsets.UTF_8);
        byte[] line = Arrays.copyOf(head, head.length + RESTARTING_ERROR_TAIL.length);
        System.arraycopy(RESTARTING_ERROR_TAIL, 0, line, head.length, RESTARTING_ERROR_TAIL.length);
        server.send(id, line);
    }

    /**
     * On the I/O thread, before anything else it relays to {@code s} (the uplink's current stream): tells it every live client
     * and its unanswered lines, then lets lines go straight out.
     */
    void replayOnto(PolledFrameStream s) {
        if (!s.isOpen()) {
            return;
        }
        int clients = backlog.clients();
        int held = backlog.heldLines();
        int waiting = backlog.waiting();
        long sendBlockMs = sendBlock.toMillis();
        boolean done = backlog.replay(f -> s.trySend(f) || s.send(f, sendBlockMs, TimeUnit.MILLISECONDS));
        if (!done) {
            Log.warning("The stratifier stream closed during the replay; it is replayed to the next one");
            return;
        }
        live = s;
        s.kick();
        if (clients > 0) {
            Log.notice("Stratifier stream: %d clients told again (%d held lines and %d awaiting a reply replayed)",
                    clients, held, waiting);
        }
    }

    /** The stream {@code s} is gone: frames are held until the next one. */
    void lost(FrameStream s) {
        if (live == s) {
            live = null;
        }
    }

    boolean replayed() {
        return live != null;
    }

    long discarded() {
        return discarded.get();
    }

    long congested() {
        return congested.get();
    }
}
