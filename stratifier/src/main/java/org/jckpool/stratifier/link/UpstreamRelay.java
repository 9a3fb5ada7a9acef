package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.log.RateLimitedLog;
import org.jckpool.stratifier.engine.ProxyLayout;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.SubmitParams;
import org.jckpool.stratifier.share.UpstreamForwarder;
import org.jckpool.stratifier.work.Job;
import org.jckpool.stratifier.work.UpstreamJob;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Proxy mode, stratifier side: sends each share that meets the upstream's difficulty to the generator as
 * {@code upstream.submit} (the upstream's job id and extranonce2 = padding ‖ miner extranonce1 ‖ miner
 * extranonce2), counts the upstream's answers, and keeps the generator's last {@code upstream.status} for the
 * admin socket, /api/upstreams and /metrics.
 */
public final class UpstreamRelay implements UpstreamForwarder {
    private final GeneratorLink generator;
    private final StratumEngine engine;
    private final AtomicLong ids = new AtomicLong();
    final AtomicLong forwarded = new AtomicLong();
    final AtomicLong notSent = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong rejected = new AtomicLong();
    final AtomicLong blockCandidates = new AtomicLong();
    private volatile JsonNode status = Json.object();
    /** One warning per 10 s: under overload every share would log one, and the log would slow the share path. */
    private final RateLimitedLog unsentWarning = new RateLimitedLog(4, TimeUnit.SECONDS.toNanos(10));
    /** User proxy mode: shares go to the session of the miner's user. */
    private volatile boolean userProxy;

    public UpstreamRelay(GeneratorLink generator, StratumEngine engine) {
        this.generator = generator;
        this.engine = engine;
    }

    public void userProxy(boolean on) {
        this.userProxy = on;
    }

    @Override
    public void userMiners(String user, int miners) {
        ObjectNode o = Json.object();
        o.put("method", "upstream.user");
        ObjectNode q = o.putObject("params");
        q.put("user", user);
        q.put("miners", miners);
        if (!generator.sendMessage(Json.write(o))) {
            Log.warning("User %s: no generator stream to ask for its upstream session", user);
        }
    }

    @Override
    public void forward(ClientSession s, Job job, SubmitParams p, double shareDiff, boolean blockCandidate) {
        UpstreamJob up = job.base().upstream();
        String vb = null;
        if (p.versionBits() != null) {
            long bits = Long.parseLong(p.versionBits(), 16);
            if ((bits & ~(engine.upstreamVersionMask() & 0xffffffffL)) != 0) {
                notSent.incrementAndGet();
                Log.info("Share of %s rolls version bits %08x outside the upstream's mask: not forwarded",
                        s.workerName(), bits);
                return;
            }
            vb = String.format("%08x", bits);
        }
        // built by hand: this runs on the share path for every forwarded share
        StringBuilder sb = new StringBuilder(320).append("{\"method\":\"upstream.submit\",\"params\":{\"id\":")
                .append(ids.incrementAndGet()).append(",\"upstream\":").append(up.upstream())
                .append(",\"generation\":").append(up.generation()).append(",\"job_id\":");
        Json.appendString(sb, up.jobId()).append(",\"extranonce2\":");
        Json.appendString(sb, up.paddingHex() + s.extranonce1Hex() + p.extranonce2().toLowerCase())
                .append(",\"ntime\":");
        Json.appendString(sb, p.ntime().toLowerCase()).append(",\"nonce\":");
        Json.appendString(sb, p.nonce().toLowerCase());
        if (vb != null) {
            Json.appendString(sb.append(",\"version_bits\":"), vb);
        }
        Json.appendString(sb.append(",\"worker\":"), s.workerName());
        if (userProxy) {
            Json.appendString(sb.append(",\"user\":"), s.userName());
        }
        sb.append(",\"share_diff\":").append(Double.isFinite(shareDiff) ? shareDiff : 0)
                .append(",\"block\":").append(blockCandidate).append("}}");
        if (generator.sendShare(sb.toString())) {
            forwarded.incrementAndGet();
            if (blockCandidate) {
                blockCandidates.incrementAndGet();
                Log.warning("Block candidate from %s forwarded upstream (job %s, share difficulty %.6g)",
                        s.workerName(), up.jobId(), shareDiff);
            }
        } else {
            notSent.incrementAndGet();
            unsentWarning.log(System.nanoTime(), "Share of " + s.workerName() + " not forwarded upstream: "
                    + (!generator.connected() ? "no generator stream"
                    : "the generator has taken no frame for " + GeneratorLink.SHARE_WAIT_MS + " ms"));
        }
    }

    public void result(JsonNode p) {
        if (p.path("accepted").asBoolean(false)) {
            accepted.incrementAndGet();
        } else {
            rejected.incrementAndGet();
        }
    }

    public void status(JsonNode params) {
        status = params;
    }

    /**
     * Tells the generator the miners' fixed layout ({@code upstream.layout}), so that a scheduling proxy never
     * makes active an upstream with less extranonce2 room (its work would be refused here). Sent when the stream
     * opens and when work announced a smaller room than ours (a generator that started after us).
     */
    public void reportLayout() {
        ProxyLayout l = engine.proxyLayout();
        if (l != null && !userProxy) {
            generator.sendMessage("{\"method\":\"upstream.layout\",\"params\":{\"extranonce2_size\":" + l.room()
                    + "}}");
        }
    }

    /** After upstream.work: reports our layout when the work announced a smaller room than it. */
    public void checkAnnouncedLayout(JsonNode work) {
        int announced = work.path("layout_extranonce2_size").asInt(0);
        ProxyLayout l = engine.proxyLayout();
        if (announced > 0 && l != null && announced < l.room()) {
            Log.notice("The generator announces a %d-byte layout room; our miners have %d bytes: telling it",
                    announced, l.room());
            reportLayout();
        }
    }

    /** The generator's last upstream.status plus our own counts. */
    public ObjectNode upstreams() {
        ObjectNode o = Json.object();
        o.setAll((ObjectNode) (status.isObject() ? status.deepCopy() : Json.object()));
        ObjectNode f = o.putObject("forwarding");
        f.put("forwarded", forwarded.get());
        f.put("not_sent", notSent.get());
        f.put("waited", generator.shareWaits());
        f.put("wait_ms", generator.shareWaitMillis());
        f.put("queued", generator.queued());
        f.put("accepted", accepted.get());
        f.put("rejected", rejected.get());
        f.put("block_candidates", blockCandidates.get());
        ProxyLayout l = engine.proxyLayout();
        if (l != null) {
            f.put("miner_extranonce1_size", l.carved());
            f.put("miner_extranonce2_size", l.minerNonce2());
        }
        return o;
    }
}
