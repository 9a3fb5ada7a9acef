package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** PROTOCOL.md vector (g): the regtest block at height 1, submitted byte for byte. */
class BlockSolveTest {
    static final String W = Vectors.REGTEST_ADDR + ".w";
    static final String EXPECTED = "0000002006226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f"
            + "29f6f0c30954b0433d405e5eb50241840b2aacbcf5796c39f4c39ffc980abceb00f15365ffff7f200000000001020000000001010000000000000000"
            + "000000000000000000000000000000000000000000000000ffffffff1251072f4a506f6f6c2f088d3b5a1c00000001fe"
            + "ffffff0200f2052a01000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21"
            + "a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf90120000000000000000000000000"
            + "000000000000000000000000000000000000000000000000";

    private EngineHarness regtest(boolean solo) {
        EngineConfig cfg = EngineConfig.of(Vectors.work(), new VardiffConfig(1e-12, 42, 0), 0x1fffe000, solo,
                solo ? null : Hex.decode(Vectors.P2WPKH), Vectors.REGTEST_RESOLVER);
        EngineHarness h = new EngineHarness(cfg, 1_700_000_010L);
        h.engine.onTemplate(Vectors.templateG());
        return h;
    }

    private void solveAndCheck(EngineHarness h) {
        h.miner(1, W, false);
        // startdiff 42 is far above regtest's network difficulty: capped before the first notify
        double diff = h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble();
        assertThat(diff).isLessThan(1e-9);
        JsonNode r = h.submit(1, 7, W, h.jobId(1), "00000001", "6553f100", "00000000", null);
        assertThat(h.blocks).hasSize(1);
        assertThat(h.blocks.get(0).hex()).isEqualTo(EXPECTED);
        assertThat(h.blocks.get(0).hash()).isEqualTo("50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600");
        assertThat(h.blocks.get(0).height()).isEqualTo(1);
        assertThat(r.get("result").asBoolean()).isTrue();
        assertThat(h.out.lastMethod(1, "client.show_message").get("params").get(0).asText())
                .contains("50b98f66728b0ac8");
    }

    @Test
    void regtestBlockIsSubmittedExactly() {
        solveAndCheck(regtest(false));
    }

    @Test
    void soloModePaysTheUserAddress() {
        // same payout script as the pool's in the vector, so the block is identical
        solveAndCheck(regtest(true));
    }

    @Test
    void staleBlockSolveIsStillSubmittedFirst() {
        EngineHarness h = regtest(false);
        h.miner(1, W, false);
        String job = h.jobId(1);
        h.engine.onTemplate(Vectors.json(Vectors.templateG().toString().replace("466e2206", "466e2207")));
        JsonNode r = h.submit(1, 7, W, job, "00000001", "6553f100", "00000000", null);
        assertThat(h.blocks).hasSize(1);
        assertThat(h.blocks.get(0).hex()).isEqualTo(EXPECTED);
        assertThat(r.get("reject-reason").asText()).isEqualTo("Stale");
    }
}
