package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole path a user runs: scripts/simnode (Core's regtest target, so every share is also a block), the suite
 * from scripts/ckpool -L, scripts/testminer mining on it. Shares are accepted, blocks reach the node, and the
 * stratifier's admin socket, web API, metrics, share log and status files all show it.
 */
class MiningEndToEndIT {
    static final String WORKER = MiningSuite.ADDRESS + ".rig1";

    @TempDir
    Path dir;

    @Test
    void minerFindsBlocksAndEveryViewShowsThem() throws Exception {
        // the free stratum port is above 4000, a high-difficulty port: highdiff as small as startdiff
        try (MiningSuite suite = new MiningSuite(dir, "e2e", null,
                "\"mindiff\":0.0001,\"startdiff\":0.001,\"highdiff\":0.001")) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            long height0 = suite.rpc.getBlockCount();
            assertThat(acceptedOnApi(suite)).isZero();
            assertThat(acceptedMetric(suite)).isZero();

            PoolProcesses.Result miner = suite.testminer("-u", WORKER, "-p", "x", "-t", "1", "--max-shares", "3",
                    "--duration", "30", "--status-interval", "0");
            assertThat(miner.out()).as(miner.out()).contains("SUBSCRIBED", "AUTHORIZED " + WORKER + " true",
                    "NOTIFY", "ACCEPTED 1 ", "ACCEPTED 3 ", "BLOCK ");
            assertThat(miner.exit()).as(miner.out()).isZero();

            assertThat(Await.within(15_000, () -> suite.rpc.getBlockCount() > height0))
                    .as("the node's chain grew").isTrue();
            assertThat(Await.within(15_000, () -> {
                try {
                    return suite.poolLog().contains("BLOCK ACCEPTED height " + (height0 + 1));
                } catch (java.io.IOException e) {
                    return false;
                }
            })).as("stratifier logs the accepted block").isTrue();

            assertThat(Await.within(5_000, () -> {
                JsonNode s = suite.stratifier("{\"method\":\"stats\"}");
                return s != null && s.path("accepted").asLong() >= 3 && s.path("blocks_found").asLong() >= 1
                        && s.path("height").asLong() > height0;
            })).as("stats: %s", suite.stratifier("{\"method\":\"stats\"}")).isTrue();
            assertThat(Await.within(5_000, () -> acceptedOnApi(suite) >= 3)).isTrue();
            assertThat(acceptedMetric(suite)).isGreaterThanOrEqualTo(3);
            HttpResponse<String> blocks = suite.get("/api/blocks?limit=1000");
            assertThat(blocks.statusCode()).isEqualTo(200);
            assertThat(blocks.body()).contains("\"accepted\"", WORKER);
            assertThat(suite.get("/metrics").body()).contains("jckpool_blocks_found_total");

            JsonNode users = suite.stratifier("{\"method\":\"users\"}");
            assertThat(users.toString()).contains(MiningSuite.ADDRESS);
            JsonNode worker = suite.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + WORKER + "\"}}");
            assertThat(worker.path("accepted").asLong()).as("%s", worker).isGreaterThanOrEqualTo(3);
            assertThat(suite.stratifier("{\"method\":\"getuser\",\"params\":{\"user\":\"nobody\"}}").path("error")
                    .asText()).contains("unknown user");
            assertThat(suite.stratifier("{\"method\":\"uptime\"}").path("uptime").asLong()).isGreaterThanOrEqualTo(0);
            assertThat(suite.stratifier("{\"method\":\"poolstats\"}").path("shares").path("accepted").asLong())
                    .isGreaterThanOrEqualTo(3);
            assertThat(suite.stratifierText("update")).isEqualTo("success");
            assertThat(suite.pool.ckpmsg("e2e", "reconnect").out()).contains("reconnecting");
            // ckpool's text forms, as its own ckpmsg sends them: through the listener and on the stratifier socket
            assertThat(suite.pool.ckpmsg("e2e", "stratifierstats").out()).contains("\"clients\":{\"count\":");
            assertThat(suite.pool.ckpmsg("e2e", "connectorstats").out()).contains("\"generated\":");
            JsonNode ckPoolstats = Json.parseOrNull(suite.stratifierText("poolstats"));
            assertThat(ckPoolstats.path("shares").asLong()).as("%s", ckPoolstats).isGreaterThanOrEqualTo(3);
            assertThat(ckPoolstats.path("accepted").asDouble()).isPositive();
            assertThat(suite.stratifierText("getworker={\"worker\":\"" + WORKER + "\"}")).contains(WORKER);

            Path shares = suite.logdir.resolve("shares");
            assertThat(Await.within(3_000, () -> Files.isDirectory(shares))).isTrue();
            try (var files = Files.list(shares)) {
                List<Path> logs = files.toList();
                assertThat(logs).hasSize(1);
                List<String> lines = Files.readAllLines(logs.get(0));
                assertThat(lines.size()).isGreaterThanOrEqualTo(3);
                JsonNode line = Json.parseOrNull(lines.get(0));
                assertThat(line.path("worker").asText()).isEqualTo(WORKER);
                assertThat(lines).anyMatch(l -> l.contains("\"block\":"));
            }

            // A stratifier stopped with TERM writes its status files; the supervisor restarts it, it reads them
            // back, the connector links up again and miners are served as before.
            double best = suite.stratifier("{\"method\":\"getuser\",\"params\":{\"user\":\""
                    + MiningSuite.ADDRESS + "\"}}").path("bestShare").asDouble();
            assertThat(best).isPositive();
            long oldPid = suite.pool.pid("e2e", "stratifier").orElseThrow();
            ProcessHandle.of(oldPid).ifPresent(ProcessHandle::destroy);
            assertThat(Await.within(20_000, () -> suite.pool.pid("e2e", "stratifier").orElse(oldPid) != oldPid))
                    .as("stratifier restarted").isTrue();
            assertThat(suite.awaitReady(30_000)).isTrue();
            assertThat(Await.within(5_000, () -> suite.stratifier("{\"method\":\"getuser\",\"params\":"
                    + "{\"user\":\"" + MiningSuite.ADDRESS + "\"}}").path("bestShare").asDouble() == best))
                    .as("best share restored from users/<user>").isTrue();
            PoolProcesses.Result again = suite.testminer("-u", WORKER, "-p", "x", "-t", "1", "--max-shares", "1",
                    "--duration", "20", "--status-interval", "0");
            assertThat(again.out()).as(again.out()).contains("ACCEPTED 1 ");

            suite.shutdownPool();
            Path poolStatus = suite.logdir.resolve("pool/pool.status");
            assertThat(poolStatus).exists();
            assertThat(Files.readString(poolStatus)).contains("\"runtime\"", "hashrate1m");
            assertThat(suite.logdir.resolve("users").resolve(MiningSuite.ADDRESS)).exists();
        }
    }

    private static long acceptedOnApi(MiningSuite suite) {
        try {
            HttpResponse<String> r = suite.get("/api/pool");
            return Json.parseOrNull(r.body()).path("shares").path("accepted").asLong();
        } catch (Exception e) {
            return -1;
        }
    }

    private static double acceptedMetric(MiningSuite suite) throws Exception {
        String body = suite.get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^jckpool_shares_total\\{[^}]*result=\"accepted\"[^}]*\\} ([0-9.eE+]+)$")
                .matcher(body);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
