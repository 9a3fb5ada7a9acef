package org.jckpool.testminer.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.jckpool.libpool.stratum.StratumClientSession;
import org.jckpool.testminer.stratum.LineBuffer;
import org.jckpool.testminer.stratum.MiningJob;

/** State of one load-mode connection; used only by its selector thread. */
final class LoadConnection {
    static final int MAX_LINE_BYTES = StratumClientSession.MAX_LINE;

    final int index;
    final String worker;
    final LineBuffer lines = new LineBuffer(MAX_LINE_BYTES);
    final ArrayDeque<ByteBuffer> outQueue = new ArrayDeque<>();
    /** Submits awaiting a reply, with their send time. */
    final PendingSubmits pendingSubmits = new PendingSubmits();

    SocketChannel channel;
    SelectionKey key;
    long connectStartNanos;
    long lastReadNanos;
    boolean open;
    boolean closed;
    /** The protocol, from the moment the TCP connection is up. */
    StratumClientSession session;

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

    private byte[] submitMiddle;
    private String submitMiddleJob;

    /** The fake submit's bytes between id and extranonce2 for the current job ({@link FakeSubmitEncoder}). */
    byte[] submitMiddle() {
        if (submitMiddle == null || !jobId.equals(submitMiddleJob)) {
            submitMiddle = FakeSubmitEncoder.middle(worker, jobId);
            submitMiddleJob = jobId;
        }
        return submitMiddle;
    }

    /**
     * Sends the bytes {@code line} holds (a reused buffer): written now when nothing is queued, and what the
     * socket does not take is copied to the queue.
     */
    void send(ByteBuffer line) throws IOException {
        if (outQueue.isEmpty()) {
            channel.write(line);
            if (!line.hasRemaining()) {
                return;
            }
        }
        outQueue.add(ByteBuffer.allocate(line.remaining()).put(line).flip());
        key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
    }

    /** Queues a line (newline added) and writes as much as the socket takes now. */
    void send(String line) throws IOException {
        send(lineBytes(line));
    }

    /** The line's UTF-8 bytes with its newline. */
    static ByteBuffer lineBytes(String line) {
        return ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
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
}
