package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import org.jckpool.libpool.json.Json;

/**
 * Opening a {@link FrameStream}: the client sends {@code {"method":"stream.open","params":{"peer":...}}} on a
 * {@link ControlServer} socket, the server answers {@value #ACCEPTED} or closes the connection.
 */
final class StreamHandshake {
    /**
     * The server's first frame on a stream it accepts. A refusal is a close without it, so a client knows at once
     * and for sure, instead of guessing from how long the connection stays open.
     */
    static final String ACCEPTED = "{\"result\":\"stream.accepted\"}";
    private static final long ACCEPT_WAIT_MS = 5_000;

    private StreamHandshake() {
    }

    /**
     * Connects, sends stream.open naming {@code peer} and waits (up to 5 s) for the acceptance; the channel is
     * left blocking. A refusal or no answer in time gives an IOException saying so.
     */
    static SocketChannel open(Path socket, String peer) throws IOException {
        // made before connecting: the server gives a new connection a deadline for its request
        var open = Json.object();
        open.put("method", "stream.open");
        open.putObject("params").put("peer", peer);
        byte[] request = Frames.utf8(Json.write(open));
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Frames.write(ch, request);
            byte[] answer = Frames.readWithTimeout(ch, ACCEPT_WAIT_MS, ACCEPT_WAIT_MS);
            if (answer == null) {
                throw new IOException("stream refused by " + socket + " (closed without accepting it)");
            }
            if (!ACCEPTED.equals(Frames.text(answer))) {
                throw new IOException("stream to " + socket + " not accepted: " + Frames.text(answer));
            }
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
        return ch;
    }
}
