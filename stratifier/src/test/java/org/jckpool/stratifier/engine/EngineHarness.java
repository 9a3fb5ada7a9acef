package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.stratifier.share.SolutionGate;

import java.util.ArrayList;
import java.util.List;

/** An engine with a manual clock, a recording outbound and a list of submitted blocks. */
public final class EngineHarness {
    public record Submitted(String hex, String hash, long height) {
    }

    public final ManualClock clock;
    public final RecordingOutbound out = new RecordingOutbound();
    public final List<Submitted> blocks = new ArrayList<>();
    /** The real gate in front of the recorded submissions: one per tip at a time. */
    public final SolutionGate gate = new SolutionGate(b -> blocks.add(new Submitted(b.hex(), b.hash(), b.height())));
    public final StratumEngine engine;

    public EngineHarness(EngineConfig cfg, long nowSeconds) {
        clock = new ManualClock(nowSeconds * 1000);
        engine = new StratumEngine(cfg, out, gate, clock, Vectors.EN1);
    }

    public void line(long client, String json) {
        engine.onLine(client, json);
    }

    /** Connect, configure version rolling, subscribe and authorise; returns the client id. */
    public long miner(long client, String worker, boolean rolling) {
        engine.onConnect(client, "127.0.0.1", 0);
        if (rolling) {
            line(client, "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
                    + "{\"version-rolling.mask\":\"1fffe000\",\"version-rolling.min-bit-count\":2}]}");
        }
        line(client, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"test/1.0\"]}");
        line(client, "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" + worker + "\",\"x\"]}");
        return client;
    }

    public String jobId(long client) {
        JsonNode n = out.lastMethod(client, "mining.notify");
        return n == null ? null : n.path("params").get(0).asText();
    }

    public JsonNode submit(long client, int id, String worker, String job, String en2, String ntime, String nonce,
                           String versionBits) {
        String vb = versionBits == null ? "" : ",\"" + versionBits + "\"";
        line(client, "{\"id\":" + id + ",\"method\":\"mining.submit\",\"params\":[\"" + worker + "\",\"" + job
                + "\",\"" + en2 + "\",\"" + ntime + "\",\"" + nonce + "\"" + vb + "]}");
        return out.reply(client, id);
    }
}
