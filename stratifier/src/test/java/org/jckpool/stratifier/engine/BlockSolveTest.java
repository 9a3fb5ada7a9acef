package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.share.ShareResult;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.stratifier.vardiff.VardiffConfig;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/PROTOCOL.md vector (g): the regtest block at height 1, submitted byte for byte. */
class BlockSolveTest {
    static final String W = Vectors.REGTEST_ADDR + ".w";
    static final String EXPECTED = "0000002006226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f"
            + "29f6f0c30954b0433d405e5eb50241840b2aacbcf5796c39f4c39ffc980abceb00f15365ffff7f200000000001020000000001010000000000000000"
            + "000000000000000000000000000000000000000000000000ffffffff1251072f4a506f6f6c2f088d3b5a1c00000001fe"
            + "ffffff0200f2052a01000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21"
            + "a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf90120000000000000000000000000"
            + "000000000000000000000000000000000000000000000000";
    static final String HASH = "50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600";

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
    void aSolutionOnASupersededTipIsRecordedStaleAndNotSubmitted() {
        EngineHarness h = regtest(false);
        List<ShareResult> seen = observe(h);
        h.miner(1, W, false);
        String job = h.jobId(1);
        h.engine.onTemplate(Vectors.json(Vectors.templateG().toString().replace("466e2206", "466e2207")));
        JsonNode r = h.submit(1, 7, W, job, "00000001", "6553f100", "00000000", null);
        assertThat(h.blocks).isEmpty();
        assertThat(r.get("reject-reason").asText()).isEqualTo("Stale");
        assertThat(seen).last().satisfies(s -> {
            assertThat(s.blockHash()).isEqualTo(HASH);
            assertThat(s.solution()).isEqualTo(SolutionOutcome.STALE);
        });
    }

    @Test
    void oneSubmissionPerTipWhileInFlightAndAfterAcceptance() {
        EngineHarness h = regtest(false);
        List<ShareResult> seen = observe(h);
        h.miner(1, W, false);
        String job = h.jobId(1);
        List<ShareResult> solutions = new ArrayList<>();
        for (String en2 : List.of("00000001", "00000002", "00000003")) {
            solutions.add(solve(h, seen, job, en2));
        }
        assertThat(solutions).extracting(ShareResult::solution)
                .containsExactly(SolutionOutcome.SUBMITTED, SolutionOutcome.DUPLICATE_HEIGHT,
                        SolutionOutcome.DUPLICATE_HEIGHT);
        assertThat(solutions).allSatisfy(s -> assertThat(s.accepted()).as("the shares themselves count").isTrue());
        assertThat(h.blocks).hasSize(1);
        assertThat(h.gate.inFlight()).isEqualTo(1);

        h.gate.result(h.blocks.get(0).hash(), SolutionOutcome.ACCEPTED);
        assertThat(solve(h, seen, job, "00000004").solution()).isEqualTo(SolutionOutcome.DUPLICATE_HEIGHT);
        assertThat(h.blocks).hasSize(1);
        assertThat(h.gate.inFlight()).isZero();
    }

    @Test
    void aRefusedOrLostSubmissionOpensTheTipForTheNextSolution() {
        EngineHarness h = regtest(false);
        List<ShareResult> seen = observe(h);
        h.miner(1, W, false);
        String job = h.jobId(1);
        assertThat(solve(h, seen, job, "00000001").solution()).isEqualTo(SolutionOutcome.SUBMITTED);
        h.gate.result(h.blocks.get(0).hash(), SolutionOutcome.REJECTED);
        assertThat(solve(h, seen, job, "00000002").solution()).isEqualTo(SolutionOutcome.SUBMITTED);
        h.gate.result(h.blocks.get(1).hash(), SolutionOutcome.LOST);
        assertThat(solve(h, seen, job, "00000003").solution()).isEqualTo(SolutionOutcome.SUBMITTED);
        assertThat(h.blocks).hasSize(3);
        assertThat(h.blocks).extracting(EngineHarness.Submitted::hash).doesNotHaveDuplicates();
    }

    private static List<ShareResult> observe(EngineHarness h) {
        List<ShareResult> seen = new ArrayList<>();
        h.engine.shareObserver((s, r, now) -> seen.add(r));
        return seen;
    }

    /** Submits shares with extranonce2 {@code en2} and rising nonces until one solves a block; returns its result. */
    private static ShareResult solve(EngineHarness h, List<ShareResult> seen, String job, String en2) {
        for (long nonce = 0; nonce < 1_000; nonce++) {
            h.submit(1, 100 + seen.size(), W, job, en2, "6553f100", String.format("%08x", nonce), null);
            ShareResult r = seen.get(seen.size() - 1);
            if (r.blockHash() != null) {
                return r;
            }
        }
        throw new AssertionError("no block in 1,000 nonces at regtest difficulty");
    }
}
