package org.jckpool.stratifier.restart;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.engine.EngineHarness;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The restart snapshot end to end in-process: one engine serves a miner and writes the snapshot, a second
 * engine (the restarted stratifier) reads it and judges the miner's shares on the old job as the first would.
 */
class RestartKeeperTest {
    static final String W = Vectors.MAIN_ADDR + ".rig1";
    static final String RW = Vectors.REGTEST_ADDR + ".w";

    @TempDir
    Path logdir;

    private EngineHarness before(EngineConfig cfg, long nowSeconds) {
        return new EngineHarness(cfg, nowSeconds);
    }

    @Test
    void aResumedMinerKeepsItsSessionAndItsSharesOnOldJobsAreJudgedAsBefore() {
        EngineHarness first = before(Vectors.config(1, 1), Vectors.C_TIME + 30);
        RestartKeeper keeper = new RestartKeeper(first.engine, logdir, first.clock);
        keeper.start();
        first.engine.onTemplate(Vectors.templateC());
        first.miner(1, W, true);
        String job = first.jobId(1);
        String en1 = first.out.reply(1, 2).get("result").get(1).asText();
        keeper.close(); // the last write (the periodic writer would do it within 100 ms)
        assertThat(logdir.resolve("restart/state.json")).exists();

        EngineHarness second = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME + 31);
        RestartKeeper restored = new RestartKeeper(second.engine, logdir, second.clock);
        assertThat(restored.restore()).isTrue();
        assertThat(second.engine.currentJob().idHex()).isEqualTo(job);
        assertThat(second.engine.onResume(1, "127.0.0.1", 0)).isTrue();
        // the vector share (version rolling, extranonce1 8d3b5a1c, difficulty 1) on the job of the first run
        JsonNode r = second.submit(1, 10, W, job, "0000002b", "662307b7", "7bec501e", "00a00000");
        assertThat(r.get("result").asBoolean()).as(r.toString()).isTrue();
        assertThat(second.engine.session(1).extranonce1Hex()).isEqualTo(en1);
        assertThat(second.engine.session(1).workerName()).isEqualTo(W);
        // a new miner does not get the restored extranonce1
        second.miner(2, W, false);
        assertThat(second.out.reply(2, 2).get("result").get(1).asText()).isNotEqualTo(en1);
        // a resumed client with no stored session starts as a new connection
        assertThat(second.engine.onResume(9, "127.0.0.1", 0)).isFalse();
        second.line(9, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"x\"]}");
        assertThat(second.out.reply(9, 2).get("result").isArray()).isTrue();
    }

    @Test
    void aBlockSolvingShareReplayedAfterTheRestartIsSubmitted() {
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1e-12, 42, 0), 0x1fffe000, false,
                Hex.decode(Vectors.P2WPKH), Vectors.REGTEST_RESOLVER);
        EngineHarness first = before(cfg, 1_700_000_010L);
        RestartKeeper keeper = new RestartKeeper(first.engine, logdir, first.clock);
        keeper.start();
        first.engine.onTemplate(Vectors.templateG());
        first.miner(1, RW, false);
        String job = first.jobId(1);
        keeper.close();

        EngineHarness second = new EngineHarness(cfg, 1_700_000_012L);
        assertThat(new RestartKeeper(second.engine, logdir, second.clock).restore()).isTrue();
        second.engine.onResume(1, "127.0.0.1", 0);
        JsonNode r = second.submit(1, 7, RW, job, "00000001", "6553f100", "00000000", null);
        assertThat(r.get("result").asBoolean()).as(r.toString()).isTrue();
        assertThat(second.blocks).hasSize(1);
        assertThat(second.blocks.get(0).hash())
                .isEqualTo("50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600");
    }

    @Test
    void unclaimedSessionsGoToTheResumeStoreAndOldSnapshotsAreIgnored() throws Exception {
        EngineHarness first = before(Vectors.config(1, 1), Vectors.C_TIME + 30);
        RestartKeeper keeper = new RestartKeeper(first.engine, logdir, first.clock);
        keeper.start();
        first.engine.onTemplate(Vectors.templateC());
        first.miner(1, W, true);
        String en1 = first.out.reply(1, 2).get("result").get(1).asText();
        keeper.close();

        EngineHarness second = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME + 31);
        assertThat(new RestartKeeper(second.engine, logdir, second.clock).restore()).isTrue();
        second.clock.set((Vectors.C_TIME + 65) * 1000);
        second.engine.tick(); // 34 s: client 1 never came back
        second.engine.onConnect(5, "127.0.0.1", 0);
        second.line(5, "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"x\",\"" + en1 + "\"]}");
        assertThat(second.out.reply(5, 2).get("result").get(1).asText()).isEqualTo(en1);

        EngineHarness late = new EngineHarness(Vectors.config(1, 1), Vectors.C_TIME + 30 + 61);
        assertThat(new RestartKeeper(late.engine, logdir, late.clock).restore()).isFalse();
        assertThat(late.engine.currentJob()).isNull();
    }

    @Test
    void retiredWorkBasesLoseTheirTemplateFiles() throws Exception {
        EngineHarness h = before(Vectors.config(1, 1), Vectors.C_TIME + 30);
        RestartKeeper keeper = new RestartKeeper(h.engine, logdir, h.clock);
        keeper.start();
        h.engine.onTemplate(Vectors.templateC());
        h.engine.onTemplate(Vectors.templateCNextBlock());
        keeper.writeIfChanged();
        try (var files = Files.list(logdir.resolve("restart"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("template-")).count()).isEqualTo(2);
        }
        h.clock.set((Vectors.C_TIME + 30) * 1000 + 3_600_000);
        h.engine.tick();
        keeper.close();
        try (var files = Files.list(logdir.resolve("restart"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith("template-")).count()).isEqualTo(1);
        }
    }
}
