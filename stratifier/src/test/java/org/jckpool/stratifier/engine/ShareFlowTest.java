package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Every share verdict, with real hashes from docs/PROTOCOL.md vector (c). */
class ShareFlowTest {
    static final String W = Vectors.MAIN_ADDR + ".rig1";
    EngineHarness h;
    long c;
    String job;

    @BeforeEach
    void setUp() {
        h = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME + 30);
        h.engine.onTemplate(Vectors.templateC());
        c = h.miner(1, W, true);
        job = h.jobId(c);
    }

    private JsonNode share(int id, String jobId, String en2, String ntime, String nonce, String vb) {
        return h.submit(c, id, W, jobId, en2, ntime, nonce, vb);
    }

    private static void assertReject(JsonNode r, int code, String reason) {
        assertThat(r.get("result").asBoolean()).isFalse();
        assertThat(r.get("error").get(0).asInt()).isEqualTo(code);
        assertThat(r.get("error").get(2).isNull()).isTrue();
        assertThat(r.get("reject-reason").asText()).isEqualTo(reason);
    }

    @Test
    void workMatchesTheVector() {
        JsonNode subscribe = h.out.reply(c, 2);
        assertThat(subscribe.get("result").get(1).asText()).isEqualTo("8d3b5a1c");
        assertThat(subscribe.get("result").get(2).asInt()).isEqualTo(4);
        JsonNode configure = h.out.reply(c, 1);
        assertThat(configure.get("result").get("version-rolling").asBoolean()).isTrue();
        assertThat(configure.get("result").get("version-rolling.mask").asText()).isEqualTo("1fffe000");
        JsonNode notify = h.out.lastMethod(c, "mining.notify");
        JsonNode p = notify.get("params");
        assertThat(p.get(1).asText()).isEqualTo("48d12fc652e38479ff9c03b4236097d448050f15000251eb0000000000000000");
        assertThat(p.get(2).asText()).isEqualTo(
                "02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff150340d10c072f4a506f6f6c2f08");
        assertThat(p.get(3).asText()).isEqualTo(
                "feffffff02a735b31200000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288eced3143843fd10c00");
        assertThat(p.get(4).get(0).asText()).isEqualTo("af6c87dd207be09ed13c907d2491f3bd9d9f215b588c244c1ac44ef74fb3931f");
        assertThat(p.get(4).get(1).asText()).isEqualTo("d4d15a484edf09e8d7117fb7012086a84a4e0deb4ea4f9d58563fe1f34e653b1");
        assertThat(p.get(5).asText()).isEqualTo("20000000");
        assertThat(p.get(6).asText()).isEqualTo("17034219");
        assertThat(p.get(7).asText()).isEqualTo("662307b7");
        assertThat(p.get(8).asBoolean()).isTrue();
        // set_difficulty came before the notify it governs, both right after the subscribe result
        var lines = h.out.received(c);
        int sd = -1, nt = -1, sub = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).path("id").asInt() == 2) {
                sub = i;
            }
        }
        for (int i = sub; i < lines.size(); i++) {
            String m = lines.get(i).path("method").asText();
            if (m.equals("mining.set_difficulty") && sd < 0) {
                sd = i;
            }
            if (m.equals("mining.notify") && nt < 0) {
                nt = i;
            }
        }
        assertThat(sd).isEqualTo(sub + 1);
        assertThat(nt).isEqualTo(sub + 2);
    }

    @Test
    void vectorShareIsAcceptedAtDifficultyOne() {
        JsonNode r = share(10, job, "0000002b", "662307b7", "7bec501e", "00a00000");
        assertThat(r.get("result").asBoolean()).isTrue();
        assertThat(r.get("error").isNull()).isTrue();
        assertThat(h.engine.stats().pool().acceptedCount()).isEqualTo(1);
        assertThat(h.engine.stats().pool().bestShare()).isBetween(1.4231, 1.4232);
        assertThat(h.blocks).isEmpty();
    }

    @Test
    void duplicateIsRefused() {
        share(10, job, "0000002b", "662307b7", "7bec501e", "00a00000");
        assertReject(share(11, job, "0000002b", "662307b7", "7bec501e", "00a00000"), 22, "Duplicate");
        assertThat(h.engine.stats().pool().rejectsByReason()).containsEntry("Duplicate", 1L);
    }

    @Test
    void otherNonceIsAboveTarget() {
        assertReject(share(10, job, "0000002b", "662307b7", "7bec501f", "00a00000"), 23, "Above target");
    }

    @Test
    void versionBitsOutsideTheMask() {
        assertReject(share(10, job, "0000002b", "662307b7", "7bec501e", "40000000"), 20, "Invalid version mask");
        assertReject(share(11, job, "0000002b", "662307b7", "7bec501e", "zz000000"), 20, "Invalid version mask");
    }

    @Test
    void versionBitsWithoutLeadingZerosOrNull() {
        assertThat(share(10, job, "0000002b", "662307b7", "7bec501e", "a00000").get("result").asBoolean()).isTrue();
        h.line(c, "{\"id\":11,\"method\":\"mining.submit\",\"params\":[\"" + W + "\",\"" + job
                + "\",\"0000002b\",\"662307b7\",\"7bec501e\",null]}");
        // null means no version bits: version 0x20000000, another header, which misses difficulty 1
        assertReject(h.out.reply(c, 11), 23, "Above target");
    }

    @Test
    void versionBitsWithoutNegotiationAreRefused() {
        h.miner(2, W, false);
        JsonNode r = h.submit(2, 10, W, h.jobId(2), "0000002b", "662307b7", "7bec501e", "00a00000");
        assertReject(r, 20, "Invalid version mask");
    }

    @Test
    void ntimeWindow() {
        assertReject(share(10, job, "0000002b", "662307b6", "7bec501e", "00a00000"), 20, "Ntime out of range");
        long tooFar = Vectors.C_TIME + 7001;
        assertReject(share(11, job, "0000002b", Long.toHexString(tooFar), "7bec501e", "00a00000"), 20,
                "Ntime out of range");
    }

    @Test
    void ntimeBeyondNowPlusTwoHours() {
        // Clock far behind the template: ntime within the job's roll window is still beyond now + 7200.
        h.clock.set((Vectors.C_TIME - 8000) * 1000);
        long t = Vectors.C_TIME + 10;
        assertReject(share(10, job, "0000002b", Long.toHexString(t), "7bec501e", "00a00000"), 20,
                "Ntime out of range");
    }

    @Test
    void unknownJob() {
        assertReject(share(10, "deadbeef", "0000002b", "662307b7", "7bec501e", "00a00000"), 21, "Invalid JobID");
        assertReject(share(11, "not-hex", "0000002b", "662307b7", "7bec501e", "00a00000"), 21, "Invalid JobID");
    }

    @Test
    void staleAfterNewBlockButStillHashed() {
        h.engine.onTemplate(Vectors.templateCNextBlock());
        JsonNode notify = h.out.lastMethod(c, "mining.notify");
        assertThat(notify.get("params").get(8).asBoolean()).isTrue();
        assertReject(share(10, job, "0000002b", "662307b7", "7bec501e", "00a00000"), 21, "Stale");
        assertThat(h.engine.stats().pool().bestShare()).isGreaterThan(1.4);
    }

    @Test
    void refreshOnSameBlockKeepsOldJobsValid() {
        h.engine.onTemplate(Vectors.templateC());
        assertThat(h.out.lastMethod(c, "mining.notify").get("params").get(8).asBoolean()).isFalse();
        assertThat(h.jobId(c)).isNotEqualTo(job);
        JsonNode r = share(10, job, "0000002b", "662307b7", "7bec501e", "00a00000");
        assertThat(r.get("result").asBoolean()).isTrue();
    }

    @Test
    void oldJobsRetireAfterGrace() {
        h.engine.onTemplate(Vectors.templateC());
        h.clock.advanceSeconds(601);
        h.engine.tick();
        assertReject(share(10, job, "0000002b", "662307b7", "7bec501e", "00a00000"), 21, "Invalid JobID");
    }

    @Test
    void malformedFields() {
        assertReject(share(10, job, "002b", "662307b7", "7bec501e", "00a00000"), 20, "Invalid nonce2 length");
        assertReject(share(11, job, "0000002b00", "662307b7", "7bec501e", "00a00000"), 20, "Invalid nonce2 length");
        assertReject(share(12, job, "0000002g", "662307b7", "7bec501e", "00a00000"), 20, "Invalid nonce2 length");
        assertReject(share(13, job, "0000002b", "662307bx", "7bec501e", "00a00000"), 20, "Invalid ntime");
        assertReject(share(14, job, "0000002b", "662307b7", "7bec50", "00a00000"), 20, "Invalid nonce");
        assertReject(share(15, job, "", "662307b7", "7bec501e", "00a00000"), 20, "No nonce2");
        h.line(c, "{\"id\":16,\"method\":\"mining.submit\",\"params\":[\"" + W + "\",\"" + job + "\"]}");
        assertReject(h.out.reply(c, 16), 20, "Invalid array size");
        h.line(c, "{\"id\":17,\"method\":\"mining.submit\",\"params\":null}");
        assertReject(h.out.reply(c, 17), 20, "Params not array");
    }

    @Test
    void workerMismatch() {
        assertReject(h.submit(c, 10, "someoneelse.rig", job, "0000002b", "662307b7", "7bec501e", "00a00000"), 24,
                "Worker mismatch");
    }

    @Test
    void submitBeforeSubscribeAndBeforeAuthorize() {
        h.engine.onConnect(5, "127.0.0.1", 0);
        assertReject(h.submit(5, 10, W, job, "0000002b", "662307b7", "7bec501e", null), 25, "Not subscribed");
        h.line(5, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[]}");
        assertReject(h.submit(5, 11, W, job, "0000002b", "662307b7", "7bec501e", null), 24, "Unauthorized worker");
        h.line(5, "{\"id\":12,\"method\":\"mining.submit\",\"params\":[]}");
        assertReject(h.out.reply(5, 12), 24, "Unauthorized worker");
    }

    @Test
    void shareJudgedAtTheDifficultyOfItsJob() {
        // Difficulty goes up to 2 after the job was sent: the old job is still judged at 1 ...
        h.line(c, "{\"id\":20,\"method\":\"mining.suggest_difficulty\",\"params\":[2]}");
        String newJob = h.jobId(c);
        assertThat(newJob).isNotEqualTo(job);
        assertThat(h.out.lastMethod(c, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(2.0);
        assertThat(share(10, job, "0000002b", "662307b7", "7bec501e", "00a00000").get("result").asBoolean())
                .isTrue();
        // ... while the same work under the new job id must reach 2 (this hash is 1.42).
        assertReject(share(11, newJob, "0000002b", "662307b7", "7bec501e", "00a00000"), 23, "Above target");
    }

    @Test
    void setDifficultyPrecedesTheNotifyAfterAChange() {
        h.out.clear();
        h.line(c, "{\"id\":19,\"method\":\"mining.suggest_difficulty\",\"params\":[0.5]}");
        assertThat(h.out.received(c)).hasSize(1); // below mindiff 1: floor applies, nothing changes
        h.line(c, "{\"id\":20,\"method\":\"mining.suggest_difficulty\",\"params\":[3.5]}");
        var lines = h.out.received(c);
        assertThat(lines).extracting(n -> n.path("method").asText(n.path("id").asText()))
                .containsExactly("19", "20", "mining.set_difficulty", "mining.notify");
        assertThat(lines.get(3).get("params").get(8).asBoolean()).isFalse();
        assertThat(lines.get(2).get("params").get(0).asDouble()).isEqualTo(3.5);
    }
}
