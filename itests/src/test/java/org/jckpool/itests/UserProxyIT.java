package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ckpool -u end to end: a jckpool pool on a simnode as the upstream, the user proxy in front, two miners of
 * different users on the proxy. The upstream pool sees each user as its own worker with its own shares (read from
 * its admin socket), the proxy's own account gets none, a user's session closes once the user has had no
 * miner for {@code user_idle} seconds, and the remaining user's session follows the proxy to the second upstream
 * when the first is killed, and she gets work again after the proxy's stratifier is killed and restarted.
 */
class UserProxyIT {
    static final int USER_IDLE_S = 3;
    /** The proxy's own difficulty: every share a miner gets accepted at the proxy also goes upstream. */
    static final String UPSTREAM_DIFFS = "\"mindiff\":0.0005,\"startdiff\":0.0005,\"highdiff\":0.0005";

    @TempDir
    Path dir;

    @Test
    void eachUserMinesOnItsOwnUpstreamSession() throws Exception {
        try (MiningSuite up = new MiningSuite(dir, "up", null, UPSTREAM_DIFFS);
             MiningSuite up2 = new MiningSuite(dir, "up2", null, UPSTREAM_DIFFS);
             PoolProcesses proxy = new PoolProcesses(dir)) {
            assertThat(up.awaitReady(90_000)).as("upstream ready; log:\n%s", up.poolLog()).isTrue();
            assertThat(up2.awaitReady(90_000)).as("second upstream ready; log:\n%s", up2.poolLog()).isTrue();
            ProxyIT.Proxy px = ProxyIT.Proxy.start(proxy, dir, ProxyIT.entry(up.stratumPort, "proxyuser.px") + ","
                    + ProxyIT.entry(up2.stratumPort, "proxyuser.px2"), ",\"user_idle\":" + USER_IDLE_S, "-u");
            LineProcess alice = miner(proxy, px, "alice.rig1");
            LineProcess bob = miner(proxy, px, "bob.rig2");
            long t0 = System.currentTimeMillis();
            for (LineProcess m : List.of(alice, bob)) {
                assertThat(m.awaitLine(0, l -> l.startsWith("ACCEPTED 2 "), 90_000))
                        .as("%s\nproxy log:\n%s", m.output(), px.log()).isPresent();
            }
            long firstWork = Math.max(alice.arrivalOf("NOTIFY"), bob.arrivalOf("NOTIFY")) - t0;

            // the upstream credits each user: two workers with accepted shares, none for the proxy's own account
            assertThat(Await.within(15_000, () -> accepted(up, "alice") >= 2 && accepted(up, "bob") >= 2))
                    .as("upstream workers: %s", up.stratifier("{\"method\":\"workers\"}")).isTrue();
            assertThat(accepted(up, "proxyuser.px")).as("the proxy's own session mines nothing").isZero();
            JsonNode status = px.upstreams();
            assertThat(status.path("users").size()).as("%s", status).isEqualTo(2);
            String en1a = extranonce1(status, "alice");
            String en1b = extranonce1(status, "bob");
            assertThat(en1a).isNotNull().isNotEqualTo(en1b);

            // bob leaves: his session closes after user_idle, alice's stays
            long bobAccepted = accepted(up, "bob");
            bob.signal("TERM");
            long left = System.currentTimeMillis();
            assertThat(Await.within(USER_IDLE_S * 1000 + 10_000,
                    () -> extranonce1(px.upstreams(), "bob") == null))
                    .as("bob's session closed; %s", px.upstreams()).isTrue();
            long idleClose = System.currentTimeMillis() - left;
            assertThat(extranonce1(px.upstreams(), "alice")).isEqualTo(en1a);
            int from = alice.lines().size();
            assertThat(alice.awaitLine(from, l -> l.startsWith("ACCEPTED"), 20_000)).isPresent();
            assertThat(proxy.allSocketsLive("px")).isTrue();
            assertThat(Files.readString(px.logdir().resolve("px.log"))).contains("User bob: closing");

            // the upstream goes away: alice's session follows the proxy to the second upstream, her miner stays
            long aliceOnUp1 = accepted(up, "alice");
            up.close();
            long killed = System.currentTimeMillis();
            assertThat(Await.within(15_000, () -> userUpstream(px.upstreams(), "alice") == 1))
                    .as("alice's session on up2; %s", px.upstreams()).isTrue();
            long moved = System.currentTimeMillis() - killed;
            assertThat(Await.within(30_000, () -> accepted(up2, "alice") >= 1))
                    .as("up2 workers: %s", up2.stratifier("{\"method\":\"workers\"}")).isTrue();
            assertThat(accepted(up2, "proxyuser.px2")).isZero();
            assertThat(alice.output()).doesNotContain("DISCONNECTED");

            // the proxy's stratifier dies: the listener restarts it, the generator sends it alice's work again
            long stratifierPid = proxy.pid("px", "stratifier").orElseThrow();
            from = alice.lines().size();
            ProcessHandle.of(stratifierPid).ifPresent(ProcessHandle::destroyForcibly);
            long crashed = System.currentTimeMillis();
            assertThat(alice.awaitLine(from, l -> l.startsWith("NOTIFY"), 30_000))
                    .as("work after the stratifier restart: %s\nlog:\n%s", alice.output(), px.log()).isPresent();
            long workAgain = alice.arrivalAfter(from, "NOTIFY") - crashed;
            assertThat(alice.awaitLine(from, l -> l.startsWith("ACCEPTED"), 30_000)).isPresent();
            System.out.printf("USERPROXY first work %d ms after the miners started; alice %d, bob %d accepted upstream;"
                    + " idle session closed %d ms after its last miner left (user_idle %d s); alice's session on"
                    + " up2 %d ms after up1 was killed; work %d ms after the proxy's stratifier was killed%n", firstWork,
                    aliceOnUp1, bobAccepted, idleClose, USER_IDLE_S, moved, workAgain);
        }
    }

    private static LineProcess miner(PoolProcesses proxy, ProxyIT.Proxy px, String user) throws Exception {
        return proxy.startLines(List.of(proxy.root.resolve("scripts/testminer").toString(), "-o",
                "stratum+tcp://127.0.0.1:" + px.stratum(), "-u", user, "-p", "x", "-t", "1",
                "--duration", "120", "--status-interval", "0"), user + ".err");
    }

    private static long accepted(MiningSuite up, String worker) {
        JsonNode w = up.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + worker + "\"}}");
        return w == null ? -1 : w.path("accepted").asLong(0);
    }

    /** The index of the upstream {@code user}'s open session is on, or -1. */
    private static int userUpstream(JsonNode status, String user) {
        for (JsonNode u : status.path("users")) {
            if (user.equals(u.path("user").asText()) && u.path("connected").asBoolean()) {
                return u.path("upstream").asInt(-1);
            }
        }
        return -1;
    }

    /** The extranonce1 of {@code user}'s open upstream session, or null. */
    private static String extranonce1(JsonNode status, String user) {
        for (JsonNode u : status.path("users")) {
            if (user.equals(u.path("user").asText()) && u.path("connected").asBoolean()) {
                return u.path("extranonce1").asText(null);
            }
        }
        return null;
    }
}
