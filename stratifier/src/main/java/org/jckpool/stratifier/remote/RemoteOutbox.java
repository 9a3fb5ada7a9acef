package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What a trusted remote owes its upstream pool, on disk: {@code outbox} holds one JSON message a line, each with
 * a {@code "seq"} one above the line before; {@code acked} holds the highest seq the upstream has accounted. A
 * restarted remote reads both and goes on numbering where it stopped, so the upstream never sees a seq twice for
 * two different messages. Once the acked lines make up most of the file it is rewritten with the unacked ones
 * only (written aside, then renamed over).
 *
 * <p>At most {@code maxPending} unacked messages are kept: a message beyond that is dropped with a warning (the
 * first, then one a minute with the count), since an upstream away that long needs an operator anyway.
 * Thread-safe.
 */
public final class RemoteOutbox implements AutoCloseable {
    static final String OUTBOX = "outbox";
    static final String ACKED = "acked";

    private final Path dir;
    private final int maxPending;
    /** Unacked entries by seq (a replay after a long outage reads from any seq without a scan). */
    private final NavigableMap<Long, Entry> pending = new TreeMap<>();
    private BufferedWriter writer;
    private long lastSeq;
    private long acked;
    private long linesInFile;
    private long dropped;
    private long lastDropWarnMillis;
    private long lastWriteErrorMillis = Long.MIN_VALUE;
    private boolean closed;

    /** One unacked message: its seq and its line (the JSON text, seq included). */
    public record Entry(long seq, String line) {
    }

    private RemoteOutbox(Path dir, int maxPending) {
        this.dir = dir;
        this.maxPending = maxPending;
    }

    /** Opens (creating when needed) the outbox in {@code dir}. A line that does not parse is skipped with a warning. */
    public static RemoteOutbox open(Path dir, int maxPending) throws IOException {
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be at least 1, not " + maxPending);
        }
        Files.createDirectories(dir);
        RemoteOutbox o = new RemoteOutbox(dir, maxPending);
        o.load();
        return o;
    }

    private void load() throws IOException {
        Path ackFile = dir.resolve(ACKED);
        if (Files.exists(ackFile)) {
            String t = Files.readString(ackFile, StandardCharsets.UTF_8).trim();
            try {
                acked = t.isEmpty() ? 0 : Long.parseLong(t);
            } catch (NumberFormatException e) {
                Log.warning("remote outbox: %s holds '%s', not a number; replaying the whole outbox", ackFile, t);
            }
        }
        lastSeq = acked;
        Path file = dir.resolve(OUTBOX);
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Json.parseOrNull(line);
                if (n == null || !n.path("seq").canConvertToLong()) {
                    Log.warning("remote outbox: skipping an unreadable line in %s (%d characters)", file,
                            line.length());
                    continue;
                }
                long seq = n.get("seq").asLong();
                linesInFile++;
                lastSeq = Math.max(lastSeq, seq);
                if (seq > acked) {
                    pending.put(seq, new Entry(seq, line));
                }
            }
        }
        writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        if (!pending.isEmpty()) {
            Log.notice("remote outbox: %d messages owed to the upstream (seq %d..%d)", pending.size(),
                    pending.firstKey(), lastSeq);
        }
    }

    /**
     * Numbers {@code msg} (sets its {@code "seq"}), writes it and keeps it until acked. Returns the seq, or -1
     * when the bound was hit and the message dropped.
     */
    public synchronized long append(ObjectNode msg, long nowMillis) {
        if (closed) {
            Log.debug("remote outbox closed: '%s' not kept", msg.path("method").asText());
            return -1;
        }
        if (pending.size() >= maxPending) {
            dropped++;
            if (dropped == 1 || nowMillis - lastDropWarnMillis >= 60_000) {
                lastDropWarnMillis = nowMillis;
                Log.warning("remote outbox full (%d unacked messages, the upstream acked up to seq %d): dropping "
                        + "'%s' messages, %d dropped so far", maxPending, acked, msg.path("method").asText(),
                        dropped);
            }
            return -1;
        }
        long seq = lastSeq + 1;
        msg.put("seq", seq);
        String line = msg.toString();
        try {
            writer.write(line);
            writer.write('\n');
            writer.flush();
        } catch (IOException e) {
            // still sent from memory while this process lives; only a restart before its ack would lose it
            if (nowMillis - lastWriteErrorMillis >= 60_000) {
                lastWriteErrorMillis = nowMillis;
                Log.err("remote outbox: cannot write to %s (%s): messages kept in memory only", dir,
                        e.getMessage());
            }
        }
        lastSeq = seq;
        linesInFile++;
        pending.put(seq, new Entry(seq, line));
        notifyAll();
        return seq;
    }

    /** The unacked messages after {@code seq}, in order, at most {@code max}. */
    public synchronized List<Entry> after(long seq, int max) {
        List<Entry> out = new ArrayList<>();
        for (Entry e : pending.tailMap(seq, false).values()) {
            out.add(e);
            if (out.size() >= max) {
                break;
            }
        }
        return out;
    }

    /** Waits up to {@code millis} for a message after {@code seq}; true when there is one. */
    public synchronized boolean awaitAfter(long seq, long millis) throws InterruptedException {
        long end = System.currentTimeMillis() + millis;
        while (lastSeq <= seq) {
            long left = end - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** The upstream has accounted everything up to {@code seq}: persisted, and those lines leave the outbox. */
    public synchronized void ack(long seq) {
        if (seq <= acked) {
            return;
        }
        if (seq > lastSeq) {
            Log.warning("remote outbox: the upstream acked seq %d, beyond the last one sent (%d); taken as %d", seq,
                    lastSeq, lastSeq);
            seq = lastSeq;
        }
        acked = seq;
        pending.headMap(seq, true).clear();
        try {
            writeAtomically(dir.resolve(ACKED), Long.toString(acked) + "\n");
            if (linesInFile > 1024 && pending.size() * 2 < linesInFile) {
                compact();
            }
        } catch (IOException e) {
            Log.err("remote outbox: cannot record ack %d in %s: %s", seq, dir, e.getMessage());
        }
    }

    private void compact() throws IOException {
        writer.close();
        StringBuilder sb = new StringBuilder();
        for (Entry e : pending.values()) {
            sb.append(e.line()).append('\n');
        }
        try {
            writeAtomically(dir.resolve(OUTBOX), sb.toString());
            linesInFile = pending.size();
        } finally {
            writer = Files.newBufferedWriter(dir.resolve(OUTBOX), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public synchronized long acked() {
        return acked;
    }

    public synchronized long lastSeq() {
        return lastSeq;
    }

    public synchronized int pendingCount() {
        return pending.size();
    }

    public synchronized long dropped() {
        return dropped;
    }

    @Override
    public synchronized void close() {
        closed = true;
        try {
            writer.close();
        } catch (IOException e) {
            Log.warning("remote outbox: close: %s", e.getMessage());
        }
    }
}
