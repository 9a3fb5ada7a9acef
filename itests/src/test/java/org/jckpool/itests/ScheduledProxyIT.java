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
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The scheduling proxy end to end: two jckpool pools on two simnodes as upstreams (a chain target far above the
 * share difficulty, so no block changes the work, and a fixed upstream difficulty), {@code ckpool -p} in front with
 * weights 70:30 and a half-second slice (the split is off by up to one slice's work at any moment: short slices
 * keep that small against the few hundred shares the test can wait for), three testminers of different hash rates.
 * The split of accepted work is read from the upstream pools' own counts of the proxy's worker: within 3.5 points
 * (5 %) of 70:30; after weights 50:50 over ckpmsg, the work accepted since then within 5 points of 50:50; with one
 * upstream killed every share goes to the other. Under 1 % of the shares are rejected, by the upstreams or by the
 * proxy. Also checks /api/schedule (read; weights with the admin token) and the schedule figures in /metrics.
 */
class ScheduledProxyIT {
    /** Upstream share difficulty: about 43,000 hashes a share. */
    static final double UP_DIFF = 0.00001;
    static final String FIXED_DIFF = "\"mindiff\":" + UP_DIFF + ",\"startdiff\":" + UP_DIFF + ",\"highdiff\":" + UP_DIFF
            + ",\"maxdiff\":" + UP_DIFF;

    static final String TOKEN = "scheduled-proxy-admin-token";

    @TempDir
    Path dir;

    @Test
    void splitsAcceptedWorkByWeightFollowsANewWeightAndFailsOver() throws Exception {
        try (MiningSuite up1 = new MiningSuite(dir, "up1", "1d00ffff", FIXED_DIFF);
             MiningSuite up2 = new MiningSuite(dir, "up2", "1d00ffff", FIXED_DIFF);
             PoolProcesses proxy = new PoolProcesses(dir)) {
            assertThat(up1.awaitReady(90_000)).as("up1 ready; log:\n%s", up1.poolLog()).isTrue();
            assertThat(up2.awaitReady(90_000)).as("up2 ready; log:\n%s", up2.poolLog()).isTrue();
            String entries = "{\"url\":\"127.0.0.1:" + up1.stratumPort + "\",\"auth\":\"proxyuser.a\",\"pass\":\"x\","
                    + "\"name\":\"alpha\",\"weight\":70},{\"url\":\"127.0.0.1:" + up2.stratumPort
                    + "\",\"auth\":\"proxyuser.b\",\"pass\":\"x\",\"name\":\"beta\",\"weight\":30}";
            // the miners' difficulty is the upstreams' (these keys come after Proxy.start's own, and the last wins):
            // every share is forwarded
            ProxyIT.Proxy px = ProxyIT.Proxy.start(proxy, dir, entries,
                    ",\"schedule\":{\"slice\":0.5,\"grace\":5},\"admintoken\":\"" + TOKEN + "\"," + FIXED_DIFF, "-p");
            assertThat(Await.within(30_000, () -> bothHealthy(px)))
                    .as("both upstreams connected: %s", schedule(px)).isTrue();

            List<LineProcess> miners = new ArrayList<>();
            int[] rates = {40_000, 80_000, 160_000};
            for (int i = 0; i < rates.length; i++) {
                miners.add(proxy.startLines(List.of(proxy.root.resolve("scripts/testminer").toString(), "-o",
                        "stratum+tcp://127.0.0.1:" + px.stratum(), "-u", "miner" + i + ".rig", "-p", "x", "-t", "1",
                        "--hashrate-limit", Integer.toString(rates[i]), "--duration", "170", "--status-interval",
                        "0"), "miner" + i + ".err"));
            }

            // 70:30: the upstreams' own accepted work for the proxy's workers
            assertThat(Await.within(90_000, () -> upstreamShares(up1, "proxyuser.a") + upstreamShares(up2,
                    "proxyuser.b") >= 250)).as("250 shares upstream; schedule %s", schedule(px)).isTrue();
            double a1 = upstreamShares(up1, "proxyuser.a");
            double b1 = upstreamShares(up2, "proxyuser.b");
            System.out.printf("SCHEDULE_70_30 alpha %.0f beta %.0f shares: %.2f %% to alpha%n", a1, b1,
                    100 * a1 / (a1 + b1));
            assertThat(100 * a1 / (a1 + b1)).as("alpha's share at 70:30; schedule %s", schedule(px))
                    .isCloseTo(70, within(3.5));
            JsonNode st = schedule(px);
            assertThat(st.path("switches").asLong()).as("the proxy switched back and forth").isGreaterThan(10);
            assertThat(st.path("upstreams").path(0).path("target_percent").asDouble()).isEqualTo(70.0);
            // per miner: each of the three has work accepted by both upstreams, and together they are all of it
            assertThat(st.path("miners").findValuesAsText("worker"))
                    .containsExactlyInAnyOrder("miner0.rig", "miner1.rig", "miner2.rig");
            double minersWork = 0;
            for (JsonNode m : st.path("miners")) {
                assertThat(m.path("upstreams").path(0).path("accepted").asLong()).as("%s on alpha", m).isPositive();
                assertThat(m.path("upstreams").path(1).path("accepted").asLong()).as("%s on beta", m).isPositive();
                minersWork += m.path("accepted_work").asDouble();
            }
            double upstreamWork = st.path("upstreams").path(0).path("accepted_work").asDouble()
                    + st.path("upstreams").path(1).path("accepted_work").asDouble();
            assertThat(minersWork).as("the miners' work is the upstreams' work").isCloseTo(upstreamWork,
                    within(0.02 * upstreamWork));

            // 50:50 over ckpmsg (the listener passes it to the generator)
            PoolProcesses.Result set = proxy.ckpmsg("px",
                    "{\"method\":\"schedule\",\"params\":{\"weights\":{\"alpha\":50,\"beta\":50}}}");
            assertThat(set.exit()).as(set.out()).isZero();
            assertThat(set.out()).contains("\"target_percent\":50.0");
            double a2 = upstreamShares(up1, "proxyuser.a");
            double b2 = upstreamShares(up2, "proxyuser.b");
            assertThat(Await.within(60_000, () -> upstreamShares(up1, "proxyuser.a") + upstreamShares(up2,
                    "proxyuser.b") - a2 - b2 >= 200)).as("200 more shares upstream").isTrue();
            double da = upstreamShares(up1, "proxyuser.a") - a2;
            double db = upstreamShares(up2, "proxyuser.b") - b2;
            System.out.printf("SCHEDULE_50_50 alpha %.0f beta %.0f shares: %.2f %% to alpha%n", da, db,
                    100 * da / (da + db));
            // converged: within 5 points of 50:50 over the 200 shares since (the split is off by at most the shares
            // of one slice at any moment, and a 0.5 s slice holds up to about 6 of them here)
            assertThat(100 * da / (da + db)).as("alpha's share since 50:50").isCloseTo(50, within(5.0));

            // one upstream killed: all work to the other, nothing crashes
            up2.close();
            assertThat(Await.within(10_000, () -> !schedule(px).path("upstreams").path(1).path("healthy")
                    .asBoolean(true))).as("beta seen down: %s", schedule(px)).isTrue();
            double a3 = upstreamShares(up1, "proxyuser.a");
            assertThat(Await.within(30_000, () -> upstreamShares(up1, "proxyuser.a") - a3 >= 30))
                    .as("alpha takes all the work: %s", schedule(px)).isTrue();
            st = schedule(px);
            assertThat(st.path("current").asInt()).isZero();
            assertThat(st.path("upstreams").path(1).path("effective_percent").asDouble()).isZero();
            assertThat(proxy.allSocketsLive("px")).as("no proxy process died").isTrue();

            // rejects: at the upstreams (the proxy's counts of their answers) and at the miners
            JsonNode ups = px.upstreams();
            long accepted = 0;
            long rejected = 0;
            for (JsonNode u : ups.path("upstreams")) {
                accepted += u.path("accepted").asLong();
                rejected += u.path("rejected").asLong();
            }
            assertThat(accepted).isPositive();
            assertThat(100.0 * rejected / (accepted + rejected)).as("upstream rejects: %s", ups).isLessThan(1.0);
            long minerAccepted = 0;
            long minerRejected = 0;
            for (LineProcess m : miners) {
                minerAccepted += m.lines().stream().filter(l -> l.startsWith("ACCEPTED")).count();
                minerRejected += m.lines().stream().filter(l -> l.startsWith("REJECTED")).count();
            }
            assertThat(100.0 * minerRejected / (minerAccepted + minerRejected)).as("miners' rejects").isLessThan(1.0);
            String events = Files.readString(px.logdir().resolve("generator.events.jsonl"));
            assertThat(events).contains("\"event\":\"pool_switched\"", "\"reason\":\"slice\"");
            assertThat(events).containsPattern("\"event\":\"upstream_down\"[^\\n]*\"index\":1");
            assertThat(events).containsPattern("\"event\":\"share_result\"[^\\n]*\"name\":\"beta\",\"index\":1"
                    + "[^\\n]*\"worker\":\"miner[0-2].rig\",\"difficulty\":[0-9.Ee+-]+,\"accepted\":true,\"stale\":false");
            // the JSON API: the state for anyone, weights with the admin token; /metrics per upstream
            HttpClient web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            URI api = URI.create("http://127.0.0.1:" + px.http() + "/api/schedule");
            HttpResponse<String> get = web.send(HttpRequest.newBuilder(api).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(Json.parseOrNull(get.body()).path("upstreams").path(1).path("name").asText()).isEqualTo("beta");
            String weights = "{\"weights\":{\"alpha\":60,\"beta\":40}}";
            assertThat(web.send(HttpRequest.newBuilder(api).POST(HttpRequest.BodyPublishers.ofString(weights)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            HttpResponse<String> post = web.send(HttpRequest.newBuilder(api).header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(weights)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
            assertThat(Json.parseOrNull(post.body()).path("upstreams").path(0).path("target_percent").asDouble())
                    .isEqualTo(60.0);
            URI metricsUri = URI.create("http://127.0.0.1:" + px.http() + "/metrics");
            assertThat(Await.within(10_000, () -> web.send(HttpRequest.newBuilder(metricsUri).build(),
                    HttpResponse.BodyHandlers.ofString()).body()
                    .contains("jckpool_schedule_target_percent{name=\"alpha\",upstream=\"0\"} 60.0")))
                    .as("/metrics has the new target").isTrue();
            assertThat(web.send(HttpRequest.newBuilder(metricsUri).build(), HttpResponse.BodyHandlers.ofString())
                    .body()).contains("jckpool_schedule_achieved_percent{name=\"alpha\",upstream=\"0\",window=\"10m\"}",
                    "jckpool_schedule_switches{name=\"beta\",upstream=\"1\"}",
                    "jckpool_schedule_miner_accepted_work{miner=\"miner2.rig\",name=\"alpha\",upstream=\"0\"}",
                    "jckpool_schedule_miner_achieved_percent{miner=\"miner0.rig\",name=\"beta\",upstream=\"1\","
                            + "window=\"1h\"}");

            System.out.printf("SCHEDULE_REJECTS upstream %d of %d, miners %d of %d, switches %d%n", rejected,
                    accepted + rejected, minerRejected, minerAccepted + minerRejected, st.path("switches").asLong());
        }
    }

    private static JsonNode schedule(ProxyIT.Proxy px) {
        return ProxyIT.request(px.sock().resolve("generator"), "{\"method\":\"schedule\"}");
    }

    private static boolean bothHealthy(ProxyIT.Proxy px) {
        JsonNode s = schedule(px);
        return s != null && s.path("upstreams").path(0).path("healthy").asBoolean()
                && s.path("upstreams").path(1).path("healthy").asBoolean();
    }

    /** Accepted shares of {@code worker} as the upstream pool counts them (all at difficulty {@link #UP_DIFF}). */
    private static double upstreamShares(MiningSuite up, String worker) {
        JsonNode w = up.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"" + worker + "\"}}");
        return w == null ? 0 : w.path("accepted").asDouble(0);
    }
}
