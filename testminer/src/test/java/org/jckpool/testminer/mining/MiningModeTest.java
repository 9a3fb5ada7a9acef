package org.jckpool.testminer.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jckpool.testminer.RecordingOutput.value;

import java.util.List;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.testminer.FakePool;
import org.jckpool.testminer.FakePool.Submit;
import org.jckpool.testminer.MinerRun;
import org.jckpool.testminer.VectorC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The miner against the scripted pool, over real loopback sockets. */
@Timeout(60)
class MiningModeTest {

    @Test
    void minesVectorCJobAndEverySubmitChecksOutAtThePool() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.00002;
            MinerRun run = new MinerRun("-o", pool.url(), "-u", VectorC.WORKER, "--max-shares", "5",
                    "--status-interval", "0");
            assertThat(run.exitCode(40)).isZero();

            assertThat(run.out.line("SUBSCRIBED")).isEqualTo("SUBSCRIBED extranonce1 8d3b5a1c extranonce2_size 4 session s8d3b5a1c");
            assertThat(run.out.line("AUTHORIZED")).isEqualTo("AUTHORIZED " + VectorC.WORKER + " true");
            assertThat(run.out.line("DIFF")).isEqualTo("DIFF 2.0E-5");
            assertThat(run.out.line("NOTIFY")).isEqualTo("NOTIFY 1f true");
            assertThat(run.out.lines("ACCEPTED")).hasSizeGreaterThanOrEqualTo(5);
            assertThat(run.out.lines("ACCEPTED").get(0)).isEqualTo("ACCEPTED 1 diff 2.0E-5");
            assertThat(run.out.lines("REJECTED")).isEmpty();
            assertThat(run.out.line("SUMMARY")).contains("accepted=").contains("rejected=0");
            assertThat(Long.parseLong(value(run.out.line("SUMMARY"), "accepted"))).isGreaterThanOrEqualTo(5);

            List<Submit> submits = pool.submitList();
            assertThat(submits).hasSizeGreaterThanOrEqualTo(5);
            for (Submit s : submits) {
                assertThat(s.accepted()).as("pool verdict %s", s.reason()).isTrue();
                assertThat(s.params().get(0).asText()).isEqualTo(VectorC.WORKER);
                assertThat(s.jobId()).isEqualTo("1f");
                assertThat(s.extranonce2()).matches("[0-9a-f]{8}");
                assertThat(s.ntime()).isEqualTo(VectorC.NTIME);
                assertThat(s.nonce()).matches("[0-9a-f]{8}");
                assertThat(s.versionBits()).isNull();
                assertThat(s.params()).hasSize(5);
            }
            // The miner's SUBMIT lines name the same shares the pool received.
            assertThat(run.out.lines("SUBMIT")).hasSameSizeAs(submits);
            assertThat(pool.subscribeParams.peek().get(0).asText()).isEqualTo("jckpool-testminer/0.1");
        }
    }

    @Test
    void versionRollingSubmitsCarryBitsOnlyInsideTheMask() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.00002;
            try (MinerRun run = new MinerRun("-o", pool.url(), "--version-rolling", "--max-shares", "40",
                    "--status-interval", "0")) {
                run.out.await("ACCEPTED 15 ", 30_000);
                assertThat(run.out.line("VERSIONMASK")).isEqualTo("VERSIONMASK 1fffe000");
                // Narrow the mask: from now on only bits 0x00006000 may roll.
                pool.sendToAll("{\"id\":null,\"method\":\"mining.set_version_mask\",\"params\":[\"00006000\"]}");
                run.out.await("VERSIONMASK 00006000", 5000);
                int seenAtChange = pool.submitList().size();
                run.out.await("ACCEPTED 40 ", 30_000);
                assertThat(run.exitCode(10)).isZero();

                assertThat(pool.requests.peek().path("method").asText()).isEqualTo("mining.configure");
                assertThat(pool.requests.peek().path("params").get(1).path("version-rolling.mask").asText())
                        .isEqualTo("1fffe000");
                List<Submit> submits = pool.submitList();
                assertThat(submits).allSatisfy(s -> {
                    assertThat(s.params()).hasSize(6);
                    assertThat(s.versionBits()).matches("[0-9a-f]{8}");
                    assertThat(StratumEncoding.parseHex32(s.versionBits()) & ~0x1fffe000L).isZero();
                });
                assertThat(submits).filteredOn(s -> !s.versionBits().equals("00000000")).isNotEmpty();
                // Shares found after the miner printed the new mask: bits only within 00006000, and the pool
                // (which still checks the original grant) accepted all of them.
                List<String> events = List.copyOf(run.out.events); // the miner may still be adding events
                List<String> afterLines = events.subList(events.indexOf("VERSIONMASK 00006000"), events.size());
                assertThat(afterLines.stream().filter(l -> l.startsWith("SUBMIT ")))
                        .isNotEmpty()
                        .allSatisfy(l -> assertThat(StratumEncoding.parseHex32(l.split(" ")[10]) & ~0x6000L).isZero());
                assertThat(submits.subList(seenAtChange, submits.size())).isNotEmpty();
                assertThat(submits).allSatisfy(s -> assertThat(s.accepted()).as(s.reason()).isTrue());
            }
        }
    }

    @Test
    void fractionalDifficultyYieldsManyShares() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.000002;
            MinerRun run = new MinerRun("-o", pool.url(), "--duration", "2", "--status-interval", "0.5");
            assertThat(run.exitCode(20)).isZero();
            List<Submit> submits = pool.submitList();
            assertThat(submits.size()).isGreaterThan(10);
            assertThat(submits).allSatisfy(s -> assertThat(s.accepted()).as(s.reason()).isTrue());
            // A difficulty-1 miner would almost never find one in 2 s: the fractional target is in use.
            long belowOne = submits.stream()
                    .filter(s -> org.jckpool.libpool.bitcoin.Target.hashDifficulty(
                            org.jckpool.libpool.bitcoin.Hex.fromRpc(s.hashRpc())) < 1).count();
            assertThat(belowOne).isGreaterThan(5);
            assertThat(run.out.lines("STATUS")).isNotEmpty();
            String status = run.out.line("STATUS");
            assertThat(status).contains("diff=2.0E-6");
            assertThat(Double.parseDouble(value(status, "hashrate_hs"))).isPositive();
            assertThat(run.out.line("STOP")).isEqualTo("STOP duration 2 s reached");
            // Closing the connection at its own stop is not a disconnect.
            assertThat(run.out.lines("DISCONNECTED")).isEmpty();
            assertThat(value(run.out.line("SUMMARY"), "disconnects")).isEqualTo("0");
        }
    }

    @Test
    void rejectsInBothErrorFormsAreCountedByReason() throws Exception {
        for (FakePool.RejectStyle style : FakePool.RejectStyle.values()) {
            try (FakePool pool = new FakePool(FakePool.vectorC())) {
                pool.difficulty = 0.00001;
                pool.judgeAt = 1.0; // the pool says 0.00001 but judges at 1: nearly every share is low
                pool.rejectStyle = style;
                MinerRun run = new MinerRun("-o", pool.url(), "--duration", "1.5", "--status-interval", "0");
                assertThat(run.exitCode(20)).isZero();
                String reason = style == FakePool.RejectStyle.CKPOOL ? "Above target" : "Low difficulty share";
                assertThat(run.out.lines("REJECTED")).isNotEmpty().allSatisfy(l -> assertThat(l).isEqualTo("REJECTED " + reason));
                long rejected = Long.parseLong(value(run.out.line("SUMMARY"), "rejected"));
                assertThat(rejected).isEqualTo(run.out.lines("REJECTED").size());
                assertThat(run.out.line("SUMMARY_REJECTS")).isEqualTo("SUMMARY_REJECTS " + reason + "=" + rejected);
            }
        }
    }
}
