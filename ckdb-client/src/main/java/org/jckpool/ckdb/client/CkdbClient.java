package org.jckpool.ckdb.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.jckpool.libpool.ipc.ControlClient;
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
    private final AuthCache authCache;
    private final AtomicLong requestIds = new AtomicLong();
    private final JournalDelivery delivery;
    private final ReconnectingStream link;
    private volatile long lastChangeId;

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
        this.authCache = AuthCache.load(spoolDir.resolve(name + ".ckdb.authcache"));
        this.delivery = new JournalDelivery(socket, source, journal, journalLimitBytes);
        link = new ReconnectingStream("ckdb-client-" + name, new Backoff(Duration.ofMillis(100),
                Duration.ofSeconds(2)), Duration.ZERO, delivery).start();
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
        delivery.wake();
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
        return delivery.connected();
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
                authCache.forget(key);
                return Optional.empty();
            }
            JsonNode r = Json.MAPPER.readTree(body);
            double diff = r.path("difficultydefault").asDouble(0);
            authCache.remember(key, diff);
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
                authCache.updateIfKnown(c.path("username").asText() + "\t" + c.path("workername").asText(),
                        c.path("difficultydefault").asDouble());
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

    @Override
    public void close() throws IOException {
        link.close(5000);
        delivery.closeStream();
        journal.flush();
        journal.close();
    }
}
