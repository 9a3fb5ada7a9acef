package org.jckpool.stratifier.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.net.HostPort;
import org.jckpool.stratifier.ckdb.CkdbMessages;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.RejectReason;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.stratifier.stats.StatsRegistry;
import org.jckpool.stratifier.stats.UserStats;
import org.jckpool.stratifier.stats.WorkerStats;
import org.jckpool.stratifier.work.WorkBase;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * What a trusted remote ({@code -t}) tells its upstream pool, in ckpool's message forms ({@link RemoteProtocol}):
 * every new work base ({@code workinfo}), every share of an authorised worker (accepted: {@code share}, refused:
 * {@code shareerr}), every block solution ({@code block}, after its share) go through the on-disk
 * {@link RemoteOutbox} and are replayed until acked; user and worker statistics ({@code workers},
 * {@code workerstats}, each minute) go only while connected, as a later minute supersedes them.
 */
public final class RemoteReports implements AutoCloseable {
    static final String ID_FILE = "id";
    /**
     * Unacked messages kept at most (config {@code remote_outbox_max}): held in memory as well as on disk, about
     * 40 MB at this default, a day of a share a second.
     */
    public static final int DEFAULT_MAX_PENDING = 100_000;
    public static final String MAX_PENDING_KEY = "remote_outbox_max";

    /** {@code remote_outbox_max} from the raw config (1 to 1,000,000), else the default. */
    public static int maxPending(JsonNode rawConfig) {
        JsonNode v = rawConfig == null ? null : rawConfig.get(MAX_PENDING_KEY);
        if (v == null) {
            return DEFAULT_MAX_PENDING;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 1_000_000) {
            throw new IllegalArgumentException(MAX_PENDING_KEY + " must be a whole number from 1 to 1000000, not "
                    + v);
        }
        return v.asInt();
    }

    private final String instance;
    private final RemoteOutbox outbox;
    private final UpstreamReporter reporter;
    private final UpstreamAuthoriser authoriser;

    private RemoteReports(String instance, RemoteOutbox outbox, UpstreamReporter reporter) {
        this.instance = instance;
        this.outbox = outbox;
        this.reporter = reporter;
        this.authoriser = new UpstreamAuthoriser(reporter::sendIfConnected);
        reporter.authResults(authoriser::result);
        reporter.onConnected(authoriser::reconcile);
    }

    /** Authorises this remote's miners through the main pool ({@code auth} / {@code auth.result}). */
    public UpstreamAuthoriser authoriser() {
        return authoriser;
    }

    /** Opens the outbox in {@code dir} (with the remote's id, made once) and starts the upstream connection. */
    public static RemoteReports start(Path dir, HostPort upstream, String instance, String agent, int maxPending)
            throws IOException {
        return start(dir, upstream, instance, agent, maxPending, UpstreamReporter.RETRY_MILLIS);
    }

    static RemoteReports start(Path dir, HostPort upstream, String instance, String agent, int maxPending,
                               long retryMillis) throws IOException {
        RemoteOutbox outbox = RemoteOutbox.open(dir, maxPending);
        String id = remoteId(dir, instance);
        UpstreamReporter r = new UpstreamReporter(upstream, agent, id, outbox, retryMillis);
        r.start();
        Log.notice("Trusted remote %s reporting to upstream %s (outbox %s)", id, upstream, dir);
        return new RemoteReports(instance, outbox, r);
    }

    static String remoteId(Path dir, String instance) throws IOException {
        Path f = dir.resolve(ID_FILE);
        if (Files.exists(f)) {
            String id = Files.readString(f, StandardCharsets.UTF_8).trim();
            if (!id.isEmpty()) {
                return id;
            }
        }
        String id = instance + "-" + UUID.randomUUID();
        Files.writeString(f, id + "\n", StandardCharsets.UTF_8);
        return id;
    }

    public void workinfo(WorkBase base, long nowMillis) {
        outbox.append(RemoteProtocol.typed(RemoteProtocol.WORKINFO, CkdbMessages.workinfo(base, instance)),
                nowMillis);
    }

    /** The engine's share observer (share path, under the session's monitor): one appended line. */
    public void share(ClientSession s, ShareResult r, long nowMillis) {
        if (!s.isAuthorised()) {
            return;
        }
        if (r.accepted()) {
            ObjectNode m = RemoteProtocol.typed(RemoteProtocol.SHARE, CkdbMessages.share(s, r, nowMillis));
            m.put("result", true);
            outbox.append(m, nowMillis);
        } else {
            outbox.append(RemoteProtocol.typed(RemoteProtocol.SHAREERR, CkdbMessages.shareError(s, r, nowMillis)),
                    nowMillis);
        }
        if (r.blockHash() != null && r.job() != null && r.reason() != RejectReason.DUPLICATE) {
            ObjectNode b = RemoteProtocol.typed(RemoteProtocol.BLOCK, CkdbMessages.block(s, r, nowMillis));
            b.put("name", instance);
            outbox.append(b, nowMillis);
        }
    }

    /** Each minute: per user its worker count ({@code workers}) and per worker its statistics. */
    public void userStats(StatsRegistry stats, long nowMillis) {
        if (!reporter.connected()) {
            return;
        }
        for (UserStats u : stats.users()) {
            ObjectNode w = RemoteProtocol.typed(RemoteProtocol.WORKERS, Json.object());
            w.put("username", u.name());
            w.put("workers", u.workers().size());
            reporter.sendIfConnected(w);
            for (WorkerStats ws : u.workers()) {
                reporter.sendIfConnected(RemoteProtocol.typed(RemoteProtocol.WORKERSTATS,
                        CkdbMessages.workerStats(instance, u.name(), ws.name(), ws, nowMillis)));
            }
        }
    }

    public ObjectNode json() {
        ObjectNode n = reporter.json();
        n.set("auth", authoriser.json());
        return n;
    }

    RemoteOutbox outbox() {
        return outbox;
    }

    @Override
    public void close() {
        authoriser.close();
        reporter.close();
    }
}
