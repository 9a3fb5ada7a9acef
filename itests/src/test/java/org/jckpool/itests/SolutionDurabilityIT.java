package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No path loses a found block: the suite on a regtest-target simnode, a raw Stratum client submitting one solving
 * share per phase, and a process killed with SIGKILL at each step of the block's way to the node.
 * <ol>
 * <li>The generator has the block (acknowledged) but cannot submit it (simnode busy) and is killed: the
 * stratifier still holds it and sends it to the restarted generator.</li>
 * <li>The generator is down (killed while the listener is stopped, so nobody restarts it): the miner is answered,
 * which means the block is in the solutions journal, and the stratifier is killed before any generator saw it.
 * The restarted stratifier resubmits it from the journal.</li>
 * <li>The generator is stopped (SIGSTOP) when the block is solved and the stratifier is killed right after the
 * answer: whichever of the old frame and the journal gets there first, the block lands once.</li>
 * </ol>
 */
class SolutionDurabilityIT {
    static final String WORKER = MiningSuite.ADDRESS + ".rig1";
    static final String NAME = "dur";

    @TempDir
    Path dir;

    @Test
    void aSolvedBlockReachesTheNodeWhicheverProcessDies() throws Exception {
        try (MiningSuite suite = new MiningSuite(dir, NAME, null,
                "\"mindiff\":0.0001,\"startdiff\":0.001,\"highdiff\":0.001")) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            long tip = suite.rpc.getBlockCount();

            // 1. generator killed after receiving the block, before the node took it
            awaitWorkOn(suite, tip);
            suite.rpc.call("simnode.setmode", "busy");
            String first;
            try (StratumTestClient c = client(suite)) {
                first = solve(c, 1);
            }
            assertThat(Await.within(10_000, () -> {
                JsonNode s = suite.stratifier("{\"method\":\"stats\"}");
                return s != null && s.path("pending_blocks").asInt() == 1 && s.path("unacknowledged_blocks").asInt() == 0;
            })).as("the generator acknowledged the block").isTrue();
            assertThat(blockAt(suite, tip + 1)).isNull();
            long generator = suite.pool.pid(NAME, "generator").orElseThrow();
            signal("KILL", generator);
            long killed = System.nanoTime();
            suite.rpc.call("simnode.setmode", "ok");
            assertThat(Await.within(30_000, () -> first.equals(blockAt(suite, tip + 1))))
                    .as("block %s lands after the generator restarts; log:\n%s", first, log(suite)).isTrue();
            figure("generator killed holding the block", killed);
            // the listener restarts the generator; a submitblock the node had read before the kill may land first
            long killedGenerator = generator;
            assertThat(Await.within(30_000,
                    () -> suite.pool.pid(NAME, "generator").orElse(killedGenerator) != killedGenerator))
                    .as("a new generator runs").isTrue();

            // 2. stratifier killed after the miner's answer, before any generator had the block
            awaitWorkOn(suite, tip + 1);
            long listener = suite.pool.pid(NAME, "main").orElseThrow();
            String second;
            try (StratumTestClient c = client(suite)) {
                signal("STOP", listener);
                try {
                    generator = suite.pool.pid(NAME, "generator").orElseThrow();
                    signal("KILL", generator);
                    assertThat(Await.within(10_000, () -> {
                        JsonNode s = suite.stratifier("{\"method\":\"stats\"}");
                        return s != null && !s.path("generator_connected").asBoolean(true);
                    })).as("the stratifier lost its generator").isTrue();
                    second = solve(c, 2);
                    // answered: so already forced to the journal
                    assertThat(Files.readString(journal(suite))).contains("\"hash\":\"" + second + "\"");
                    signal("KILL", suite.pool.pid(NAME, "stratifier").orElseThrow());
                } finally {
                    signal("CONT", listener);
                }
            }
            long stratifierKilled = System.nanoTime();
            assertThat(blockAt(suite, tip + 2)).isNull();
            assertThat(Await.within(40_000, () -> second.equals(blockAt(suite, tip + 2))))
                    .as("block %s lands after the stratifier restarts; log:\n%s", second, log(suite)).isTrue();
            figure("stratifier and generator killed, block only in the journal", stratifierKilled);
            assertThat(log(suite)).contains("Resubmitting journaled block " + second);

            // 3. generator stopped, stratifier killed right after the answer
            awaitWorkOn(suite, tip + 2);
            String third;
            try (StratumTestClient c = client(suite)) {
                generator = suite.pool.pid(NAME, "generator").orElseThrow();
                signal("STOP", generator);
                try {
                    third = solve(c, 3);
                    signal("KILL", suite.pool.pid(NAME, "stratifier").orElseThrow());
                } finally {
                    signal("CONT", generator);
                }
            }
            long thirdKilled = System.nanoTime();
            assertThat(Await.within(40_000, () -> third.equals(blockAt(suite, tip + 3))))
                    .as("block %s lands; log:\n%s", third, log(suite)).isTrue();
            figure("generator stopped, stratifier killed after the answer", thirdKilled);

            // every journaled solution is resolved in the end, and the journal is compacted at the next start
            assertThat(Await.within(20_000, () -> {
                JsonNode s = suite.stratifier("{\"method\":\"stats\"}");
                return s != null && s.path("journal_unresolved").asInt(-1) == 0;
            })).as("stats %s", suite.stratifier("{\"method\":\"stats\"}")).isTrue();
            assertThat(suite.rpc.getBlockCount()).isEqualTo(tip + 3);
        }
    }

    /** A line scripts/faults prints: how long after the kill the block was on the node. */
    private static void figure(String scenario, long killedNanos) {
        System.out.printf("DURABILITY %s: block on the node %d ms after the kill%n", scenario,
                (System.nanoTime() - killedNanos) / 1_000_000);
    }

    /** Waits until the stratifier's work builds on the block at {@code height}. */
    private static void awaitWorkOn(MiningSuite suite, long height) throws Exception {
        assertThat(Await.within(30_000, () -> {
            JsonNode s = suite.stratifier("{\"method\":\"stats\"}");
            return s != null && s.path("height").asLong() == height + 1 && s.path("connector_connected").asBoolean();
        })).as("work on height %d", height + 1).isTrue();
    }

    private static StratumTestClient client(MiningSuite suite) throws Exception {
        StratumTestClient[] c = {null};
        // the connector refuses miners for a moment after a stratifier restart: a miner that is turned away tries again
        Await.until("a miner connects and is authorised", 20_000, () -> {
            try {
                c[0] = new StratumTestClient(suite.stratumPort);
                c[0].subscribeAndAuthorize(WORKER);
                return true;
            } catch (IOException | AssertionError e) {
                if (c[0] != null) {
                    c[0].close();
                    c[0] = null;
                }
                return false;
            }
        });
        return c[0];
    }

    /** Submits a share that solves a block; returns the block's hash (RPC order) once the pool answered true. */
    private static String solve(StratumTestClient c, long en2) throws Exception {
        JsonNode notify = c.latestNotify(10_000);
        StratumTestClient.Share share = c.grind(notify, en2, (meetsShare, meetsNetwork) -> meetsShare && meetsNetwork);
        JsonNode reply = c.request("mining.submit", share.params(WORKER));
        assertThat(reply.path("result").asBoolean()).as("%s", reply).isTrue();
        return Hex.encode(Hex.reverse(share.hash()));
    }

    private static String blockAt(MiningSuite suite, long height) {
        try {
            return suite.rpc.getBlockCount() < height ? null : suite.rpc.getBlockHash(height);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Path journal(MiningSuite suite) {
        return suite.logdir.resolve(NAME + ".solutions");
    }

    private static String log(MiningSuite suite) {
        try {
            return suite.poolLog();
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        if (k.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + pid + " failed");
        }
    }
}
