package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduling proxy's extranonce layout across upstreams whose extranonce2 sizes differ: two jckpool pools
 * (nonce2length 8, listed first, and 4) behind {@code ckpool -p} at 50:50. The layout room is the smaller one
 * whichever upstream answers first, so the proxy's miners get work and accepted shares from both upstreams (read
 * from the upstream pools' own counts). A stratifier restarted while only the 8-byte upstream has weight fixes the
 * same 4-byte room from the announced layout, and the 4-byte upstream's work is taken again afterwards.
 */
class ScheduledLayoutIT {
    @TempDir
    Path dir;

    @Test
    void upstreamsWithDifferentExtranonce2SizesBothGetTheMinersWork() throws Exception {
        String fixed = ScheduledProxyIT.FIXED_DIFF;
        try (MiningSuite big = new MiningSuite(dir, "big", "1d00ffff", fixed);
             MiningSuite small = new MiningSuite(dir, "small", "1d00ffff", fixed + ",\"nonce2length\":4");
             PoolProcesses proxy = new PoolProcesses(dir)) {
            assertThat(big.awaitReady(90_000)).as("big ready; log:\n%s", big.poolLog()).isTrue();
            assertThat(small.awaitReady(90_000)).as("small ready; log:\n%s", small.poolLog()).isTrue();
            String entries = "{\"url\":\"127.0.0.1:" + big.stratumPort + "\",\"auth\":\"proxyuser.big\",\"pass\":\"x\","
                    + "\"name\":\"big\",\"weight\":50},{\"url\":\"127.0.0.1:" + small.stratumPort
                    + "\",\"auth\":\"proxyuser.small\",\"pass\":\"x\",\"name\":\"small\",\"weight\":50}";
            ProxyIT.Proxy px = ProxyIT.Proxy.start(proxy, dir, entries,
                    ",\"schedule\":{\"slice\":0.5,\"grace\":5}," + fixed, "-p");

            JsonNode st = schedule(px);
            assertThat(st.path("layout_extranonce2_size").asInt()).as("%s", st).isEqualTo(4);
            assertThat(Await.within(10_000, () -> schedule(px).path("upstreams").path(1).path("compatible")
                    .asBoolean() && schedule(px).path("upstreams").path(0).path("compatible").asBoolean()))
                    .as("both compatible: %s", schedule(px)).isTrue();
            // the stratifier's view (/api/upstreams, /metrics) has it from the generator's status every 2 s
            HttpClient web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            String smallSeries = "jckpool_upstream_compatible{upstream=\"1\",url=\"127.0.0.1:" + small.stratumPort
                    + "\"} 1.0";
            assertThat(Await.within(10_000, () -> get(web, px, "/metrics").contains(smallSeries)
                    && Json.parseOrNull(get(web, px, "/api/upstreams")).path("upstreams").path(1).path("compatible")
                    .asBoolean())).as("/metrics and /api/upstreams show both compatible").isTrue();
            JsonNode layout = forwarding(px);
            assertThat(layout.path("miner_extranonce1_size").asInt()).as("%s", layout).isEqualTo(2);
            assertThat(layout.path("miner_extranonce2_size").asInt()).as("%s", layout).isEqualTo(2);

            LineProcess miner0 = miner(proxy, px, "miner0.rig");
            assertThat(Await.within(30_000, () -> upstreamShares(big, "proxyuser.big") >= 10
                    && upstreamShares(small, "proxyuser.small") >= 10))
                    .as("accepted shares at both upstreams: big %s, small %s; schedule %s",
                            upstreamShares(big, "proxyuser.big"), upstreamShares(small, "proxyuser.small"),
                            schedule(px)).isTrue();
            miner0.signal("TERM");
            assertThat(px.log()).doesNotContain("Unusable upstream work");

            // only the 8-byte upstream has weight; the stratifier restarts and gets only its work
            PoolProcesses.Result set = proxy.ckpmsg("px",
                    "{\"method\":\"schedule\",\"params\":{\"weights\":{\"big\":100,\"small\":0}}}");
            assertThat(set.exit()).as(set.out()).isZero();
            assertThat(Await.within(10_000, () -> schedule(px).path("current").asInt(-1) == 0)).isTrue();
            long oldPid = proxy.pid("px", "stratifier").orElseThrow();
            ProcessHandle.of(oldPid).ifPresent(ProcessHandle::destroy);
            assertThat(Await.within(20_000, () -> proxy.pid("px", "stratifier").orElse(oldPid) != oldPid
                    && forwarding(px).has("miner_extranonce2_size"))).as("stratifier restarted with a layout; log:\n%s",
                    px.log()).isTrue();
            layout = forwarding(px);
            assertThat(layout.path("miner_extranonce1_size").asInt()).as("the announced room, not the 8-byte work's: %s",
                    layout).isEqualTo(2);
            assertThat(layout.path("miner_extranonce2_size").asInt()).isEqualTo(2);

            set = proxy.ckpmsg("px", "{\"method\":\"schedule\",\"params\":{\"weights\":{\"big\":50,\"small\":50}}}");
            assertThat(set.exit()).as(set.out()).isZero();
            double smallBefore = upstreamShares(small, "proxyuser.small");
            double bigBefore = upstreamShares(big, "proxyuser.big");
            LineProcess miner1 = miner(proxy, px, "miner1.rig");
            assertThat(Await.within(30_000, () -> upstreamShares(small, "proxyuser.small") >= smallBefore + 5
                    && upstreamShares(big, "proxyuser.big") >= bigBefore + 5))
                    .as("both upstreams take the restarted stratifier's shares; schedule %s", schedule(px))
                    .isTrue();
            miner1.signal("TERM");
            assertThat(px.log()).doesNotContain("Unusable upstream work");
            assertThat(proxy.allSocketsLive("px")).as("no proxy process died").isTrue();
        }
    }

    private static LineProcess miner(PoolProcesses proxy, ProxyIT.Proxy px, String user) throws Exception {
        return proxy.startLines(List.of(proxy.root.resolve("scripts/testminer").toString(), "-o",
                "stratum+tcp://127.0.0.1:" + px.stratum(), "-u", user, "-p", "x", "-t", "1", "--hashrate-limit",
                "160000", "--duration", "60", "--status-interval", "0"), user + ".err");
    }

    private static String get(HttpClient web, ProxyIT.Proxy px, String path) throws Exception {
        return web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + px.http() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static JsonNode schedule(ProxyIT.Proxy px) {
        JsonNode s = ProxyIT.request(px.sock().resolve("generator"), "{\"method\":\"schedule\"}");
        return s == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : s;
    }

    /** The stratifier's forwarding figures, with the miners' extranonce sizes once its layout is fixed. */
    private static JsonNode forwarding(ProxyIT.Proxy px) {
        JsonNode u = ProxyIT.request(px.sock().resolve("stratifier"), "{\"method\":\"upstreams\"}");
        return u == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : u.path("forwarding");
    }

    private static double upstreamShares(MiningSuite up, String worker) {
        JsonNode w = up.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + worker + "\"}}");
        return w == null ? 0 : w.path("accepted").asDouble(0);
    }
}
