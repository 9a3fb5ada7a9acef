package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EngineVardiffTest {
    static final String W = Vectors.MAIN_ADDR + ".rig1";

    @Test
    void silentMinerGetsALowerDifficultyThenANotify() {
        EngineHarness h = new EngineHarness(Vectors.config(1, 42), Vectors.C_TIME);
        h.engine.onTemplate(Vectors.templateC());
        h.miner(1, W, false);
        String firstJob = h.jobId(1);
        h.out.clear();
        h.clock.advanceSeconds(30);
        h.engine.tick();
        assertThat(h.out.log).isEmpty();
        h.clock.advanceSeconds(31);
        h.engine.tick();
        List<JsonNode> lines = h.out.received(1);
        assertThat(lines).extracting(n -> n.get("method").asText())
                .containsExactly("mining.set_difficulty", "mining.notify");
        assertThat(lines.get(0).get("params").get(0).asDouble()).isEqualTo(2.0); // 42/61 s × 3.33
        assertThat(lines.get(1).get("params").get(0).asText()).isNotEqualTo(firstJob);
        assertThat(lines.get(1).get("params").get(8).asBoolean()).isFalse();
    }

    @Test
    void networkDifficultyCapsClientsWhenTheTemplateChanges() {
        EngineHarness h = new EngineHarness(Vectors.config(1e-12, 42), 1_700_000_010L);
        h.engine.onTemplate(Vectors.templateC());
        h.miner(1, W, false);
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(42.0);
        h.out.clear();
        h.engine.onTemplate(Vectors.templateG()); // regtest difficulty 4.66e-10
        List<JsonNode> lines = h.out.received(1);
        assertThat(lines).extracting(n -> n.get("method").asText())
                .containsExactly("mining.set_difficulty", "mining.notify");
        assertThat(lines.get(0).get("params").get(0).asDouble()).isLessThanOrEqualTo(4.6565423739069247e-10);
    }

    @Test
    void anEasyNetworkNeverTakesClientsBelowMindiffAndTheirSharesStillSolveBlocks() {
        EngineHarness h = new EngineHarness(Vectors.config(0.0001, 0.0001), 1_700_000_010L);
        h.engine.onTemplate(Vectors.templateG()); // regtest difficulty 4.66e-10, far below mindiff
        h.miner(1, W, false);
        assertThat(h.out.lastMethod(1, "mining.set_difficulty").get("params").get(0).asDouble()).isEqualTo(0.0001);
        h.out.clear();
        h.engine.onTemplate(Vectors.templateG());
        assertThat(h.out.received(1)).extracting(n -> n.get("method").asText()).doesNotContain("mining.set_difficulty");
    }
}
