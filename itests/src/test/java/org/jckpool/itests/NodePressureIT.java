package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The flood seen with a real Bitcoin Core regtest node: a chain far easier than the pool's share difficulty
 * (bits 207fffff, difficulty 4.66e-10, against mindiff 0.0001), where every share is a block solution. simnode
 * limits its RPC as Core does (16 threads, a queue of 64, then HTTP 503). For a minute of CPU mining: no 503, the
 * chain grows at least a block a second, every solution has one outcome and none is lost, and the miner's shares
 * are at least 80% accepted.
 */
class NodePressureIT {
    static final String WORKER = MiningSuite.ADDRESS + ".cpu";
    static final int SECONDS = 30; // some 300 blocks at this difficulty: the pressure a busy regtest chain puts on the node

    @TempDir
    Path dir;

    @Test
    void anEasyChainIsMinedWithoutFloodingTheNodeOrLosingASolution() throws Exception {
        try (MiningSuite suite = new MiningSuite(dir, "pressure", "207fffff",
                "\"mindiff\":0.0001,\"startdiff\":0.0001,\"highdiff\":0.0001", List.of("--rpcthreads", "16", "--rpcworkqueue", "64"))) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            long height0 = suite.rpc.getBlockCount();

            PoolProcesses.Result miner = suite.testminer("-u", WORKER, "-p", "x", "-t", "1", "--duration",
                    String.valueOf(SECONDS), "--status-interval", "0");
            long grown = suite.rpc.getBlockCount() - height0;
            String summary = line(miner.out(), "SUMMARY ");
            long accepted = field(summary, "accepted");
            long rejected = field(summary, "rejected");

            JsonNode rpcStats = suite.rpc.call("simnode.rpcstats");
            System.out.printf("NODE_PRESSURE seconds=%d blocks=%d submitblock_calls=%d node_503s=%d miner_accepted=%d "
                            + "miner_rejected=%d%n", SECONDS, grown, rpcStats.path("calls").path("submitblock").asLong(),
                    rpcStats.path("refused").asLong(), accepted, rejected);
            assertThat(rpcStats.path("refused").asLong()).as("503s the node gave: %s", rpcStats).isZero();
            assertThat(grown).as("blocks in %d s (miner: %s)", SECONDS, summary).isGreaterThanOrEqualTo(SECONDS);
            assertThat(rpcStats.path("calls").path("submitblock").asLong())
                    .as("one submission per height, not one per share (%s)", rpcStats)
                    .isLessThanOrEqualTo(grown + 5);
            assertThat((double) accepted / (accepted + rejected)).as(summary).isGreaterThanOrEqualTo(0.8);

            // every solution has exactly one outcome; none lost or refused, and each accepted one is in the chain
            assertThat(Await.within(30_000, () -> outcomeCount(suite, "submitted") == 0))
                    .as("all submissions answered").isTrue();
            JsonNode blocks = Json.parseOrNull(suite.get("/api/blocks?limit=1000").body());
            assertThat(blocks.toString()).doesNotContain("\"lost\"", "\"rejected\"");
            long acceptedBlocks = outcomeCount(suite, "accepted");
            assertThat(acceptedBlocks).isEqualTo(grown);
            String metrics = suite.get("/metrics").body();
            assertThat(metric(metrics, "jckpool_block_solutions_total{outcome=\"lost\"}")).isZero();
            assertThat(metric(metrics, "jckpool_block_solutions_total{outcome=\"rejected\"}")).isZero();
            assertThat(metric(metrics, "jckpool_block_solutions_total{outcome=\"accepted\"}")).isEqualTo(grown);
            assertThat(metric(metrics, "jckpool_block_solutions_total{outcome=\"duplicate-height\"}")
                    + metric(metrics, "jckpool_block_solutions_total{outcome=\"stale\"}") + grown)
                    .as("every solution counted once").isGreaterThanOrEqualTo(accepted);
            assertThat(suite.poolLog()).doesNotContain("Work queue depth exceeded", "BLOCK LOST", "BLOCK REJECTED");
        }
    }

    @Test
    void aBlockLandsWhileTheFirstOfTwoNodesAnswers503ForTenSeconds() throws Exception {
        // no mempools: a block built on either node's template is valid on both
        try (MiningSuite suite = new MiningSuite(dir, "twonodes", "207fffff",
                "\"mindiff\":0.0001,\"startdiff\":0.0001,\"highdiff\":0.0001", List.of("--txs", "0"), 2)) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            var busy = suite.rpcs.get(0);
            var other = suite.rpcs.get(1);
            long otherHeight0 = other.getBlockCount();
            busy.call("simnode.setmode", "busy");
            long busyUntil = System.currentTimeMillis() + 10_000;

            PoolProcesses.Result miner = suite.testminer("-u", WORKER, "-p", "x", "-t", "1", "--max-shares", "3",
                    "--duration", "9", "--status-interval", "0");
            assertThat(miner.out()).as(miner.out()).contains("BLOCK ");
            assertThat(Await.within(15_000, () -> other.getBlockCount() > otherHeight0))
                    .as("a block landed on the node that answers; log:\n%s", suite.poolLog()).isTrue();
            long landed = other.getBlockCount() - otherHeight0;
            Thread.sleep(Math.max(0, busyUntil - System.currentTimeMillis())); // the scenario: ten busy seconds
            busy.call("simnode.setmode", "ok");
            assertThat(Await.within(30_000, () -> busy.getBlockCount() > 0))
                    .as("the submission kept asking the busy node until it took the block").isTrue();

            assertThat(Await.within(30_000, () -> outcomeCount(suite, "submitted") == 0))
                    .as("all submissions answered").isTrue();
            String metrics = suite.get("/metrics").body();
            assertThat(metric(metrics, "jckpool_block_solutions_total{outcome=\"accepted\"}"))
                    .isGreaterThanOrEqualTo(landed);
            assertThat(metric(metrics, "jckpool_block_solutions_total{outcome=\"lost\"}")).isZero();
            assertThat(metric(metrics, "jckpool_block_solutions_total{outcome=\"rejected\"}"))
                    .as("a 503 is never a rejection").isZero();
            assertThat(suite.poolLog()).contains("Work queue depth exceeded").doesNotContain("BLOCK REJECTED");
            System.out.printf("TWO_NODES blocks_landed_while_busy=%d%n", landed);
        }
    }

    private static long outcomeCount(MiningSuite suite, String status) {
        try {
            JsonNode blocks = Json.parseOrNull(suite.get("/api/blocks?limit=1000").body());
            long n = 0;
            for (JsonNode b : blocks.path("blocks").isArray() ? blocks.path("blocks") : blocks) {
                if (status.equals(b.path("status").asText())) {
                    n++;
                }
            }
            return n;
        } catch (Exception e) {
            return -1;
        }
    }

    static String line(String out, String prefix) {
        return out.lines().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + prefix + "line in:\n" + out));
    }

    static long field(String line, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=(\\d+)").matcher(line);
        if (!m.find()) {
            throw new AssertionError("no " + name + " in " + line);
        }
        return Long.parseLong(m.group(1));
    }

    static double metric(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(series.length() + 1).trim())).findFirst().orElse(-1);
    }
}
