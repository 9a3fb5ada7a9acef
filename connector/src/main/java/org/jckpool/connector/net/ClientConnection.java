package org.jckpool.connector.net;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * One miner's connection. Touched only by the I/O thread. Kept small: no buffer is allocated until the client
 * leaves an incomplete line behind or the socket refuses a write.
 */
final class ClientConnection {
    private static final int FIRST_PARTIAL_CAPACITY = 256;
    /** A partial-line buffer larger than this is released once its line is complete. */
    private static final int KEEP_PARTIAL_CAPACITY = 1024;

    final long id;
    final SocketChannel channel;
    final String ip;
    final int port;
    final int serverIndex;
    final long connectedNanos;
    SelectionKey key;
    boolean closed;

    long lastReadNanos;
    boolean gotLine;
    /** Set by the stratifier's P frame: the client then receives broadcasts. */
    boolean subscribed;
    /** Listed for the write after the current round of commands. */
    boolean flushPending;
    /** The stratifier waits to hear that this client's output queue emptied ({@link Downstream#whenDrained}). */
    boolean drainWanted;

    /** Bytes of an incomplete line carried over from earlier reads. */
    private byte[] partial;
    private int partialLength;

    /** Buffers waiting to be written, created on the first write the socket does not take at once. */
    private ArrayDeque<ByteBuffer> output;
    volatile long queuedBytes;
    /** When data last went out, or when the queue became non-empty; meaningful while queuedBytes > 0. */
    long lastWriteProgressNanos;

    ClientConnection(long id, SocketChannel channel, String ip, int port, int serverIndex, long nowNanos) {
        this.id = id;
        this.channel = channel;
        this.ip = ip;
        this.port = port;
        this.serverIndex = serverIndex;
        this.connectedNanos = nowNanos;
        this.lastReadNanos = nowNanos;
    }

    int partialLength() {
        return partialLength;
    }

    byte[] partialBytes() {
        return partial;
    }

    /** Appends to the incomplete line; the caller has checked that {@code limit} is not exceeded. */
    void appendPartial(byte[] src, int offset, int length, int limit) {
        if (length == 0) {
            return;
        }
        int needed = partialLength + length;
        if (partial == null) {
            partial = new byte[Math.min(limit, Math.max(FIRST_PARTIAL_CAPACITY, needed))];
        } else if (needed > partial.length) {
            partial = Arrays.copyOf(partial, Math.min(limit, Math.max(needed, partial.length * 2)));
        }
        System.arraycopy(src, offset, partial, partialLength, length);
        partialLength = needed;
    }

    void clearPartial() {
        partialLength = 0;
        if (partial != null && partial.length > KEEP_PARTIAL_CAPACITY) {
            partial = null;
        }
    }

    boolean hasQueuedOutput() {
        return output != null && !output.isEmpty();
    }

    ArrayDeque<ByteBuffer> outputQueue() {
        if (output == null) {
            output = new ArrayDeque<>(4);
        }
        return output;
    }

    @Override
    public String toString() {
        return "client " + id + " " + (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + port;
    }
}
