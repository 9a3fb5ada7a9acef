package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "logjson": true end to end: every process writes {@code <logdir>/<process>.events.jsonl}; a miner's visit shows
 * as client_connect/client_authorise/block_found/block_accepted/client_disconnect, a duplicate share as
 * share_rejected, and a connector killed with SIGKILL as child_exit and child_restart from the listener and as a
 * rise of jckpool_process_restarts_total on the stratifier's /metrics.
 */
class EventLogIT {
    static final String WORKER = MiningSuite.ADDRESS + ".ev";

    @TempDir
    Path dir;

    @Test
    void everyProcessWritesParseableEventsAndRestartsReachMetrics() throws Exception {
        try (MiningSuite suite = new MiningSuite(dir, "ev", null,
                "\"mindiff\":0.0001,\"startdiff\":0.001,\"highdiff\":0.001,\"logjson\":true")) {
            assertThat(suite.awaitReady(40_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();

            PoolProcesses.Result miner = suite.testminer("-u", WORKER, "-p", "x", "-t", "1", "--max-shares", "1",
                    "--duration", "20", "--status-interval", "0");
            assertThat(miner.out()).as(miner.out()).contains("ACCEPTED 1 ");

            try (StratumTestClient c = new StratumTestClient(suite.stratumPort)) {
                c.subscribeAndAuthorize(WORKER);
                JsonNode notify = c.latestNotify(5000);
                StratumTestClient.Share share = c.grind(notify, 1, (isShare, block) -> isShare);
                c.request("mining.submit", share.params(WORKER));
                JsonNode dup = c.request("mining.submit", share.params(WORKER));
                assertThat(dup.path("result").asBoolean(true)).as("%s", dup).isFalse();
            }

            assertThat(Await.within(10_000, () -> has(suite, "stratifier", "share_rejected")
                    && has(suite, "stratifier", "block_accepted") && has(suite, "connector", "client_disconnect")))
                    .as("stratifier events: %s", events(suite, "stratifier")).isTrue();
            JsonNode rejected = first(suite, "stratifier", "share_rejected");
            assertThat(rejected.path("worker").asText()).isEqualTo(WORKER);
            assertThat(rejected.path("reason").asText()).isNotEmpty();
            assertThat(rejected.path("diff").asDouble()).isPositive();
            JsonNode found = first(suite, "stratifier", "block_found");
            assertThat(found.path("hash").asText()).hasSize(64);
            assertThat(found.path("height").asLong()).isPositive();
            assertThat(first(suite, "stratifier", "client_authorise").path("ok").asBoolean()).isTrue();
            JsonNode connect = first(suite, "connector", "client_connect");
            assertThat(connect.path("address").asText()).isEqualTo("127.0.0.1");
            assertThat(connect.path("id").canConvertToLong()).isTrue();
            assertThat(first(suite, "generator", "new_block").path("height").asLong()).isPositive();
            // every share is a block here: later ones at a height already taken may be rejected by the node
            assertThat(events(suite, "generator")).filteredOn(n -> n.path("event").asText().equals("block_submitted"))
                    .extracting(n -> n.path("result").asText()).contains("accepted");
            assertThat(first(suite, "listener", "child_start").path("child").asText()).isNotEmpty();

            double restarts0 = restartsMetric(suite);
            long oldPid = suite.pool.pid("ev", "connector").orElseThrow();
            ProcessHandle.of(oldPid).orElseThrow().destroyForcibly();
            assertThat(Await.within(10_000, () -> has(suite, "listener", "child_restart")))
                    .as("listener events: %s", events(suite, "listener")).isTrue();
            JsonNode restart = first(suite, "listener", "child_restart");
            assertThat(restart.path("child").asText()).isEqualTo("connector");
            assertThat(restart.path("old_pid").asLong()).isEqualTo(oldPid);
            assertThat(restart.path("exit_code").asInt()).isEqualTo(137);
            assertThat(restart.path("restarts").asInt()).isEqualTo(1);
            assertThat(first(suite, "listener", "child_exit").path("child").asText()).isEqualTo("connector");
            assertThat(Await.within(15_000, () -> restartsMetric(suite) >= restarts0 + 1))
                    .as("jckpool_process_restarts_total rises").isTrue();

            suite.shutdownPool();
            assertThat(has(suite, "listener", "process_stop")).isTrue();
            for (String p : List.of("listener", "generator", "stratifier", "connector")) {
                Path file = suite.logdir.resolve(p + ".events.jsonl");
                for (String line : Files.readAllLines(file)) {
                    JsonNode n = Json.parseOrNull(line);
                    assertThat(n).as("%s: %s", file, line).isNotNull();
                    assertThat(n.path("ts").asText()).endsWith("Z");
                    assertThat(n.path("process").asText()).isEqualTo(p);
                    assertThat(n.path("event").asText()).isNotEmpty();
                }
            }
        }
    }

    private static List<JsonNode> events(MiningSuite suite, String process) {
        Path file = suite.logdir.resolve(process + ".events.jsonl");
        List<JsonNode> out = new ArrayList<>();
        try {
            if (!Files.exists(file)) {
                return out;
            }
            for (String line : Files.readAllLines(file)) {
                JsonNode n = Json.parseOrNull(line);
                if (n != null) {
                    out.add(n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static boolean has(MiningSuite suite, String process, String type) {
        return events(suite, process).stream().anyMatch(n -> type.equals(n.path("event").asText()));
    }

    private static JsonNode first(MiningSuite suite, String process, String type) {
        return events(suite, process).stream().filter(n -> type.equals(n.path("event").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " in " + events(suite, process)));
    }

    private static double restartsMetric(MiningSuite suite) {
        try {
            String body = suite.get("/metrics").body();
            Matcher m = Pattern.compile("(?m)^jckpool_process_restarts_total\\{[^}]*\\} ([0-9.eE+]+)$").matcher(body);
            double total = 0;
            while (m.find()) {
                total += Double.parseDouble(m.group(1));
            }
            return total;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }
}
