package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ckpool -N} end to end with real processes: a jckpool pool on a simnode with a {@code nodeserver} port, a
 * jckpool node linked to that port with the same simnode as its own {@code btcd} (one simnode serves both: two
 * cannot share a chain), a testminer on the node. The pool's generator is stopped (SIGSTOP) before the miner
 * starts, so the pool cannot submit anything: the block that lands on the simnode was rebuilt and submitted by the
 * node itself, from the pool's workinfo, the transactions the pool sent it and the miner's share. Once the
 * generator continues, the pool's own copy of the block is a duplicate and mining goes on.
 */
class NodeModeIT {
    static final String DIFFS = "\"mindiff\":0.000001,\"startdiff\":0.000001,\"highdiff\":0.000001";
    static final int TXS = 3000;

    @TempDir
    Path dir;

    @Test
    void theNodeSubmitsTheBlockItsMinerFoundToItsOwnBitcoind() throws Exception {
        int nodeserver = MiningSuite.freePort();
        // a mempool of 3,000 transactions: what a new node is sent is paced over the real connector (W/E frames)
        try (MiningSuite up = new MiningSuite(dir, "up", "1f00ffff",
                DIFFS + ",\"nodeserver\":[\"127.0.0.1:" + nodeserver + "\"]", List.of("--txs", String.valueOf(TXS)));
             PoolProcesses node = new PoolProcesses(dir)) {
            assertThat(up.awaitReady(90_000)).as("pool ready; log:\n%s", up.poolLog()).isTrue();
            int stratum = MiningSuite.freePort();
            Path logdir = dir.resolve("logs-nd");
            Path conf = dir.resolve("nd.conf");
            Files.writeString(conf, "{\"proxy\":[{\"url\":\"127.0.0.1:" + nodeserver + "\",\"auth\":\"x\",\"pass\":\"x\"}],"
                    + "\"btcd\":[{\"url\":\"127.0.0.1:" + up.rpcPort + "\",\"auth\":\"u\",\"pass\":\"p\"}],"
                    + "\"serverurl\":[\"127.0.0.1:" + stratum + "\"],\"logdir\":\"" + logdir + "\"}\n");
            node.startPool("nd", conf, Map.of(), "-N");
            Path sock = node.sockdir("nd");
            assertThat(Await.within(60_000, () -> {
                JsonNode s = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
                return s != null && s.path("upstream").path("connected").asBoolean()
                        && s.path("connector_connected").asBoolean() && s.path("node").path("workinfos").asLong() > 0;
            })).as("node linked with a workinfo; stats %s; log:\n%s",
                    ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}"), log(logdir)).isTrue();
            assertThat(Files.exists(sock.resolve("generator"))).as("no generator in -N").isFalse();
            assertThat(up.poolLog()).contains("as mining node on server 1");
            JsonNode linked = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
            assertThat(linked.path("mode").asText()).isEqualTo("node");
            assertThat(Await.within(30_000, () -> stats(sock).path("node").path("transactions").asLong() >= TXS))
                    .as("simnode's whole mempool, from the pool: %s", stats(sock)).isTrue();
            JsonNode upConnector = ProxyIT.request(up.pool.sockdir("up").resolve("connector"), "{\"method\":\"stats\"}");
            assertThat(upConnector.path("dropped").path("slow").asLong()).as("%s", upConnector).isZero();
            assertThat(up.poolLog()).contains("Sending new node client");
            assertThat(up.stratifier("{\"method\":\"downstreams\"}").path("paced_pauses").asLong())
                    .as("the burst waited for the connector to drain at least once").isPositive();

            long height = up.rpc.getBlockCount();
            long generator = up.pool.pid("up", "generator").orElseThrow();
            kill("STOP", generator);
            String hash;
            try {
                LineProcess miner = node.startLines(List.of(node.root.resolve("scripts/testminer").toString(), "-o",
                        "stratum+tcp://127.0.0.1:" + stratum, "-u", MiningSuite.ADDRESS + ".rig", "-p", "x", "-t",
                        "1", "--hashrate-limit", "20000", "--duration", "240", "--status-interval", "0"), "m.err");
                assertThat(Await.within(90_000, () -> stats(sock).path("node").path("submitblock").path("accepted")
                        .asLong() >= 1)).as("the node submitted a block its bitcoind accepted: %s\nminer: %s\nlog:\n%s",
                        stats(sock), miner.output(), log(logdir)).isTrue();
                hash = stats(sock).path("node").path("submitblock").path("last_accepted").asText();
                assertThat(up.rpc.getBlockCount()).as("the chain grew while the pool's generator was stopped")
                        .isGreaterThan(height);
                assertThat(up.rpc.getBestBlockHash()).isEqualTo(hash);
                assertThat(up.rpc.call("getblock", hash).path("nTx").asLong())
                        .as("coinbase and simnode's mempool transactions, rebuilt by the node").isGreaterThan(1);
                assertThat(log(logdir)).contains("BLOCK ACCEPTED height " + (height + 1) + " hash " + hash)
                        .contains("(submitted by this node)");
                assertThat(miner.output()).contains("ACCEPTED");
                JsonNode down = up.stratifier("{\"method\":\"downstreams\"}").path("downstreams");
                assertThat(down.size()).as("%s", down).isEqualTo(1);
                assertThat(down.path(0).path("mode").asText()).isEqualTo("node");
                assertThat(down.path(0).path("clients").asLong()).isEqualTo(1);
            } finally {
                kill("CONT", generator);
            }
            // the pool submits its own copy once its generator runs (the node had it first), and gets an outcome
            assertThat(Await.within(30_000, () -> up.poolLog().lines().anyMatch(l -> l.contains("hash " + hash)
                    && (l.contains("BLOCK ACCEPTED") || l.contains("BLOCK REJECTED")))))
                    .as("pool log:\n%s", up.poolLog()).isTrue();
        }
    }

    private static JsonNode stats(Path sock) {
        return ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
    }

    private static void kill(String sig, long pid) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertThat(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0).as("kill -%s %d", sig, pid).isTrue();
    }

    private static String log(Path logdir) {
        try {
            Path p = logdir.resolve("nd.log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
