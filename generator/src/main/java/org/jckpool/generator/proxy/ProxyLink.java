package org.jckpool.generator.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.generator.link.StratifierStreams;
import org.jckpool.generator.link.StreamSends;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.stratum.Notify;
import org.jckpool.libpool.stratum.StratumClient;
import org.jckpool.libpool.stratum.SubmitResult;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The generator's side of the stratifier stream in proxy mode (docs/INTERNALS.md "generator ↔ stratifier, proxy
 * mode"): pushes {@code upstream.work}, {@code upstream.difficulty} and {@code upstream.status}; takes
 * {@code upstream.submit} and answers each with {@code upstream.share_result}.
 */
public final class ProxyLink implements ControlServer.StreamAcceptor, UpstreamSink, UserSessions.UserSink {

    private final StratifierStreams streams = new StratifierStreams(" (proxy mode)", "", this::greet, this::handle);
    private volatile UpstreamManager manager;
    /** User proxy mode: the per-user sessions. */
    private volatile UserSessions users;
    private volatile byte[] lastWork;
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong notForwarded = new AtomicLong();

    void manager(UpstreamManager m) {
        this.manager = m;
    }

    void users(UserSessions u) {
        this.users = u;
    }

    @Override
    public FrameStream.Listener open(String peer) {
        return streams.open(peer);
    }

    public int connected() {
        return streams.connected();
    }

    private void greet(FrameStream stream) {
        UpstreamManager m = manager;
        if (m != null) {
            send(stream, statusFrame(m.status()));
        }
        byte[] w = lastWork;
        if (w != null) {
            send(stream, w);
        }
        UserSessions us = users;
        if (us != null) {
            us.resendWork();
        }
    }

    private void handle(FrameStream stream, JsonNode msg) {
        String method = Json.text(msg, "method");
        switch (method == null ? "" : method) {
            case "upstream.submit" -> submit(stream, msg.path("params"));
            case "upstream.user" -> {
                UserSessions us = users;
                JsonNode p = msg.path("params");
                if (us != null && Json.text(p, "user") != null) {
                    us.miners(Json.text(p, "user"), Json.text(p, "pass"), p.path("miners").asInt(0),
                            System.currentTimeMillis());
                }
            }
            case "update" -> { } // templates are the upstream's business in proxy mode
            case "upstream.layout" -> {
                UpstreamManager m = manager;
                int size = msg.path("params").path("extranonce2_size").asInt(-1);
                if (size < 0) {
                    Log.warning("upstream.layout without an extranonce2_size: %s", msg);
                } else if (m != null) {
                    m.stratifierLayout(size);
                }
            }
            default -> {
                StreamSends.unknownMethod(stream, msg, "unknown method in proxy mode: " + method);
            }
        }
    }

    private void submit(FrameStream stream, JsonNode p) {
        UpstreamManager m = manager;
        long gen = p.path("generation").asLong(-1);
        String job = Json.text(p, "job_id");
        String en2 = Json.text(p, "extranonce2");
        String ntime = Json.text(p, "ntime");
        String nonce = Json.text(p, "nonce");
        String vb = Json.text(p, "version_bits");
        JsonNode id = p.get("id");
        String user = Json.text(p, "user");
        UserSessions us = users;
        CompletableFuture<SubmitResult> f;
        Upstream u;
        if (us != null && user != null) {
            f = us.submit(user, gen, job, en2, ntime, nonce, vb);
            u = us.byGeneration(gen);
        } else {
            f = m == null ? null : m.submit(gen, job, en2, ntime, nonce, vb, Json.text(p, "worker"));
            u = m == null ? null : m.byGeneration(gen);
        }
        if (f == null) {
            notForwarded.incrementAndGet();
            Log.info("Share for job %s of an upstream connection that is gone: not forwarded", job);
            send(stream, resultFrame(id, gen, u, SubmitResult.lost("stale: upstream changed"), false));
            return;
        }
        forwarded.incrementAndGet();
        String worker = Json.text(p, "worker");
        StratumClient c = u == null ? null : u.client;
        Double upstreamDiff = c == null ? null : c.difficulty();
        EventLog.global().event(EventLog.SHARE_FORWARDED, "upstream", u == null ? null : u.url(), "job_id", job,
                "worker", worker, "share_diff", p.path("share_diff").asDouble(0), "upstream_diff", upstreamDiff);
        f.thenAccept(r -> {
            shareResultEvent(EventLog.global(), u, job, worker, upstreamDiff, r);
            if (!r.accepted()) {
                Log.info("Upstream %s rejected a share for job %s: %s", u == null ? "?" : u.url(), job, r.reason());
            }
            streams.reply(stream, resultFrame(id, gen, u, r, true));
        });
    }

    /**
     * The {@code share_result} event for an upstream's answer to a forwarded share; {@code difficulty}: the
     * upstream's difficulty when the share was sent (the work it is worth there), null when unknown.
     */
    static void shareResultEvent(EventLog log, Upstream u, String job, String worker, Double difficulty,
                                 SubmitResult r) {
        log.event(EventLog.SHARE_RESULT, "upstream", u == null ? null : u.url(),
                "name", u == null ? null : u.config.displayName(), "index", u == null ? null : u.index,
                "job_id", job, "worker", worker, "difficulty", difficulty, "accepted", r.accepted(),
                "stale", r.stale(), "lost", r.lost(), "reason", r.reason(), "latency_ms", r.roundTripMillis());
    }

    /** upstream.share_result, built by hand: one goes back for every forwarded share. */
    static byte[] resultFrame(JsonNode id, long gen, Upstream u, SubmitResult r, boolean forwarded) {
        StringBuilder sb = new StringBuilder(200).append("{\"method\":\"upstream.share_result\",\"params\":{\"id\":")
                .append(id == null || id.isMissingNode() ? "null" : id.toString())
                .append(",\"generation\":").append(gen);
        if (u != null) {
            Json.appendString(sb.append(",\"upstream\":").append(u.index).append(",\"url\":"), u.url());
        }
        sb.append(",\"forwarded\":").append(forwarded).append(",\"accepted\":").append(r.accepted())
                .append(",\"stale\":").append(r.stale() || !forwarded).append(",\"reason\":");
        Json.appendString(sb, r.reason()).append(",\"latency_ms\":").append(r.roundTripMillis()).append("}}");
        return Frames.utf8(sb.toString());
    }

    @Override
    public void work(Upstream u, long generation, StratumClient c, Notify n, boolean clean) {
        // user proxy mode too: the stratifier takes it as a sign of life and for the extranonce layout
        send(null, u, generation, c, n, clean, false);
    }

    @Override
    public void switchWork(Upstream u, long generation, StratumClient c, Notify n) {
        send(null, u, generation, c, n, true, true);
    }

    @Override
    public void userWork(String user, Upstream u, long generation, StratumClient c, Notify n, boolean clean) {
        send(user, u, generation, c, n, clean, false);
    }

    /**
     * upstream.work to every stratifier stream; {@code user}: only that user's miners (user proxy mode);
     * {@code switched}: a scheduled switch (older jobs stay valid).
     */
    private void send(String user, Upstream u, long generation, StratumClient c, Notify n, boolean clean,
                      boolean switched) {
        ObjectNode o = Json.object();
        o.put("method", "upstream.work");
        ObjectNode p = o.putObject("params");
        p.put("upstream", u.index);
        p.put("url", u.url());
        if (user != null) {
            p.put("user", user);
        }
        p.put("generation", generation);
        p.put("extranonce1", c.extranonce1());
        p.put("extranonce2_size", c.extranonce2Size());
        UpstreamManager m = manager;
        int room = m == null || user != null ? 0 : m.layoutRoom();
        if (room > 0) {
            p.put("layout_extranonce2_size", room);
        }
        p.put("difficulty", c.difficulty());
        p.put("version_mask", String.format("%08x", c.versionMask()));
        p.put("clean", clean);
        if (switched) {
            p.put("switch", true);
        }
        ArrayNode a = p.putArray("notify");
        a.add(n.jobId()).add(n.prevHash()).add(n.coinb1()).add(n.coinb2());
        ArrayNode b = a.addArray();
        n.branch().forEach(b::add);
        a.add(n.version()).add(n.nbits()).add(n.ntime()).add(clean);
        byte[] frame = Frames.utf8(Json.write(o));
        EventLog.global().event(EventLog.JOB_FORWARDED, "upstream", u.config.displayName(), "index", u.index,
                "user", user, "job_id", n.jobId(), "clean", clean, "switch", switched, "difficulty", c.difficulty());
        if (user == null) {
            // a stratifier that connects later gets this as clean work
            p.put("clean", true);
            p.remove("switch");
            a.set(8, Json.MAPPER.getNodeFactory().booleanNode(true));
            lastWork = Frames.utf8(Json.write(o));
        }
        streams.sendToAll(frame);
    }

    @Override
    public void difficulty(Upstream u, long generation, double diff) {
        ObjectNode o = Json.object();
        o.put("method", "upstream.difficulty");
        ObjectNode p = o.putObject("params");
        p.put("upstream", u.index);
        p.put("generation", generation);
        p.put("difficulty", diff);
        byte[] frame = Frames.utf8(Json.write(o));
        streams.sendToAll(frame);
    }

    void pushStatus(ObjectNode status) {
        streams.sendToAll(statusFrame(status));
    }

    static byte[] statusFrame(ObjectNode status) {
        ObjectNode o = Json.object();
        o.put("method", "upstream.status");
        o.set("params", status);
        return Frames.utf8(Json.write(o));
    }

    private static void send(FrameStream s, byte[] frame) {
        StreamSends.send(s, frame);
    }
}
