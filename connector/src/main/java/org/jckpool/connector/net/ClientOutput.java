package org.jckpool.connector.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

import org.jckpool.libpool.log.Log;

/**
 * Lines for clients: queued per client during a round and written after it, one write per client (see
 * {@link #enqueue}); what the socket does not take waits for OP_WRITE, up to {@code maxQueuedBytes} per client.
 * I/O thread only.
 */
final class ClientOutput {
    private static final int WRITE_BUFFER_BYTES = 64 * 1024;
    private static final String QUEUE_FULL = "output queue full";

    private final ConnectorSettings settings;
    private final ClientTable clients;
    private final ConnectorCounters counters;
    /** Direct, for the same reason as the read buffer ({@link LineReader}). */
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES);
    /** Clients given output in the current round of commands; written once the round is over. */
    private final ArrayList<ClientConnection> pendingFlush = new ArrayList<>();

    private final LongConsumer drained;

    ClientOutput(ConnectorSettings settings, ClientTable clients, ConnectorCounters counters, LongConsumer drained) {
        this.settings = settings;
        this.clients = clients;
        this.counters = counters;
        this.drained = drained;
    }

    /** See {@link Downstream#whenDrained}: reported now when nothing waits, else by {@link #flush} once it empties. */
    void whenDrained(long id) {
        ClientConnection client = clients.get(id);
        if (client == null || client.closed) {
            return; // its disconnect is (or was) reported instead
        }
        if (client.hasQueuedOutput()) {
            client.drainWanted = true;
        } else {
            drained.accept(id);
        }
    }

    /** Line (newline included) for one client; an unknown client's line is discarded. */
    void send(long id, ByteBuffer data, long now) {
        ClientConnection client = clients.get(id);
        if (client == null) {
            Log.debug("Line for unknown client %d discarded", id);
            return;
        }
        String failure = enqueue(client, data, now);
        if (failure != null) {
            dropForFailure(client, failure);
        }
    }

    /** Line for every subscribed client, each queue holding a view of the one buffer. */
    void broadcast(ByteBuffer data, long now) {
        // Collect failures first: closing inside the loop would change the map being iterated.
        List<ClientConnection> failed = null;
        List<String> failures = null;
        for (ClientConnection client : clients.all()) {
            if (!client.subscribed) {
                continue;
            }
            String failure = enqueue(client, data.duplicate(), now);
            if (failure != null) {
                if (failed == null) {
                    failed = new ArrayList<>();
                    failures = new ArrayList<>();
                }
                failed.add(client);
                failures.add(failure);
            }
        }
        for (int i = 0; failed != null && i < failed.size(); i++) {
            dropForFailure(failed.get(i), failures.get(i));
        }
    }

    /** Closes the client after one last try to write what is queued; what does not fit is lost. */
    void flushAndClose(ClientConnection client, String reason, long now) {
        if (client.hasQueuedOutput()) {
            flush(client, now);
        }
        clients.close(client, reason, Log.INFO);
    }

    private void dropForFailure(ClientConnection client, String failure) {
        if (failure.startsWith(QUEUE_FULL)) {
            counters.droppedSlow.incrementAndGet();
            clients.abort(client, failure);
        } else {
            clients.close(client, failure, Log.DEBUG);
        }
    }

    /**
     * Queues {@code data} for the client. Nothing is written here: a client whose queue was empty is noted, and
     * {@link #flushPending} writes each such client's queue with one write after the round, so a burst of
     * replies to one miner costs one system call, not one per reply. Returns null, or why the client must be
     * dropped.
     */
    private String enqueue(ClientConnection client, ByteBuffer data, long now) {
        if (client.closed) {
            return null;
        }
        int length = data.remaining();
        if (client.queuedBytes + length > settings.maxQueuedBytes() && client.flushPending) {
            // the cap is for output the socket refused, not for a burst not yet written: write it first
            String failure = flush(client, now);
            if (failure != null) {
                return failure;
            }
        }
        if (client.queuedBytes + length > settings.maxQueuedBytes()) {
            return QUEUE_FULL + ": " + client.queuedBytes + " bytes waiting, cap " + settings.maxQueuedBytes()
                    + " (client not reading)";
        }
        counters.linesOut.incrementAndGet();
        ArrayDeque<ByteBuffer> queue = client.outputQueue();
        if (queue.isEmpty()) {
            client.lastWriteProgressNanos = now;
            if (!client.flushPending) {
                client.flushPending = true;
                pendingFlush.add(client);
            }
        }
        queue.addLast(data);
        client.queuedBytes += length;
        return null;
    }

    /** Writes the output queued during the last round of commands (see {@link #enqueue}). */
    void flushPending(long now) {
        for (int i = 0; i < pendingFlush.size(); i++) {
            ClientConnection client = pendingFlush.get(i);
            client.flushPending = false;
            if (client.closed || !client.hasQueuedOutput()) {
                continue;
            }
            String failure = flush(client, now);
            if (failure != null) {
                clients.close(client, failure, Log.DEBUG);
            }
        }
        pendingFlush.clear();
    }

    /** Writes as much queued output as the socket takes. Returns null, or why the client must be dropped. */
    String flush(ClientConnection client, long now) {
        ArrayDeque<ByteBuffer> queue = client.outputQueue();
        while (!queue.isEmpty()) {
            int staged = stage(queue);
            int written;
            try {
                written = client.channel.write(writeBuffer);
            } catch (IOException e) {
                return "write failed: " + e.getMessage();
            }
            if (written > 0) {
                counters.bytesOut.addAndGet(written);
                client.queuedBytes -= written;
                client.lastWriteProgressNanos = now;
                consume(queue, written);
            }
            if (written < staged) {
                break; // socket buffer full
            }
        }
        SelectionKey key = client.key;
        if (queue.isEmpty()) {
            client.queuedBytes = 0;
            if (client.drainWanted) {
                client.drainWanted = false;
                drained.accept(client.id);
            }
        } else if (client.queuedBytes > counters.peakQueuedBytes.get()) {
            counters.peakQueuedBytes.set(client.queuedBytes); // only the I/O thread writes it
        }
        if (key.isValid()) {
            // interestOps(int) queues a selector update even when nothing changes: only call it on a change
            int ops = key.interestOps();
            int wanted = queue.isEmpty() ? ops & ~SelectionKey.OP_WRITE : ops | SelectionKey.OP_WRITE;
            if (wanted != ops) {
                key.interestOps(wanted);
            }
        }
        return null;
    }

    /** Copies the head of the queue (up to the write buffer's size) into the write buffer; returns the count. */
    private int stage(ArrayDeque<ByteBuffer> queue) {
        writeBuffer.clear();
        for (ByteBuffer b : queue) {
            int take = Math.min(b.remaining(), writeBuffer.remaining());
            writeBuffer.put(writeBuffer.position(), b, b.position(), take);
            writeBuffer.position(writeBuffer.position() + take);
            if (!writeBuffer.hasRemaining()) {
                break;
            }
        }
        return writeBuffer.flip().remaining();
    }

    /** Drops the first {@code written} bytes from the queue. */
    private static void consume(ArrayDeque<ByteBuffer> queue, int written) {
        int left = written;
        while (left > 0) {
            ByteBuffer head = queue.peekFirst();
            int remaining = head.remaining();
            if (remaining <= left) {
                queue.pollFirst();
                left -= remaining;
            } else {
                head.position(head.position() + left);
                left = 0;
            }
        }
    }
}
