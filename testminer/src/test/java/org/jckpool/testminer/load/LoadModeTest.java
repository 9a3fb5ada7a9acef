package org.jckpool.testminer.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.jckpool.testminer.RecordingOutput.value;

import java.util.List;
import org.jckpool.testminer.FakePool;
import org.jckpool.testminer.MinerRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(90)
class LoadModeTest {
    private static final String NEW_PREV = "00000000" + "22".repeat(28);

    @Test
    void twoHundredConnectionsReportLatencyAndFanOut() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 1;
            MinerRun run = new MinerRun("--load", "-o", pool.url(), "-u", "loaduser", "--connections", "200",
                    "--rate", "400", "--duration", "2.5", "--drain", "15", "--status-interval", "0");
            run.out.await("LOAD_READY", 30_000);
            Thread.sleep(500); // the scenario: a new block half a second into the submits
            long broadcastAt = System.currentTimeMillis();
            pool.broadcastJob(FakePool.vectorC().withId("b2").withPrevHash(NEW_PREV), true);
            assertThat(run.exitCode(40)).isZero();
            long exitedAt = System.currentTimeMillis();

            String ready = run.out.line("LOAD_READY");
            assertThat(value(ready, "ready")).isEqualTo("200");
            String summary = run.out.line("LOAD_SUMMARY");
            assertThat(value(summary, "connected")).isEqualTo("200");
            assertThat(value(summary, "authorized")).isEqualTo("200");
            assertThat(value(summary, "ready_at_end")).isEqualTo("200");
            assertThat(value(summary, "disconnects")).isEqualTo("0");

            String submits = run.out.line("LOAD_SUBMITS");
            long sent = Long.parseLong(value(submits, "sent"));
            long answered = Long.parseLong(value(submits, "answered"));
            // 400/s for 2.5 s: the scheduler sends by time slot and catches up after a stall, so a busy machine only
            // loses the slots that find no connection ready; never more than rate × duration
            assertThat(sent).isBetween(500L, 1000L);
            assertThat(answered).isEqualTo(sent);
            assertThat(value(submits, "unanswered")).isEqualTo("0");
            assertThat(value(submits, "stray")).isEqualTo("0");
            // Fake submits: the pool recomputed each hash and found it above target (or stale after the block).
            assertThat(pool.submitList()).hasSize((int) sent);
            assertThat(Long.parseLong(value(submits, "rejected")) + Long.parseLong(value(submits, "accepted")))
                    .isEqualTo(sent);
            assertThat(run.out.line("LOAD_REJECTS")).contains("Low difficulty share=");
            // Every connection used its own worker name and well-formed fields.
            assertThat(pool.submitList().stream().map(s -> s.params().get(0).asText()).distinct().count()).isEqualTo(200);
            assertThat(pool.submitList()).allSatisfy(s -> {
                assertThat(s.params().get(0).asText()).matches("loaduser\\.w\\d+");
                assertThat(s.reason() == null || !s.reason().startsWith("Other")).as(s.reason()).isTrue();
            });

            String latency = run.out.line("LOAD_LATENCY_MS");
            assertThat(Long.parseLong(value(latency, "samples"))).isEqualTo(answered);
            double p50 = Double.parseDouble(value(latency, "p50"));
            double p99 = Double.parseDouble(value(latency, "p99"));
            double max = Double.parseDouble(value(latency, "max"));
            assertThat(p50).isPositive().isLessThanOrEqualTo(p99);
            assertThat(p99).isLessThanOrEqualTo(max);

            String connect = run.out.line("LOAD_CONNECT_MS");
            assertThat(Double.parseDouble(value(connect, "p50"))).isPositive();
            assertThat(Double.parseDouble(value(connect, "all_ready_ms"))).isPositive();

            String fanout = run.out.line("LOAD_FANOUT");
            assertThat(value(fanout, "block_changes")).isEqualTo("1");
            assertThat(value(fanout, "complete")).isEqualTo("1");
            assertThat(Double.parseDouble(value(fanout, "max_ms"))).isGreaterThanOrEqualTo(0).isLessThan(5000);
            String block = run.out.line("LOAD_FANOUT_BLOCK");
            assertThat(block).contains("prevhash=" + NEW_PREV).contains("reached=200 of 200");
            // Wall-clock arrival times, comparable with other processes' logs (scripts/bench uses them).
            long first = Long.parseLong(value(block, "first_epoch_ms"));
            long last = Long.parseLong(value(block, "last_epoch_ms"));
            assertThat(first).isBetween(broadcastAt - 5, exitedAt);
            assertThat(last).isBetween(first, exitedAt);
            assertThat((double) (last - first)).isCloseTo(Double.parseDouble(value(block, "spread_ms")),
                    org.assertj.core.data.Offset.offset(2.0));
        }
    }

    @Test
    void warmupSubmitsAreSentButNotCounted() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 1;
            MinerRun run = new MinerRun("--load", "-o", pool.url(), "--connections", "10", "--rate", "200",
                    "--warmup", "1.5", "--duration", "1", "--drain", "10", "--status-interval", "0");
            assertThat(run.exitCode(40)).isZero();
            String submits = run.out.line("LOAD_SUBMITS");
            long sent = Long.parseLong(value(submits, "sent"));
            // 1 s measured at 200/s (time slots, caught up after a stall); the pool also saw warm-up submits before
            // them: up to 300, fewer when a stall skipped some (a warm-up backlog is not sent into the measured part)
            assertThat(sent).isBetween(100L, 200L);
            assertThat(value(submits, "answered")).isEqualTo(Long.toString(sent));
            assertThat(value(submits, "unanswered")).isEqualTo("0");
            assertThat(Double.parseDouble(value(submits, "duration_s"))).isCloseTo(1.0,
                    org.assertj.core.data.Offset.offset(0.001));
            assertThat(pool.submitList().size()).isBetween((int) sent + 1, (int) sent + 300);
            assertThat(Long.parseLong(value(run.out.line("LOAD_LATENCY_MS"), "samples"))).isEqualTo(sent);
        }
    }

    @Test
    void latencyPerSecondPrintsALineForEachSecondOfReplies() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 1;
            MinerRun run = new MinerRun("--load", "-o", pool.url(), "--connections", "5", "--rate", "100",
                    "--duration", "3.5", "--latency-per-second", "--drain", "10", "--status-interval", "0");
            assertThat(run.exitCode(40)).isZero();
            // A line each time a second of replies is over: about three in 3.5 s, fewer when a stall stretched one;
            // how many replies fall into each depends on the machine, so only the counts' sum is checked
            List<String> seconds = run.out.lines("LOAD_LATENCY_SECOND");
            assertThat(seconds).hasSizeBetween(1, 4);
            long total = 0;
            long previousStart = Long.MIN_VALUE;
            for (String line : seconds) {
                long n = Long.parseLong(value(line, "n"));
                assertThat(n).as(line).isPositive();
                long start = Long.parseLong(value(line, "t_s"));
                assertThat(start).as("each line starts a second or more after the one before").isGreaterThanOrEqualTo(
                        previousStart == Long.MIN_VALUE ? 0 : previousStart + 1);
                previousStart = start;
                assertThat(Double.parseDouble(value(line, "p50")))
                        .isLessThanOrEqualTo(Double.parseDouble(value(line, "p99")));
                assertThat(Long.parseLong(value(line, "ended_epoch_ms"))).isPositive();
                total += n;
            }
            assertThat(total).isLessThanOrEqualTo(Long.parseLong(value(run.out.line("LOAD_SUBMITS"), "answered")));
        }
    }

    @Test
    void validModeSubmitsRealShares() throws Exception {
        try (FakePool pool = new FakePool(FakePool.vectorC())) {
            pool.difficulty = 0.000001;
            MinerRun run = new MinerRun("--load", "--valid", "-o", pool.url(), "--connections", "20", "--rate", "20",
                    "--duration", "1.5", "--version-rolling", "--selectors", "2", "--status-interval", "0");
            assertThat(run.exitCode(40)).isZero();
            String submits = run.out.line("LOAD_SUBMITS");
            long accepted = Long.parseLong(value(submits, "accepted"));
            assertThat(accepted).as("%s", run.out.events).isGreaterThanOrEqualTo(3);
            assertThat(value(submits, "rejected")).isEqualTo("0");
            assertThat(pool.submitList()).allSatisfy(s -> {
                assertThat(s.accepted()).as(s.reason()).isTrue();
                assertThat(s.versionBits()).isEqualTo("00000000");
            });
        }
    }

    @Test
    void noReachablePoolFailsTheRun() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        MinerRun run = new MinerRun("--load", "-o", "127.0.0.1:" + port, "--connections", "5", "--duration", "0.2",
                "--status-interval", "0");
        assertThat(run.exitCode(30)).isEqualTo(1);
        assertThat(value(run.out.line("LOAD_SUMMARY"), "connect_failed")).isEqualTo("5");
    }
}
