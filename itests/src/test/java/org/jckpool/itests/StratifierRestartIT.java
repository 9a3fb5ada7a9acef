package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of the stratifier under load, with real processes: scripts/simnode (bits 1d00ffff: random shares never
 * solve a block), the suite, and scripts/testminer --load with 200 connections submitting throughout. The
 * supervisor restarts the stratifier, which restores its jobs and sessions from the restart snapshot; the
 * connector kept the miners and replays their unanswered lines. Expected: no miner disconnected, every submit
 * answered, no share refused for a lost session or job. Prints how long replies stopped.
 */
class StratifierRestartIT {
    static final int CONNECTIONS = 200;
    static final long GOAL_MS = 3000;
    static final Pattern MAX_LATENCY = Pattern.compile("LOAD_LATENCY_MS .* max=([0-9.]+)");

    @TempDir
    Path dir;

    @Test
    void killingTheStratifierUnderLoadDisconnectsNoMinerAndLeavesNoShareUnanswered() throws Exception {
        try (MiningSuite suite = new MiningSuite(dir, "restart", "1d00ffff",
                "\"mindiff\":0.0001,\"startdiff\":0.0002,\"highdiff\":0.0002")) {
            assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
            LineProcess load = suite.startTestminer("restart-load.err", "--load", "-u", "rs", "--connections",
                    Integer.toString(CONNECTIONS), "--rate", "1000", "--duration", "25", "--ready-timeout", "60",
                    "--status-interval", "0", "--drain", "15");
            String ready = load.awaitLine(0, l -> l.startsWith("LOAD_READY "), 90_000)
                    .orElseThrow(() -> new AssertionError("load generator not ready\n" + load.output()));
            assertThat(ready).as(load.output()).startsWith("LOAD_READY ready=" + CONNECTIONS + " of " + CONNECTIONS);
            Thread.sleep(8_000); // submits flowing, and the snapshot written

            OptionalLong pid = suite.pool.pid(suite.name, "stratifier");
            assertThat(pid).as("stratifier pid file").isPresent();
            long killedAt = System.currentTimeMillis();
            ProcessHandle.of(pid.getAsLong()).orElseThrow().destroyForcibly(); // SIGKILL
            assertThat(Await.within(5_000, () -> !PoolProcesses.alive(pid.getAsLong()))).isTrue();
            // back: a new stratifier process, the connector's stream up again and the backlog replayed
            assertThat(Await.within(30_000, () -> {
                OptionalLong now = suite.pool.pid(suite.name, "stratifier");
                JsonNode c = suite.connectorStats();
                return now.isPresent() && now.getAsLong() != pid.getAsLong() && c != null
                        && "up".equals(c.path("stream").path("state").asText())
                        && "yes".equals(c.path("stream").path("replayed").asText());
            })).as("stratifier back\n%s", suite.poolLog()).isTrue();
            long streamBackMs = System.currentTimeMillis() - killedAt;
            JsonNode connector = suite.connectorStats();

            assertThat(load.awaitExit(90_000)).as(load.output()).isZero();
            List<String> out = load.lines();
            out.stream().filter(l -> l.startsWith("LOAD_")).forEach(l -> System.out.println("restart: " + l));
            System.out.println("restart: connector stream " + connector.path("stream"));
            String summary = LineProcess.first(out, "LOAD_SUMMARY ");
            String submits = LineProcess.first(out, "LOAD_SUBMITS ");
            Matcher m = MAX_LATENCY.matcher(LineProcess.first(out, "LOAD_LATENCY_MS "));
            assertThat(m.find()).isTrue();
            double maxLatencyMs = Double.parseDouble(m.group(1));
            System.out.printf("restart: kill -9 -> connector stream up and replayed after %d ms; longest reply wait "
                    + "%.0f ms (goal %d ms: %s)%n", streamBackMs, maxLatencyMs, GOAL_MS,
                    maxLatencyMs <= GOAL_MS ? "met" : "NOT met on this machine");

            assertThat(summary).contains("connected=" + CONNECTIONS, "ready_at_end=" + CONNECTIONS, "disconnects=0");
            assertThat(submits).contains("unanswered=0");
            String rejects = out.stream().filter(l -> l.startsWith("LOAD_REJECTS ")).findFirst().orElse("");
            assertThat(rejects).as("no share refused for a lost session or job")
                    .doesNotContain("Invalid JobID", "ubscribed", "nauthori", "restarting");
            assertThat(connector.path("dropped").path("stratifier_lost").asLong()).isZero();
            assertThat(connector.path("clients").asInt()).isEqualTo(CONNECTIONS);
            assertThat(suite.poolLog()).contains("Restored from the restart snapshot");
            assertThat(maxLatencyMs).as("replies stopped for a few seconds at most").isLessThan(15_000);
        }
    }
}
