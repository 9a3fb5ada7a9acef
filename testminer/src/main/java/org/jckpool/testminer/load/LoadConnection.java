package org.jckpool.testminer.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.jckpool.testminer.stratum.LineBuffer;
import org.jckpool.testminer.stratum.MiningJob;

/** State of one load-mode connection; used only by its selector thread. */
final class LoadConnection {
    static final int MAX_LINE_BYTES = 128 * 1024;

    final int index;
    final String worker;
    final LineBuffer lines = new LineBuffer(MAX_LINE_BYTES);
    final ArrayDeque<ByteBuffer> outQueue = new ArrayDeque<>();
    /** Submits awaiting a reply, with their send time. */
    final PendingSubmits pendingSubmits = new PendingSubmits();
    /** Request id → method, for the other requests (subscribe, authorize, ...). */
    final Map<Long, String> requestMethods = new HashMap<>();

    SocketChannel channel;
    SelectionKey key;
    long connectStartNanos;
    long lastReadNanos;
    boolean open;
    boolean closed;
    long nextId = 1;

    byte[] extranonce1;
    int extranonce2Size;
    long versionMask;
    boolean subscribed;
    boolean authorized;
    boolean ready;
    double difficulty = 1.0;

    String jobId;
    long jobNtime;
    String prevHash;
    MiningJob job;
    double jobDifficulty;
    long extranonce2Counter;
    long nonceCounter;

    LoadConnection(int index, String worker) {
        this.index = index;
        this.worker = worker;
    }

    boolean canSubmit() {
        return open && authorized && jobId != null;
    }

    /** Queues a line (newline added) and writes as much as the socket takes now. */
    void send(String line) throws IOException {
        ByteBuffer b = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        if (outQueue.isEmpty()) {
            channel.write(b);
            if (!b.hasRemaining()) {
                return;
            }
        }
        outQueue.add(b);
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }

    /** Writes queued bytes; drops write interest once everything is out. */
    void flush() throws IOException {
        while (!outQueue.isEmpty()) {
            ByteBuffer b = outQueue.peek();
            channel.write(b);
            if (b.hasRemaining()) {
                return;
            }
            outQueue.poll();
        }
        key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
    }

    /** An id for a submit (tracked in {@link #pendingSubmits} once sent). */
    long takeSubmitId() {
        return nextId++;
    }

    long takeId(String method) {
        long id = nextId++;
        requestMethods.put(id, method);
        return id;
    }
}
