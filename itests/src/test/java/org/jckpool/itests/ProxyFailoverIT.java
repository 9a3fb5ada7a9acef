package org.jckpool.itests;

import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ckproxy's failover triggers with real processes (ProxyIT's setup: two jckpool pools on simnodes, {@code ckpool -p}
 * in front, one testminer mining through it the whole time), in one run to save the start-ups:
 * <ol>
 * <li>no notify for {@code upstream_timeout}: the first upstream's processes are stopped (SIGSTOP, its TCP
 * connection stays open), the proxy moves to the second;</li>
 * <li>recovery: the first is continued (SIGCONT) and takes over again once alive for {@code upstream_recover};</li>
 * <li>all down: the second is killed and the first stopped again; the proxy and its miner stay up and connected,
 * and the miner gets clean work as soon as the first is continued.</li>
 * </ol>
 * Prints the measured times (PROXY_TIMEOUT_SWITCH_MS, PROXY_RECOVER_MS, PROXY_ALL_DOWN_RETURN_MS).
 */
class ProxyFailoverIT {
    static final int TIMEOUT_S = 3;
    static final int RECOVER_S = 4;

    @TempDir
    Path dir;

    @Test
    void timeoutRecoveryAndAllDown() throws Exception {
        String upstream = ProxyIT.UPSTREAM_DIFFS + ",\"update_interval\":1";
        try (MiningSuite up1 = new MiningSuite(dir, "up1", null, upstream);
             MiningSuite up2 = new MiningSuite(dir, "up2", null, upstream);
             PoolProcesses proxy = new PoolProcesses(dir)) {
            assertThat(up1.awaitReady(90_000)).as("up1 ready; log:\n%s", up1.poolLog()).isTrue();
            assertThat(up2.awaitReady(90_000)).as("up2 ready; log:\n%s", up2.poolLog()).isTrue();
            ProxyIT.Proxy px = ProxyIT.Proxy.start(proxy, dir, ProxyIT.entry(up1.stratumPort, "proxyuser.a") + ","
                    + ProxyIT.entry(up2.stratumPort, "proxyuser.b"),
                    ",\"upstream_timeout\":" + TIMEOUT_S + ",\"upstream_recover\":" + RECOVER_S, "-p");
            assertThat(Await.within(10_000, () -> px.active() == 0)).as("up1 active").isTrue();
            LineProcess miner = proxy.startLines(List.of(proxy.root.resolve("scripts/testminer").toString(), "-o",
                    "stratum+tcp://127.0.0.1:" + px.stratum(), "-u", "minerA.rig", "-p", "x", "-t", "1",
                    "--hashrate-limit", "1000000", "--duration", "170", "--status-interval", "0"), "minerA.err");
            assertThat(miner.awaitLine(0, l -> l.startsWith("ACCEPTED"), 30_000)).as(miner.output()).isPresent();

            // (c) up1 stops sending notifies (stopped, connection open): the proxy moves to up2
            signal(up1, "STOP");
            long stopped = System.currentTimeMillis();
            int from = miner.lines().size();
            assertThat(Await.within(TIMEOUT_S * 1000 + 5_000, () -> px.active() == 1))
                    .as("switched to up2 after upstream_timeout; log:\n%s", px.log()).isTrue();
            long switched = System.currentTimeMillis();
            long timeoutSwitch = switched - stopped;
            assertThat(miner.awaitLine(from, l -> l.startsWith("NOTIFY") && l.endsWith("true"), 5_000))
                    .as("clean work from up2: %s", miner.output()).isPresent();
            long sinceLastNotify = miner.arrivalAfter(from, "NOTIFY") - lastNotifyBefore(miner, from);
            assertThat(sinceLastNotify).as("the switch waits upstream_timeout after up1's last notify")
                    .isGreaterThanOrEqualTo(TIMEOUT_S * 1000 - 300L);
            assertThat(miner.awaitLine(from, l -> l.startsWith("ACCEPTED"), 20_000)).isPresent();
            assertThat(px.log()).contains("no mining.notify for " + TIMEOUT_S + " s");

            // (a) up1 is back: after upstream_recover seconds alive it is active again
            long continued = System.currentTimeMillis(); // before the signal: up1 cannot be seen alive earlier
            signal(up1, "CONT");
            from = miner.lines().size();
            assertThat(Await.within(RECOVER_S * 1000 + 25_000, () -> px.active() == 0))
                    .as("back on up1; upstreams %s; log:\n%s", px.upstreams(), px.log()).isTrue();
            long recovered = System.currentTimeMillis() - continued;
            long upAgain = firstUpAfter(px, continued);
            assertThat(recovered).as("not before upstream_recover").isGreaterThanOrEqualTo(RECOVER_S * 1000 - 300L);
            assertThat(miner.awaitLine(from, l -> l.startsWith("NOTIFY") && l.endsWith("true"), 5_000))
                    .as("clean work from up1").isPresent();
            int accepted = miner.lines().size();
            assertThat(miner.awaitLine(accepted, l -> l.startsWith("ACCEPTED"), 20_000)).isPresent();

            // (b) every upstream down: the miner stays connected, and gets work as soon as up1 is back
            up2.close();
            signal(up1, "STOP");
            long allDown = System.currentTimeMillis();
            assertThat(Await.within(TIMEOUT_S * 1000 + 10_000, () -> px.active() == -1))
                    .as("no upstream active; upstreams %s", px.upstreams()).isTrue();
            long noneMillis = System.currentTimeMillis() - allDown;
            assertThat(Await.holdsFor(5_000, () -> proxy.allSocketsLive("px")))
                    .as("no proxy process died while every upstream was down").isTrue();
            assertThat(miner.output()).doesNotContain("DISCONNECTED");
            assertThat(ProxyIT.request(px.sock().resolve("stratifier"), "{\"method\":\"stats\"}")
                    .path("clients").asLong(-1)).as("the proxy still holds its miner").isEqualTo(1);
            from = miner.lines().size();
            signal(up1, "CONT");
            long back = System.currentTimeMillis();
            assertThat(miner.awaitLine(from, l -> l.startsWith("NOTIFY") && l.endsWith("true"), 30_000))
                    .as("clean work once up1 is back; log:\n%s", px.log()).isPresent();
            long returnMillis = miner.arrivalAfter(from, "NOTIFY") - back;
            assertThat(miner.awaitLine(from, l -> l.startsWith("ACCEPTED"), 20_000))
                    .as("shares accepted again: %s", miner.output()).isPresent();
            assertThat(miner.output()).doesNotContain("DISCONNECTED");
            assertThat(proxy.allSocketsLive("px")).isTrue();

            System.out.printf("PROXY_TIMEOUT_SWITCH_MS %d after SIGSTOP, %d after up1's last notify (upstream_timeout"
                    + " %d s, up1 notifies every 1 s)%n", timeoutSwitch, sinceLastNotify, TIMEOUT_S);
            System.out.printf("PROXY_RECOVER_MS %d after SIGCONT, %s ms after up1 was up again (upstream_recover %d s)%n",
                    recovered, upAgain < 0 ? "?" : Long.toString(recovered - (upAgain - continued)), RECOVER_S);
            System.out.printf("PROXY_ALL_DOWN none active after %d ms; PROXY_ALL_DOWN_RETURN_MS %d (SIGCONT -> miner's"
                    + " clean notify)%n", noneMillis, returnMillis);
        }
    }

    /** When the last line before index {@code end} starting with NOTIFY was read (epoch ms), or -1. */
    private static long lastNotifyBefore(LineProcess miner, int end) {
        List<String> lines = miner.lines();
        for (int i = Math.min(end, lines.size()) - 1; i >= 0; i--) {
            if (lines.get(i).startsWith("NOTIFY")) {
                return miner.arrivalAt(i);
            }
        }
        return -1;
    }

    /** Sends {@code sig} to every process of the pool (listener and children, by their pid files). */
    static void signal(MiningSuite suite, String sig) throws Exception {
        for (String p : List.of("main", "generator", "stratifier", "connector")) {
            long pid = suite.pool.pid(suite.name, p).orElseThrow();
            Process k = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
            assertThat(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0).as("kill -%s %d", sig, pid).isTrue();
        }
    }

    /** When the generator's events say upstream 0 came up after {@code since} (epoch ms), or -1. */
    private static long firstUpAfter(ProxyIT.Proxy px, long since) throws Exception {
        for (String line : Files.readAllLines(px.logdir().resolve("generator.events.jsonl"))) {
            if (line.contains("\"upstream_up\"") && line.contains("\"index\":0")) {
                long ts = Instant.parse(Json.parseOrNull(line).path("ts").asText()).toEpochMilli();
                if (ts >= since) {
                    return ts;
                }
            }
        }
        return -1;
    }
}
