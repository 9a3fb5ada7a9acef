package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.stratifier.share.SubmitParams;
import org.jckpool.stratifier.work.TemplateException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Proxy mode in the engine: upstream notifies become work, the extranonce layout, forwarding and staleness. */
class ProxyWorkTest {
    static final String PREV = "4d16b6f85af6e2198f44ae2a6de67f78487ae5611b77c6c0440b921e00000000";
    // version 1, one input, null prevout, script length 0x10, BIP34 push of height 300 (0x012c)
    static final String COINB1 = "01000000" + "01" + "0".repeat(64) + "ffffffff" + "10" + "022c01";
    static final String COINB2 = "ffffffff0100f2052a010000001976a914000000000000000000000000000000000000000088ac00000000";

    record Forwarded(String worker, String en2, String jobId, long generation, boolean block) {
    }

    static JsonNode work(long generation, int en2Size, String job, boolean clean, double diff) {
        return Vectors.json("{\"upstream\":0,\"url\":\"up:1\",\"generation\":" + generation
                + ",\"extranonce1\":\"aabbccdd\",\"extranonce2_size\":" + en2Size + ",\"difficulty\":" + diff
                + ",\"version_mask\":\"1fffe000\",\"clean\":" + clean + ",\"notify\":[\"" + job + "\",\"" + PREV
                + "\",\"" + COINB1 + "\",\"" + COINB2 + "\",[],\"20000000\",\"207fffff\",\"" + String.format("%08x",
                Vectors.C_TIME) + "\"," + clean + "]}");
    }

    @Test
    void carvesExtranonceForwardsAndRejectsOldUpstreamJobsAsStale() {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        List<Forwarded> fw = new ArrayList<>();
        h.engine.upstreamForwarder((s, job, p, diff, block) -> fw.add(new Forwarded(p.worker(),
                job.base().upstream().paddingHex() + s.extranonce1Hex() + p.extranonce2(), job.base().upstream().jobId(),
                job.base().upstream().generation(), block)));
        h.engine.onUpstreamWork(work(1, 8, "up-a", true, 1e-10));
        assertThat(h.engine.proxyLayout()).isEqualTo(new ProxyLayout(4, 4));
        long c = h.miner(1, "minerA", false);
        JsonNode sub = h.out.reply(c, 2);
        assertThat(sub.path("result").get(1).asText()).hasSize(8);
        assertThat(sub.path("result").get(2).asInt()).isEqualTo(4);
        String en1 = sub.path("result").get(1).asText();
        h.engine.onUpstreamWork(work(1, 8, "up-b", false, 1e-10));
        String job = h.jobId(c);
        String ntime = String.format("%08x", Vectors.C_TIME);
        JsonNode r = h.submit(c, 10, "minerA", job, "00000001", ntime, "00000000", null);
        assertThat(r.path("result").asBoolean()).as("%s", r).isTrue();
        assertThat(fw).hasSize(1);
        assertThat(fw.get(0).en2()).isEqualTo(en1 + "00000001");
        assertThat(fw.get(0).jobId()).isEqualTo("up-b");

        // a new upstream connection with more room: clean work, padding before the miner's extranonce1
        h.engine.onUpstreamWork(work(2, 10, "up2-a", false, 1e-10));
        JsonNode stale = h.submit(c, 11, "minerA", job, "00000002", ntime, "00000000", null);
        assertThat(stale.path("result").asBoolean()).isFalse();
        assertThat(stale.toString()).containsIgnoringCase("stale");
        assertThat(fw).hasSize(1);
        String job2 = h.jobId(c);
        assertThat(h.submit(c, 12, "minerA", job2, "00000003", ntime, "00000000", null).path("result").asBoolean())
                .isTrue();
        assertThat(fw.get(1).en2()).isEqualTo("0000" + en1 + "00000003");
        assertThat(fw.get(1).generation()).isEqualTo(2);

        // an upstream with less room than the miners' layout is refused
        assertThatThrownBy(() -> h.engine.onUpstreamWork(work(3, 6, "up3", true, 1e-10)))
                .isInstanceOf(TemplateException.class).hasMessageContaining("smaller than the miners' layout");
    }

    @Test
    void sharesBelowTheUpstreamDifficultyAreNotForwarded() {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        List<SubmitParams> fw = new ArrayList<>();
        h.engine.upstreamForwarder((s, job, p, diff, block) -> fw.add(p));
        h.engine.onUpstreamWork(work(1, 8, "up-a", true, 1e12));
        long c = h.miner(1, "minerA", false);
        String ntime = String.format("%08x", Vectors.C_TIME);
        assertThat(h.submit(c, 10, "minerA", h.jobId(c), "00000001", ntime, "00000000", null).path("result")
                .asBoolean()).isTrue();
        assertThat(fw).isEmpty();
        h.engine.upstreamDifficulty(1, 1e-10);
        assertThat(h.submit(c, 11, "minerA", h.jobId(c), "00000002", ntime, "00000000", null).path("result")
                .asBoolean()).isTrue();
        assertThat(fw).hasSize(1);
    }

    @Test
    void theAnnouncedLayoutRoomFixesTheLayoutWhateverTheFirstWorksOwnSize() {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        List<Forwarded> fw = new ArrayList<>();
        h.engine.upstreamForwarder((s, job, p, diff, block) -> fw.add(new Forwarded(p.worker(),
                job.base().upstream().paddingHex() + s.extranonce1Hex() + p.extranonce2(), job.base().upstream().jobId(),
                job.base().upstream().generation(), block)));
        // the scheduling proxy's first work is from an 8-byte upstream, but another has only 4 bytes
        h.engine.onUpstreamWork(withRoom(work(1, 8, "big", true, 1e-10), 4));
        assertThat(h.engine.proxyLayout()).isEqualTo(new ProxyLayout(2, 2));
        long c = h.miner(1, "minerA", false);
        JsonNode sub = h.out.reply(c, 2);
        assertThat(sub.path("result").get(1).asText()).hasSize(4);
        assertThat(sub.path("result").get(2).asInt()).isEqualTo(2);
        String en1 = sub.path("result").get(1).asText();
        String ntime = String.format("%08x", Vectors.C_TIME);
        assertThat(h.submit(c, 10, "minerA", h.jobId(c), "0001", ntime, "00000000", null).path("result")
                .asBoolean()).isTrue();
        assertThat(fw.get(0).en2()).as("4 bytes of padding on the 8-byte upstream").isEqualTo("00000000" + en1
                + "0001");
        // the 4-byte upstream's work is taken: no padding
        h.engine.onUpstreamWork(withRoom(work(2, 4, "small", true, 1e-10), 4));
        assertThat(h.submit(c, 11, "minerA", h.jobId(c), "0002", ntime, "00000000", null).path("result")
                .asBoolean()).isTrue();
        assertThat(fw.get(1).en2()).isEqualTo(en1 + "0002");
        assertThat(fw.get(1).jobId()).isEqualTo("small");
    }

    static JsonNode withRoom(JsonNode work, int room) {
        ((ObjectNode) work).put("layout_extranonce2_size", room);
        return work;
    }

    @Test
    void tooSmallUpstreamIsRefused() {
        EngineHarness h = new EngineHarness(Vectors.config(1e-10, 1e-10), Vectors.C_TIME);
        assertThatThrownBy(() -> h.engine.onUpstreamWork(work(1, 3, "x", true, 1)))
                .isInstanceOf(TemplateException.class).hasMessageContaining("too small to proxy");
    }
}
