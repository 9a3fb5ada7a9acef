package org.jckpool.connector.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.RateLimitedLog;

/**
 * Reads what a client sent and passes each complete line to the upstream, with no copy for lines that arrive
 * whole. A partial line is kept on the client until its newline comes; a line over the cap drops the client.
 * I/O thread only.
 */
final class LineReader {
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final ConnectorSettings settings;
    private final ClientEventSink upstream;
    private final ClientTable clients;
    private final ConnectorCounters counters;
    // A direct buffer for the socket call: with a heap buffer NIO copies through a temporary direct buffer of its
    // own, fetched from and returned to a thread-local cache on every call.
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final byte[] readBytes = new byte[READ_BUFFER_BYTES];
    private final RateLimitedLog oversizeLog = new RateLimitedLog(Log.WARNING, TimeUnit.SECONDS.toNanos(1));

    LineReader(ConnectorSettings settings, ClientEventSink upstream, ClientTable clients, ConnectorCounters counters) {
        this.settings = settings;
        this.upstream = upstream;
        this.clients = clients;
        this.counters = counters;
    }

    void readFrom(ClientConnection client) {
        readBuffer.clear();
        int n;
        try {
            n = client.channel.read(readBuffer);
        } catch (IOException e) {
            clients.close(client, "read failed: " + e.getMessage(), Log.DEBUG);
            return;
        }
        if (n < 0) {
            clients.close(client, "client disconnected", Log.DEBUG);
            return;
        }
        if (n == 0) {
            return;
        }
        client.lastReadNanos = System.nanoTime();
        counters.bytesIn.addAndGet(n);
        byte[] data = readBytes;
        readBuffer.flip().get(data, 0, n);
        int end = n;
        int start = 0;
        int maxLine = settings.maxLineBytes();
        for (int i = 0; i < end; i++) {
            if (data[i] != '\n') {
                continue;
            }
            if (client.partialLength() > 0) {
                if (client.partialLength() + (i - start) > maxLine + 1) {
                    dropOversize(client, client.partialLength() + (i - start));
                    return;
                }
                client.appendPartial(data, start, i - start, maxLine + 1);
                deliverLine(client, client.partialBytes(), 0, client.partialLength());
                client.clearPartial();
            } else {
                if (i - start > maxLine + 1) {
                    dropOversize(client, i - start);
                    return;
                }
                deliverLine(client, data, start, i - start);
            }
            start = i + 1;
            if (client.closed) {
                return;
            }
        }
        int rest = end - start;
        if (rest > 0) {
            if (client.partialLength() + rest > maxLine + 1) {
                dropOversize(client, client.partialLength() + rest);
                return;
            }
            client.appendPartial(data, start, rest, maxLine + 1);
        }
    }

    /** Passes one line on, without its trailing {@code \r}; the cap allows one byte more for that {@code \r}. */
    private void deliverLine(ClientConnection client, byte[] data, int offset, int length) {
        if (length > 0 && data[offset + length - 1] == '\r') {
            length--;
        }
        if (length > settings.maxLineBytes()) {
            dropOversize(client, length);
            return;
        }
        if (length == 0) {
            return;
        }
        client.gotLine = true;
        counters.linesIn.incrementAndGet();
        try {
            upstream.line(client.id, data, offset, length);
        } catch (RuntimeException e) {
            Log.err("Upstream failed on a line from %s: %s", client, e);
        }
    }

    private void dropOversize(ClientConnection client, int length) {
        counters.droppedOversize.incrementAndGet();
        oversizeLog.log(System.nanoTime(), "Dropping " + client + ": line of " + length
                + "+ bytes exceeds the cap of " + settings.maxLineBytes());
        clients.close(client, "line longer than " + settings.maxLineBytes() + " bytes", -1);
    }
}
