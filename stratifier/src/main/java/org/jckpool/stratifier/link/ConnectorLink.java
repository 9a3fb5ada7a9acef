package org.jckpool.stratifier.link;

import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.relay.ConnectedInfo;
import org.jckpool.libpool.ipc.relay.RelayCodec;
import org.jckpool.libpool.ipc.relay.RelayFrame;
import org.jckpool.libpool.ipc.relay.RelayFrameException;
import org.jckpool.libpool.ipc.relay.RelayFrameType;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.engine.ClientOutbound;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The stratifier's side of the connector stream (docs/INTERNALS.md "connector ↔ stratifier"): C/L/D frames go
 * straight from the stream's reader thread to {@link ClientEvents} (the engine is thread-safe, and one reader
 * keeps each client's lines in order), and the engine's replies leave as S/A/X/P frames on the stream's queue.
 * One connector at a time: a new stream replaces the old one, whose clients are then treated as disconnected.
 */
public final class ConnectorLink implements ClientOutbound, ControlServer.StreamAcceptor {
    public static final String PEER = "connector";
    /**
     * One wait for room in the stream's queue; the send is retried for as long as the stream stays open, so a
     * reply is never dropped: a full queue blocks the caller (the stream's reader thread), which stops reading
     * the connector's frames until the connector has taken replies — back-pressure, not loss.
     */
    private static final long SEND_WAIT_SLICE_MS = 1_000;

    private final ClientEvents events;
    private final BooleanSupplier ready;
    private volatile FrameStream stream;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong blocked = new AtomicLong();
    private final AtomicLong streamsOpened = new AtomicLong();

    /**
     * @param ready false while the stratifier cannot serve miners yet (no work): the stream is refused and the
     *              connector retries
     */
    public ConnectorLink(ClientEvents events, BooleanSupplier ready) {
        this.events = events;
        this.ready = ready;
    }

    @Override
    public FrameStream.Listener open(String peer) {
        if (!PEER.equals(peer)) {
            return null;
        }
        if (!ready.getAsBoolean()) {
            Log.info("Refusing the connector stream until miners can be served (first template; after a handover, "
                    + "the old instance's sessions)");
            return null;
        }
        return new StreamClients();
    }

    /** The open connector stream, or null. */
    public FrameStream stream() {
        return stream;
    }

    public boolean connected() {
        FrameStream s = stream;
        return s != null && s.isOpen();
    }

    /**
     * Outbound frames an open stream refused (only a stream that closes while the frame waits for room); frames
     * sent while no stream is open are not counted. A full queue blocks rather than drops.
     */
    public long droppedLines() {
        return dropped.get();
    }

    /**
     * Times a send found the stream's queue full and had to wait (back-pressure events). Only other threads'
     * sends count: the stream's reader writes its own replies and meets back-pressure in that write.
     */
    public long blockedSends() {
        return blocked.get();
    }

    public long streamsOpened() {
        return streamsOpened.get();
    }

    // ---------------------------------------------------------------- ClientOutbound

    @Override
    public void send(long clientId, String line) {
        deliver(encodeLine(RelayFrameType.SEND, clientId, line));
    }

    @Override
    public void broadcast(String line) {
        deliver(encodeLine(RelayFrameType.SEND_ALL, 0L, line));
    }

    @Override
    public void drop(long clientId, String reason) {
        deliver(RelayCodec.drop(clientId, reason == null ? "" : reason));
    }

    @Override
    public void subscribed(long clientId) {
        deliver(RelayCodec.subscribed(clientId));
    }

    /** A {@code W} frame, after the lines already queued for the client; the connector answers with {@code E}. */
    @Override
    public boolean whenDrained(long clientId) {
        if (stream == null) {
            return false;
        }
        deliver(RelayCodec.drain(clientId));
        return true;
    }

    private void deliver(byte[] frame) {
        FrameStream s = stream;
        if (s == null || s.trySend(frame)) {
            return;
        }
        blocked.incrementAndGet();
        while (s.isOpen() && !Thread.currentThread().isInterrupted()) {
            if (s.send(frame, SEND_WAIT_SLICE_MS, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        if (stream == s) {
            dropped.incrementAndGet();
        }
    }

    /**
     * One allocation per line: Stratum lines are ASCII, so the body is written straight after the header;
     * anything else goes through the UTF-8 encoder.
     */
    static byte[] encodeLine(RelayFrameType type, long clientId, String line) {
        int n = line.length();
        byte[] out = new byte[RelayCodec.HEADER_BYTES + n];
        for (int i = 0; i < n; i++) {
            char c = line.charAt(i);
            if (c >= 0x80) {
                return RelayCodec.encode(type, clientId, line.getBytes(StandardCharsets.UTF_8));
            }
            out[RelayCodec.HEADER_BYTES + i] = (byte) c;
        }
        out[0] = type.code();
        for (int i = 0; i < 8; i++) {
            out[1 + i] = (byte) (clientId >>> (8 * i));
        }
        return out;
    }

    // ---------------------------------------------------------------- one stream and its clients

    private final class StreamClients implements FrameStream.Listener {
        private final Set<Long> clients = ConcurrentHashMap.newKeySet();

        @Override
        public void onOpen(FrameStream s) {
            FrameStream old = stream;
            stream = s;
            streamsOpened.incrementAndGet();
            Log.notice("Connector stream open");
            if (old != null && old != s) {
                Log.warning("A second connector stream replaces the first; its clients are dropped");
                old.close();
            }
        }

        @Override
        public void onFrame(FrameStream s, byte[] payload) {
            RelayFrame f;
            try {
                f = RelayCodec.decode(payload);
            } catch (RelayFrameException e) {
                Log.warning("Connector stream: bad frame ignored: %s", e.getMessage());
                return;
            }
            long id = f.clientId();
            switch (f.type()) {
                case LINE -> events.line(id, f.buffer(), f.bodyOffset(), f.bodyLength());
                case CONNECTED -> {
                    ConnectedInfo info;
                    try {
                        info = RelayCodec.parseConnected(f);
                    } catch (RelayFrameException e) {
                        Log.warning("Connector stream: bad connect frame for client %d: %s", id, e.getMessage());
                        return;
                    }
                    clients.add(id);
                    if (info.resumed()) {
                        events.resumed(id, info.ip() + ":" + info.port(), info.serverIndex());
                    } else {
                        events.connected(id, info.ip() + ":" + info.port(), info.serverIndex());
                    }
                }
                case DISCONNECTED -> {
                    if (clients.remove(id)) {
                        events.disconnected(id, f.bodyText());
                    }
                }
                case DRAINED -> events.drained(id);
                default -> Log.warning("Connector stream: unexpected %s frame from the connector", f.type());
            }
        }

        @Override
        public void onClose(FrameStream s, Throwable cause) {
            if (stream == s) {
                stream = null;
            }
            int n = clients.size();
            for (Long id : clients) {
                events.disconnected(id, "connector stream closed");
            }
            clients.clear();
            Log.warning("Connector stream closed%s; %d clients forgotten",
                    cause == null ? "" : " (" + cause.getMessage() + ")", n);
        }
    }
}
