package org.jckpool.libpool.ipc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One control request over a fresh connection, as ckpool's tools do it: connect, send one frame, optionally read
 * one reply frame, close.
 */
public final class ControlClient {
    private ControlClient() {
    }

    /**
     * Sends {@code request} and waits at most {@code timeoutMs} for the reply. Empty when the server closed
     * without replying.
     *
     * @throws IOException when the socket is missing or refuses, or the reply is malformed or late
     *                     ({@link java.net.SocketTimeoutException})
     */
    public static Optional<String> request(Path socket, String request, long timeoutMs) throws IOException {
        return request(socket, request, timeoutMs, timeoutMs);
    }

    /** As {@link #request(Path, String, long)}, with ckpmsg's two timeouts: for the first byte, then for the rest. */
    public static Optional<String> request(Path socket, String request, long firstByteMs, long restMs)
            throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Frames.writeWithTimeout(ch, Frames.utf8(request), Math.max(firstByteMs, 1000));
            byte[] reply = Frames.readWithTimeout(ch, firstByteMs, restMs);
            return reply == null ? Optional.empty() : Optional.of(Frames.text(reply));
        }
    }

    /** Sends {@code message} without waiting for a reply (e.g. {@code update} to the stratifier). */
    public static void send(Path socket, String message, long timeoutMs) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Frames.writeWithTimeout(ch, Frames.utf8(message), timeoutMs);
        }
    }
}
