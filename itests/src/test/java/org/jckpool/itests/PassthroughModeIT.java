package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ckpool -P} end to end with real processes: a jckpool pool on a simnode upstream, a jckpool passthrough in
 * front of it, two testminers on the passthrough. Each miner is a client of the upstream pool of its own (own
 * extranonce1 and worker, its own replies); the upstream is killed (SIGKILL, every process) and started again
 * mid-run: the miners are told to reconnect, wait in the passthrough's connector, and mine on once the upstream is
 * back; no miner was ever told "accepted" for a share the upstream did not count. Prints PASSTHROUGH_RETURN_MS.
 */
class PassthroughModeIT {
    static final String DIFFS = "\"mindiff\":0.000001,\"startdiff\":0.000001,\"highdiff\":0.000001";

    @TempDir
    Path dir;

    @Test
    void minersMineThroughThePassthroughAndSurviveAnUpstreamRestart() throws Exception {
        try (MiningSuite up = new MiningSuite(dir, "up", "1f00ffff", DIFFS);
             PoolProcesses pt = new PoolProcesses(dir)) {
            assertThat(up.awaitReady(90_000)).as("upstream ready; log:\n%s", up.poolLog()).isTrue();
            PassthroughInFront front = PassthroughInFront.start(dir, pt, up.stratumPort, "\"upstream_timeout\":30");
            int stratum = front.stratumPort;
            Path sock = front.sockdir;
            assertThat(Files.exists(sock.resolve("generator"))).as("no generator in -P").isFalse();
            long relayPid = pt.pid("pt", "stratifier").orElseThrow();

            LineProcess a = miner(pt, stratum, "minerA.rig1");
            LineProcess b = miner(pt, stratum, "minerB.rig2");
            for (LineProcess m : List.of(a, b)) {
                assertThat(m.awaitLine(0, l -> l.startsWith("ACCEPTED"), 60_000)).as(m.output()).isPresent();
            }
            // no reply of one miner reaches the other (the pool's block-found message, sent to all, may name either)
            assertThat(ownLines(a)).contains("AUTHORIZED minerA.rig1 true").doesNotContain("minerB");
            assertThat(ownLines(b)).contains("AUTHORIZED minerB.rig2 true").doesNotContain("minerA");
            assertThat(extranonce1(a)).isNotEqualTo(extranonce1(b));

            // the upstream pool sees two clients of its own, with its own count of each worker's shares
            assertThat(Await.within(5_000, () -> up.stratifier("{\"method\":\"stats\"}").path("clients").asLong() == 2))
                    .as("%s", up.stratifier("{\"method\":\"stats\"}")).isTrue();
            long toldA = accepted(a);
            long toldB = accepted(b);
            // (the upstream's figures come from a snapshot taken every second)
            assertThat(Await.within(5_000, () -> workerAccepted(up, "minerA.rig1") >= toldA
                    && workerAccepted(up, "minerB.rig2") >= toldB))
                    .as("the upstream counted every share a miner was told accepted (%d, %d): %s %s", toldA, toldB,
                            workerAccepted(up, "minerA.rig1"), workerAccepted(up, "minerB.rig2")).isTrue();

            // the relay's admin view, through ckpmsg
            PoolProcesses.Result st = pt.ckpmsg("pt", "-N", "stratifier", "{\"method\":\"stats\"}");
            JsonNode stats = Json.parseOrNull(st.out().substring(st.out().indexOf('{')));
            assertThat(stats.path("mode").asText()).as(st.out()).isEqualTo("passthrough");
            assertThat(stats.path("clients").asLong()).isEqualTo(2);
            assertThat(stats.path("upstream").path("url").asText()).isEqualTo("127.0.0.1:" + up.stratumPort);
            assertThat(stats.path("lines_up").asLong()).isPositive();
            assertThat(stats.path("lines_down").asLong()).isPositive();
            JsonNode ups = ProxyIT.request(sock.resolve("listener"), "{\"method\":\"upstreams\"}");
            assertThat(ups.path("connected").asBoolean()).as("listener's upstreams: %s", ups).isTrue();
            assertThat(ups.path("upstreams").path(0).asText()).isEqualTo("127.0.0.1:" + up.stratumPort);

            // the upstream pool dies: miners are told to reconnect and wait
            int fromA = a.lines().size();
            int fromB = b.lines().size();
            killPool(up);
            assertThat(Await.within(10_000, () -> {
                JsonNode s = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
                return s != null && !s.path("upstream").path("connected").asBoolean()
                        && s.path("upstream").path("losses").asLong() == 1;
            })).as("loss seen; log:\n%s", front.log()).isTrue();
            assertThat(a.awaitLine(fromA, l -> l.startsWith("RECONNECT"), 10_000)).as(a.output()).isPresent();
            assertThat(b.awaitLine(fromB, l -> l.startsWith("RECONNECT"), 10_000)).as(b.output()).isPresent();
            // they reconnect to the passthrough, whose connector holds them (and their lines) while no upstream is up
            for (LineProcess m : List.of(a, b)) {
                int from = m == a ? fromA : fromB;
                assertThat(m.awaitLine(from, l -> l.startsWith("CONNECTED"), 10_000)).as(m.output()).isPresent();
            }
            assertThat(Await.within(5_000, () -> {
                JsonNode c = ProxyIT.request(sock.resolve("connector"), "{\"method\":\"stats\"}");
                JsonNode s = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
                return c != null && c.path("clients").asLong() == 2 && c.path("admitting").asBoolean() && s != null
                        && !s.path("connector_connected").asBoolean() && s.path("clients").asLong() == 0
                        && s.path("told_to_reconnect").asLong() >= 2;
            })).as("held in the connector: %s %s", ProxyIT.request(sock.resolve("connector"), "{\"method\":\"stats\"}"),
                    ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}")).isTrue();

            // and comes back on the same port: the passthrough reconnects and the miners mine on
            up.pool.startPool("up", dir.resolve("up.conf"), Map.of(), "-L");
            long restarted = System.currentTimeMillis();
            assertThat(up.awaitReady(90_000)).as("upstream ready again; log:\n%s", up.poolLog()).isTrue();
            for (LineProcess m : List.of(a, b)) {
                int from = m == a ? fromA : fromB;
                assertThat(m.awaitLine(from, l -> l.startsWith("ACCEPTED"), 60_000))
                        .as("mining again: %s\npassthrough log:\n%s", m.output(), front.log()).isPresent();
            }
            long back = Math.max(a.arrivalAfter(fromA, "ACCEPTED"), b.arrivalAfter(fromB, "ACCEPTED")) - restarted;
            assertThat(Await.within(5_000, () -> up.stratifier("{\"method\":\"stats\"}").path("clients").asLong() == 2))
                    .as("the restarted upstream has the two miners again: %s", up.stratifier("{\"method\":\"stats\"}"))
                    .isTrue();
            JsonNode after = ProxyIT.request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
            assertThat(after.path("upstream").path("connected").asBoolean()).isTrue();
            assertThat(after.path("upstream").path("connects").asLong()).isEqualTo(2);
            assertThat(after.path("clients").asLong()).isEqualTo(2);
            assertThat(pt.pid("pt", "stratifier").orElseThrow()).as("the relay did not die").isEqualTo(relayPid);
            System.out.printf("PASSTHROUGH_RETURN_MS %d (upstream restarted -> both miners have a share accepted"
                    + " again)%n", back);
        }
    }

    /** SIGKILL to the pool's listener, then to each child whose pid file is there (a child may be restarting). */
    static void killPool(MiningSuite suite) throws Exception {
        long main = suite.pool.pid(suite.name, "main").orElseThrow();
        List<Long> pids = new java.util.ArrayList<>(List.of(main));
        for (String p : PoolProcesses.CHILDREN) {
            suite.pool.pid(suite.name, p).ifPresent(pids::add);
        }
        for (long pid : pids) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        assertThat(Await.within(10_000, () -> pids.stream().noneMatch(PoolProcesses::alive)))
                .as("upstream processes %s gone", pids).isTrue();
    }

    static LineProcess miner(PoolProcesses pt, int port, String user) throws Exception {
        return pt.startLines(List.of(pt.root.resolve("scripts/testminer").toString(), "-o",
                "stratum+tcp://127.0.0.1:" + port, "-u", user, "-p", "x", "-t", "1", "--hashrate-limit", "20000",
                "--duration", "240", "--status-interval", "0", "--retry-max-wait", "1"), user + ".err");
    }

    /** A testminer's output without the pool's broadcast messages (client.show_message). */
    private static String ownLines(LineProcess m) {
        return m.output().lines().filter(l -> !l.startsWith("MESSAGE ")).collect(java.util.stream.Collectors.joining("\n"));
    }

    static String extranonce1(LineProcess m) {
        return m.lines().stream().filter(l -> l.startsWith("SUBSCRIBED")).findFirst().orElseThrow().split(" ")[2];
    }

    static long accepted(LineProcess m) {
        return m.lines().stream().filter(l -> l.startsWith("ACCEPTED")).count();
    }

    static long workerAccepted(MiningSuite up, String worker) {
        JsonNode w = up.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + worker + "\"}}");
        return w == null ? -1 : w.path("accepted").asLong(-1);
    }
}
