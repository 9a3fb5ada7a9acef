package org.jckpool.ckdb.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.ReconnectingStream;
import org.jckpool.libpool.retry.Backoff;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;

/**
 * The pool's side of ckdb (for the stratifier). Pool messages ({@link #send}) get the next sequence number of
 * this source and go to the journal file first; a sender thread delivers them in order over a persistent stream
 * in batches and moves the acknowledged position only when ckdb reports them committed to PostgreSQL. While ckdb
 * is down messages simply stay in the journal, and they are delivered when it returns; a crash of either side
 * re-sends from the last acknowledged position and ckdb drops what it already has.
 *
 * <p>{@link #authorise} is synchronous; when ckdb cannot be reached, a user.worker that ckdb authorised before
 * (remembered in {@code <source>.authcache}) is still accepted with its last known default difficulty.
 */
public final class CkdbClient implements AutoCloseable {
    private static final int BATCH_LINES = 4000;
    private static final int BATCH_BYTES = 8 << 20;
    private static final long REPLY_TIMEOUT_MS = 15_000;
    private static final long SYNC_TIMEOUT_MS = 3_000;
    /** Acknowledged journal bytes after which the journal is compacted (see {@link CkdbJournal#compact}). */
    public static final long DEFAULT_JOURNAL_LIMIT = 64L << 20;

    /** The answer to an authorise. */
    public record Auth(String username, String workername, double difficultyDefault, boolean fromCache) {
    }

    /** A default-difficulty change pushed by ckdb in a heartbeat reply. */
    public record DiffChange(String username, String workername, double difficultyDefault) {
    }

    private final Path socket;
    private final String source;
    private final CkdbJournal journal;
    private final Path authCacheFile;
    private final Map<String, Double> authCache = new ConcurrentHashMap<>();
    private final LinkedBlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Object wake = new Object();
    private final AtomicLong requestIds = new AtomicLong();
    private final ReconnectingStream link;
    private final long journalLimit;
    private volatile boolean connected;
    private volatile long lastChangeId;
    private volatile FrameStream stream;

    /**
     * @param ckdbSocket ckdb's socket ({@code <ckdb sockdir>/listener})
     * @param spoolDir   directory for the journal, its ack file and the auth cache (e.g. the pool's log dir)
     * @param name       this pool instance's name; the source id is name plus the journal's creation time, so a
     *                   new journal never collides with sequence numbers ckdb saw from an old one
     */
    public CkdbClient(Path ckdbSocket, Path spoolDir, String name) throws IOException {
        this(ckdbSocket, spoolDir, name, DEFAULT_JOURNAL_LIMIT);
    }

    /**
     * @param journalLimitBytes once this many journal bytes are acknowledged as committed by ckdb, the journal
     *                          starts afresh with the unacknowledged rest (the old one is kept as
     *                          {@code <name>.ckdb.journal.prev}), so the spool stays about this size
     */
    public CkdbClient(Path ckdbSocket, Path spoolDir, String name, long journalLimitBytes) throws IOException {
        if (journalLimitBytes < 1) {
            throw new IllegalArgumentException("journal limit must be positive: " + journalLimitBytes);
        }
        this.journalLimit = journalLimitBytes;
        if (!name.matches("[A-Za-z0-9_\\-]{1,64}")) {
            throw new IllegalArgumentException("source name must be 1-64 of [A-Za-z0-9_-]: " + name);
        }
        this.socket = ckdbSocket;
        Files.createDirectories(spoolDir);
        Path idFile = spoolDir.resolve(name + ".ckdb.id");
        Path journalFile = spoolDir.resolve(name + ".ckdb.journal");
        if (!Files.exists(idFile) || !Files.exists(journalFile)) {
            Files.deleteIfExists(journalFile);
            Files.deleteIfExists(journalFile.resolveSibling(journalFile.getFileName() + ".ack"));
            // an older part of a previous journal would be replayed under the new source id by ckdb -r
            Files.deleteIfExists(journalFile.resolveSibling(journalFile.getFileName() + ".prev"));
            Files.writeString(idFile, name + "-" + System.currentTimeMillis() + "\n");
        }
        this.source = Files.readString(idFile).trim();
        this.journal = new CkdbJournal(journalFile);
        this.authCacheFile = spoolDir.resolve(name + ".ckdb.authcache");
        loadAuthCache();
        link = new ReconnectingStream("ckdb-client-" + name, new Backoff(Duration.ofMillis(100),
                Duration.ofSeconds(2)), Duration.ZERO, new Delivery()).start();
    }

    public String source() {
        return source;
    }

    /**
     * Queues a pool message (workinfo, shares, shareerror, block, blockstatus, poolstats, userstats, workerstats);
     * "source" and "seq" are added to the params. @return its sequence number
     */
    public long send(String method, ObjectNode params) throws IOException {
        long seq;
        synchronized (journal) {
            seq = journal.nextSeq();
            params.put("source", source);
            params.put("seq", seq);
            ObjectNode msg = Json.object();
            msg.put("method", method);
            msg.set("params", params);
            journal.append(Json.write(msg));
        }
        synchronized (wake) {
            wake.notifyAll();
        }
        return seq;
    }

    /** Highest sequence number handed to {@link #send}. */
    public long lastSeq() {
        return journal.lastSeq();
    }

    /** Highest sequence number ckdb confirmed as committed. */
    public long deliveredSeq() {
        return journal.ackedSeq();
    }

    public boolean connected() {
        return connected;
    }

    /** Waits until ckdb confirmed everything sent so far. */
    public boolean awaitDelivered(long timeoutMillis) throws InterruptedException {
        long target = lastSeq();
        long end = System.currentTimeMillis() + timeoutMillis;
        while (deliveredSeq() < target) {
            if (System.currentTimeMillis() > end) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * Asks ckdb whether user.worker may mine. Empty when ckdb refused, or when it is unreachable and the worker was
     * never authorised before.
     */
    public Optional<Auth> authorise(String username, String workername, long clientId, String userAgent) {
        ObjectNode p = Json.object();
        p.put("username", username);
        p.put("workername", workername);
        p.put("clientid", clientId);
        if (userAgent != null) {
            p.put("useragent", userAgent);
        }
        String key = username + "\t" + workername;
        try {
            String body = request("authorise", p);
            if (body == null) {
                authCache.remove(key);
                return Optional.empty();
            }
            JsonNode r = Json.MAPPER.readTree(body);
            double diff = r.path("difficultydefault").asDouble(0);
            Double old = authCache.put(key, diff);
            if (old == null || old != diff) {
                saveAuth(key, diff);
            }
            return Optional.of(new Auth(r.path("username").asText(username), r.path("workername").asText(workername),
                    diff, false));
        } catch (IOException e) {
            Double cached = authCache.get(key);
            if (cached == null) {
                Log.warning("ckdb unreachable (%s): cannot authorise new worker %s", e.getMessage(), workername);
                return Optional.empty();
            }
            return Optional.of(new Auth(username, workername, cached, true));
        }
    }

    /** Heartbeat: returns the default-difficulty changes since the last heartbeat (empty when ckdb is down). */
    public List<DiffChange> heartbeat() {
        ObjectNode p = Json.object();
        p.put("since", lastChangeId);
        List<DiffChange> out = new ArrayList<>();
        try {
            String body = request("heartbeat", p);
            if (body == null) {
                return out;
            }
            JsonNode r = Json.MAPPER.readTree(body);
            for (JsonNode c : r.path("diffchange")) {
                out.add(new DiffChange(c.path("username").asText(), c.path("workername").asText(),
                        c.path("difficultydefault").asDouble()));
                authCache.computeIfPresent(c.path("username").asText() + "\t" + c.path("workername").asText(),
                        (k, v) -> c.path("difficultydefault").asDouble());
            }
            lastChangeId = r.path("last").asLong(lastChangeId);
        } catch (IOException e) {
            Log.debug("ckdb heartbeat failed: %s", e.getMessage());
        }
        return out;
    }

    /** One request in ckpool's form; the text after "ok." or null for "failed."; IOException when unreachable. */
    private String request(String cmd, ObjectNode params) throws IOException {
        long id = requestIds.incrementAndGet();
        String reply = ControlClient.request(socket, cmd + "." + id + ".json=" + Json.write(params), SYNC_TIMEOUT_MS)
                .orElseThrow(() -> new IOException("ckdb closed without a reply"));
        String prefix = id + ".";
        int second = reply.indexOf('.', prefix.length());
        if (!reply.startsWith(prefix) || second < 0) {
            throw new IOException("malformed ckdb reply: " + reply);
        }
        String status = reply.substring(second + 1);
        if (status.startsWith("ok.")) {
            return status.substring(3);
        }
        Log.notice("ckdb refused %s: %s", cmd, status);
        return null;
    }

    private void loadAuthCache() throws IOException {
        if (!Files.exists(authCacheFile)) {
            return;
        }
        for (String line : Files.readAllLines(authCacheFile)) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                try {
                    authCache.put(f[0] + "\t" + f[1], Double.parseDouble(f[2]));
                } catch (NumberFormatException e) {
                    Log.warning("ckdb auth cache: skipping bad line");
                }
            }
        }
    }

    private synchronized void saveAuth(String key, double diff) {
        try {
            Files.writeString(authCacheFile, key + "\t" + diff + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            Log.warning("ckdb auth cache: cannot write %s: %s", authCacheFile, e.getMessage());
        }
    }

    // ---- delivery ----

    private record Sent(long lastSeq, long endOffset) {
    }

    /**
     * The sender: on each new stream everything not confirmed goes again (ckdb drops what it already has), then
     * journal batches go out one at a time, each answered with how far ckdb has committed.
     */
    private final class Delivery implements ReconnectingStream.Handler {
        private long readOffset;
        private long readSeq;
        private Deque<Sent> unacked = new ArrayDeque<>();
        private final long[] end = new long[1];

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

    private void closeStream() {
        FrameStream s = stream;
        stream = null;
        connected = false;
        if (s != null) {
            s.close();
        }
    }


    @Override
    public void close() throws IOException {
        link.close(5000);
        closeStream();
        journal.flush();
        journal.close();
    }
}
