package org.jckpool.ckdb.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.ReconnectingStream;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * {@link CkdbClient}'s sender, run by its reconnecting stream: on each new stream everything not confirmed goes again
 * (ckdb drops what it already has), then journal batches go out one at a time, each answered with how far ckdb has
 * committed; the acknowledged journal position moves only then.
 */
final class JournalDelivery implements ReconnectingStream.Handler {
    private static final int BATCH_LINES = 4000;
    private static final int BATCH_BYTES = 8 << 20;
    private static final long REPLY_TIMEOUT_MS = 15_000;

    private record Sent(long lastSeq, long endOffset) {
    }

    private final Path socket;
    private final String source;
    private final CkdbJournal journal;
    private final long journalLimit;
    private final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Object wake = new Object();
    private volatile boolean connected;
    private volatile FrameStream stream;
    private long readOffset;
    private long readSeq;
    private Deque<Sent> unacked = new ArrayDeque<>();
    private final long[] end = new long[1];

    JournalDelivery(Path socket, String source, CkdbJournal journal, long journalLimit) {
        this.socket = socket;
        this.source = source;
        this.journal = journal;
        this.journalLimit = journalLimit;
    }

    @Override
    public FrameStream connect() throws IOException {
        readOffset = journal.ackedOffset();
        readSeq = journal.ackedSeq() + 1;
        unacked.clear();
        replies.clear();
        return FrameStream.connect(socket, "ckdbclient-" + source, new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream s, byte[] frame) {
                replies.add(new String(frame, StandardCharsets.UTF_8));
            }
        });
    }

    @Override
    public long connectFailed(Exception e, long backoffMillis) {
        if (e instanceof RuntimeException) {
            Log.err("ckdb client: %s", e);
        }
        return backoffMillis;
    }

    @Override
    public void up(FrameStream s, ReconnectingStream l) throws IOException, InterruptedException {
        stream = s;
        connected = true;
        Log.notice("ckdb: connected to %s, resending from seq %d", socket, readSeq);
        try {
            while (!l.isClosed()) {
                deliverBatch(s);
            }
        } finally {
            connected = false;
            stream = null;
        }
    }

    @Override
    public long down(FrameStream s, Exception cause, boolean stable, long backoffMillis) {
        if (cause instanceof IOException) {
            Log.warning("ckdb: connection lost (%s); messages stay in the journal", cause.getMessage());
        } else if (cause instanceof RuntimeException) {
            Log.err("ckdb client: %s", cause);
        }
        return backoffMillis;
    }

    /** Sends the next batch (or, with nothing new, asks again about what is unconfirmed) and reads its reply. */
    private void deliverBatch(FrameStream s) throws IOException, InterruptedException {
        List<String> lines = journal.read(readOffset, BATCH_LINES, BATCH_BYTES, end);
        if (lines.isEmpty() && unacked.isEmpty()) {
            synchronized (wake) {
                if (journal.lastSeq() < readSeq) {
                    wake.wait(50);
                }
            }
            return;
        }
        if (lines.isEmpty()) {
            Thread.sleep(20);
        }
        StringBuilder frame = new StringBuilder(lines.size() * 200 + 100);
        frame.append("{\"method\":\"batch\",\"params\":{\"source\":\"").append(source)
                .append("\",\"messages\":[");
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                frame.append(',');
            }
            frame.append(lines.get(i));
        }
        frame.append("]}}");
        if (!s.send(frame.toString())) {
            throw new IOException("stream to ckdb closed");
        }
        if (!lines.isEmpty()) {
            readSeq += lines.size();
            readOffset = end[0];
            unacked.addLast(new Sent(readSeq - 1, readOffset));
        }
        String reply = awaitReply();
        JsonNode r = Json.MAPPER.readTree(reply);
        JsonNode result = r.path("result");
        if (!result.isObject()) {
            throw new IOException("ckdb refused a batch: " + r.path("error").asText(reply));
        }
        if (result.path("failed").asLong() > 0) {
            Log.warning("ckdb rejected %d messages: %s", result.path("failed").asLong(), result.path("errors"));
        }
        long durable = result.path("durable").asLong();
        Sent done = null;
        while (!unacked.isEmpty() && unacked.peekFirst().lastSeq() <= durable) {
            done = unacked.removeFirst();
        }
        if (done != null) {
            journal.ack(done.lastSeq(), done.endOffset());
            long removed = journal.compact(journalLimit);
            if (removed > 0) {
                readOffset -= removed;
                Deque<Sent> shifted = new ArrayDeque<>();
                for (Sent u : unacked) {
                    shifted.addLast(new Sent(u.lastSeq(), u.endOffset() - removed));
                }
                unacked = shifted;
                Log.info("ckdb journal compacted: %d acknowledged bytes moved to %s.prev", removed,
                        journal.path().getFileName());
            }
        }
    }

    private String awaitReply() throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + REPLY_TIMEOUT_MS;
        while (true) {
            String reply = replies.poll(50, TimeUnit.MILLISECONDS);
            if (reply != null) {
                return reply;
            }
            FrameStream s = stream;
            if (s == null || !s.isOpen()) {
                throw new IOException("ckdb closed the stream");
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("no reply from ckdb in " + REPLY_TIMEOUT_MS + " ms");
            }
        }
    }

    void closeStream() {
        FrameStream s = stream;
        stream = null;
        connected = false;
        if (s != null) {
            s.close();
        }
    }

    /** New messages are in the journal. */
    void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    boolean connected() {
        return connected;
    }
}
