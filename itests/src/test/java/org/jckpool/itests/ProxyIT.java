package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ckproxy end to end: two jckpool pools on simnodes as upstreams, {@code ckpool -p} in front of them, testminer on
 * the proxy. Shares go upstream, a block found through the proxy is accepted by the upstream's node, and killing
 * the first upstream moves the proxy to the second within 5 s.
 */
class ProxyIT {
    static final String UPSTREAM_DIFFS = "\"mindiff\":0.002,\"startdiff\":0.002,\"highdiff\":0.002";

    @TempDir
    Path dir;

    @Test
    void minesThroughTheProxyAndFailsOver() throws Exception {
        try (MiningSuite up1 = new MiningSuite(dir, "up1", null, UPSTREAM_DIFFS);
             MiningSuite up2 = new MiningSuite(dir, "up2", null, UPSTREAM_DIFFS);
             PoolProcesses proxy = new PoolProcesses(dir)) {
            assertThat(up1.awaitReady(90_000)).as("up1 ready; log:\n%s", up1.poolLog()).isTrue();
            assertThat(up2.awaitReady(90_000)).as("up2 ready; log:\n%s", up2.poolLog()).isTrue();
            long height0 = up1.rpc.getBlockCount();

            Proxy px = Proxy.start(proxy, dir, entry(up1.stratumPort, "proxyuser.px") + ","
                    + entry(up2.stratumPort, "proxyuser.px2").replace("127.0.0.1", "stratum+tcp://127.0.0.1"), "", "-p");
            int stratum = px.stratum();
            int http = px.http();
            Path logdir = px.logdir();
            Path sock = px.sock();
            // on a busy machine the first upstream may not have answered in time: mine once it is the active one
            assertThat(Await.within(60_000, () -> {
                JsonNode u = request(sock.resolve("generator"), "{\"method\":\"upstreams\"}");
                return u != null && u.path("active").asInt(-1) == 0 && u.path("upstreams").path(0).path("alive")
                        .asBoolean();
            })).as("first upstream active: %s", request(sock.resolve("generator"), "{\"method\":\"upstreams\"}"))
                    .isTrue();

            // Miners get difficulty 0.0005, the upstreams 0.002: a share is forwarded with probability 1/4, so 32
            // shares leave none forwarded once in 10,000 runs (with 4 it was a third of them).
            PoolProcesses.Result miner = proxy.run(List.of(proxy.root.resolve("scripts/testminer").toString(), "-o",
                    "stratum+tcp://127.0.0.1:" + stratum, "-u", "minerA.rig", "-p", "x", "-t", "1", "--max-shares",
                    "32", "--duration", "60", "--status-interval", "0"), null);
            assertThat(miner.out()).as(miner.out()).contains("SUBSCRIBED", "AUTHORIZED minerA.rig true", "NOTIFY",
                    "ACCEPTED 32 ");

            // Every share forwarded to up1 is answered, and accepted there unless it was stale: on up1's regtest
            // chain every forwarded share is a block, so a share already on its way when the block before it
            // changed up1's tip is stale there (one of 7 in a run); nothing else may be refused.
            assertThat(Await.within(10_000, () -> {
                JsonNode u = request(sock.resolve("generator"), "{\"method\":\"upstreams\"}");
                JsonNode first = u == null ? null : u.path("upstreams").path(0);
                return first != null && first.path("forwarded").asLong() > 0
                        && first.path("accepted").asLong() + first.path("rejected").asLong()
                        == first.path("forwarded").asLong()
                        && first.path("rejected").asLong() == first.path("stale").asLong();
            })).as("upstreams: %s", request(sock.resolve("generator"), "{\"method\":\"upstreams\"}")).isTrue();
            JsonNode ups = request(sock.resolve("listener"), "{\"method\":\"upstreams\"}");
            JsonNode first = ups.path("upstreams").path(0);
            assertThat(ups.path("active").asInt()).isZero();
            assertThat(first.path("url").asText()).isEqualTo("127.0.0.1:" + up1.stratumPort);
            assertThat(first.path("user").asText()).isEqualTo("proxyuser.px");
            assertThat(first.path("alive").asBoolean()).isTrue();
            assertThat(first.path("rejected").asLong()).isEqualTo(first.path("stale").asLong());
            assertThat(first.path("difficulty").asDouble()).isEqualTo(0.002);
            long forwarded = first.path("forwarded").asLong();
            long acceptedUpstream = first.path("accepted").asLong();
            assertThat(Await.within(5_000, () -> {
                JsonNode w = up1.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"proxyuser.px\"}}");
                return w != null && w.path("accepted").asLong() == acceptedUpstream;
            })).as("up1's own count of accepted shares is the proxy's (%d): %s", acceptedUpstream,
                    up1.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"proxyuser.px\"}}")).isTrue();
            assertThat(Await.within(15_000, () -> {
                try {
                    return up1.rpc.getBlockCount() > height0 && up1.poolLog().contains("BLOCK ACCEPTED");
                } catch (IOException e) {
                    return false;
                }
            })).as("a block found through the proxy reached up1's node").isTrue();
            assertThat(up1.poolLog()).contains("worker proxyuser.px");

            HttpClient web = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
            HttpResponse<String> api = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http
                    + "/api/upstreams")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(api.statusCode()).isEqualTo(200);
            assertThat(api.body()).contains("\"pool_rejected_percent\"", "\"get_failures\"", "\"forwarding\"");
            String metrics = web.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("jckpool_upstream_up{upstream=\"0\",url=\"127.0.0.1:" + up1.stratumPort
                    + "\"} 1.0");

            // the proxy's dashboard, in a real browser: its upstream pools in priority order instead of nodes
            try (HeadlessChromium browser = HeadlessChromium.start()) {
                browser.open("http://127.0.0.1:" + http + "/?refresh=1");
                String acceptedText = String.format(java.util.Locale.US, "%,d", acceptedUpstream);
                assertThat(browser.waitUntil(() -> {
                    List<String> cells = browser.texts("#upstreams tr[data-upstream='0'] td");
                    return cells.size() == 12 && cells.get(5).equals(acceptedText);
                })).as("upstream table: %s", browser.texts("#upstreams tr")).isTrue();
                List<String> row0 = browser.texts("#upstreams tr[data-upstream='0'] td");
                assertThat(row0.subList(0, 5)).containsExactly("127.0.0.1:" + up1.stratumPort, "proxyuser.px", "0",
                        "active", "yes");
                assertThat(row0.get(9)).as("last share").matches("\\d+ (s|min) ago");
                assertThat(row0.get(10)).as("difficulty").isEqualTo("0.00200");
                assertThat(row0.get(11)).as("latency").matches("\\d+ ms");
                // the standby: not connected while the first one serves, so not "alive" in pyasic's sense
                assertThat(browser.texts("#upstreams tr[data-upstream='1'] td").subList(0, 4)).containsExactly(
                        "stratum+tcp://127.0.0.1:" + up2.stratumPort, "proxyuser.px2", "1", "");
                assertThat(browser.js("return document.getElementById('nodes-section').hidden;")).isEqualTo(true);
            }

            // kill the active upstream: the proxy moves to the second within 5 s and nothing crashes
            up1.close();
            long killed = System.currentTimeMillis();
            assertThat(Await.within(5_000, () -> {
                JsonNode u = request(sock.resolve("generator"), "{\"method\":\"upstreams\"}");
                return u != null && u.path("active").asInt(-1) == 1;
            })).as("switched to up2 within 5 s; log:\n%s", readLog(logdir)).isTrue();
            long switchMillis = System.currentTimeMillis() - killed;
            PoolProcesses.Result miner2 = proxy.run(List.of(proxy.root.resolve("scripts/testminer").toString(), "-o",
                    "stratum+tcp://127.0.0.1:" + stratum, "-u", "minerB", "-p", "x", "-t", "1", "--max-shares",
                    "32", "--duration", "60", "--status-interval", "0"), null);
            assertThat(miner2.out()).as(miner2.out()).contains("ACCEPTED 32 ");
            assertThat(Await.within(10_000, () -> {
                JsonNode w = up2.stratifier("{\"method\":\"getworker\",\"params\":{\"worker\":\"proxyuser.px2\"}}");
                return w != null && w.path("accepted").asLong() > 0;
            })).as("up2 gets the shares").isTrue();
            assertThat(proxy.allSocketsLive("px")).as("no proxy process died").isTrue();
            String events = Files.readString(logdir.resolve("generator.events.jsonl"));
            assertThat(events).contains("\"upstream_up\"", "\"upstream_down\"", "\"upstream_switched\"",
                    "\"share_forwarded\"", "\"share_result\"");
            assertThat(proxy.output("px", 0)).as("console line").contains("| upstream 1 stratum+tcp://127.0.0.1:" + up2.stratumPort
                    + " diff 0.00200000 | forwarded ");

            // ckpool's status files in proxy mode, written by a stratifier stopped with TERM (the listener restarts
            // it and it reads them back): both miners' users, their shares counted at the proxy's difficulty
            long stratifierPid = proxy.pid("px", "stratifier").orElseThrow();
            ProcessHandle.of(stratifierPid).ifPresent(ProcessHandle::destroy);
            assertThat(Await.within(20_000, () -> proxy.pid("px", "stratifier").orElse(stratifierPid)
                    != stratifierPid)).as("stratifier restarted").isTrue();
            String[] status = Files.readString(logdir.resolve("pool/pool.status")).split("\n");
            assertThat(status).as("pool.status").hasSize(3);
            assertThat(Json.parseOrNull(status[0]).path("runtime").asLong()).isPositive();
            assertThat(Json.parseOrNull(status[1]).path("hashrate1m").asText()).isNotEmpty();
            JsonNode shares = Json.parseOrNull(status[2]);
            assertThat(shares.path("accepted").asDouble()).as(status[2]).isGreaterThanOrEqualTo(64 * 0.0005);
            assertThat(shares.path("diff").asDouble()).as("share of the upstream's network difficulty").isPositive();
            for (String user : List.of("minerA", "minerB")) {
                JsonNode u = Json.parseOrNull(Files.readString(logdir.resolve("users").resolve(user)));
                assertThat(u.path("shares").asDouble()).as("users/%s", user).isGreaterThanOrEqualTo(32 * 0.0005);
                assertThat(u.path("lastshare").asLong()).isPositive();
            }
            assertThat(Json.parseOrNull(Files.readString(logdir.resolve("users/minerA"))).path("worker").path(0)
                    .path("workername").asText()).isEqualTo("minerA.rig");
            assertThat(readLog(logdir)).contains("Proxy:{\"current\":1,\"active\":1,\"total\":2}");
            System.out.println("PROXY_FAILOVER_MS " + switchMillis + " forwarded " + forwarded);
        }
    }

    /** A proxy entry for an upstream on loopback. */
    static String entry(int port, String auth) {
        return "{\"url\":\"127.0.0.1:" + port + "\",\"auth\":\"" + auth + "\",\"pass\":\"x\"}";
    }

    /** A running proxy instance "px": its stratum and http ports, log dir and socket dir. */
    record Proxy(int stratum, int http, Path logdir, Path sock) {
        /** Writes px.conf ({@code entries}: the "proxy" array's items; {@code extra}: more keys) and starts it. */
        static Proxy start(PoolProcesses proxy, Path dir, String entries, String extra, String mode) throws Exception {
            int stratum = MiningSuite.freePort();
            int http = MiningSuite.freePort();
            Path logdir = dir.resolve("logs-px");
            Path conf = dir.resolve("px.conf");
            Files.writeString(conf, "{\"proxy\":[" + entries + "],"
                    + "\"serverurl\":[\"127.0.0.1:" + stratum + "\"],\"logdir\":\"" + logdir + "\","
                    + "\"httpbind\":\"127.0.0.1:" + http + "\",\"logjson\":true,"
                    + "\"mindiff\":0.0005,\"startdiff\":0.0005,\"highdiff\":0.0005" + extra + "}\n");
            proxy.startPool("px", conf, Map.of(), mode);
            Path sock = proxy.sockdir("px");
            assertThat(Await.within(60_000, () -> {
                JsonNode s = request(sock.resolve("stratifier"), "{\"method\":\"stats\"}");
                JsonNode c = request(sock.resolve("connector"), "{\"method\":\"stats\"}");
                return s != null && s.path("connector_connected").asBoolean() && c != null
                        && c.path("admitting").asBoolean();
            })).as("proxy ready; log:\n%s", readLog(logdir)).isTrue();
            return new Proxy(stratum, http, logdir, sock);
        }

        JsonNode upstreams() {
            return request(sock.resolve("generator"), "{\"method\":\"upstreams\"}");
        }

        /** The active upstream's index, -1 for none (or no answer). */
        int active() {
            JsonNode u = upstreams();
            return u == null ? -2 : u.path("active").asInt(-1);
        }

        String log() {
            return readLog(logdir);
        }
    }

    static JsonNode request(Path socket, String req) {
        try {
            return Json.parseOrNull(ControlClient.request(socket, req, 3000).orElse(""));
        } catch (IOException e) {
            return null;
        }
    }

    static String readLog(Path logdir) {
        try {
            Path p = logdir.resolve("px.log");
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }
}
