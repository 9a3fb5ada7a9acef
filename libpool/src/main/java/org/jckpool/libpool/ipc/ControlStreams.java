package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The persistent streams of a {@link ControlServer}: recognises a {@code stream.open} request, asks the
 * {@link ControlServer.StreamAcceptor}, answers {@code stream.accepted} and turns the connection into a
 * {@link ThreadedFrameStream}; keeps the open ones until they close.
 */
final class ControlStreams {
    private final Path socket;
    private final Set<FrameStream> open = ConcurrentHashMap.newKeySet();
    private volatile ControlServer.StreamAcceptor acceptor;
    private volatile boolean closed;

    ControlStreams(Path socket) {
        this.socket = socket;
    }

    void acceptor(ControlServer.StreamAcceptor a) {
        this.acceptor = a;
    }

    /** The peer name when the text is a stream.open request, else null. */
    static String peerOf(String text) {
        if (!text.startsWith("{") || !text.contains("stream.open")) {
            return null;
        }
        JsonNode n = Json.parseOrNull(text);
        if (n == null || !"stream.open".equals(Json.text(n, "method"))) {
            return null;
        }
        String peer = Json.text(n.path("params"), "peer");
        return peer == null || peer.isBlank() ? "unnamed" : peer;
    }

    /**
     * Opens a stream from {@code peer} on {@code c} when the acceptor takes it. Returns whether the connection is
     * now the stream's (else the caller closes it).
     */
    boolean open(SocketChannel c, String peer, long handshakeTimeoutMs) {
        ControlServer.StreamAcceptor a = acceptor;
        FrameStream.Listener l = a == null ? null : a.open(peer);
        if (l == null) {
            if (a == null) {
                Log.warning("Control socket %s: refusing stream from %s (no stream handler)", socket, peer);
            } else {
                // the handler said not yet (it logs why); its peer retries, up to every 100 ms
                Log.info("Control socket %s: stream from %s refused by its handler", socket, peer);
            }
            return false;
        }
        try {
            Frames.writeWithTimeout(c, Frames.utf8(StreamHandshake.ACCEPTED), handshakeTimeoutMs);
        } catch (IOException e) {
            Log.info("Control socket %s: stream from %s gone before it was accepted: %s", socket, peer,
                    e.getMessage());
            return false;
        }
        Log.info("Control socket %s: stream opened by %s", socket, peer);
        FrameStream s = ThreadedFrameStream.start(c, peer, tracked(l), FrameStream.DEFAULT_QUEUE_CAPACITY,
                FrameStream.DEFAULT_SEND_TIMEOUT_MS);
        if (closed) {
            s.close();
        }
        return true;
    }

    private FrameStream.Listener tracked(FrameStream.Listener l) {
        return new FrameStream.Listener() {
            @Override
            public void onOpen(FrameStream stream) {
                open.add(stream);
                l.onOpen(stream);
            }

            @Override
            public void onFrame(FrameStream stream, byte[] frame) {
                l.onFrame(stream, frame);
            }

            @Override
            public void onClose(FrameStream stream, Throwable cause) {
                open.remove(stream);
                l.onClose(stream, cause);
            }
        };
    }

    Set<FrameStream> open() {
        return Set.copyOf(open);
    }

    /** Closes the open streams; one opened from now on is closed at once. */
    void closeAll() {
        closed = true;
        for (FrameStream s : open) {
            s.close();
        }
    }
}
