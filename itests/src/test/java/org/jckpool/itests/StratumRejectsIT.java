package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reject paths and block changes over real sockets: scripts/simnode with --bits 1f00ffff (network difficulty
 * 1/65536, so the node can still mine a block on request, while the test picks shares at the pool's 0.000001 that
 * are not blocks) and the suite from scripts/ckpool; a raw TCP
 * client writes each bad submit itself and checks the pool's answer. The stratum port is a free one above 4000,
 * which ckpool treats as a high-difficulty port: highdiff is set to the same tiny difficulty.
 */
class StratumRejectsIT {
    static final String WORKER = MiningSuite.ADDRESS + ".raw";

    @TempDir
    static Path dir;
    static MiningSuite suite;

    @BeforeAll
    static void start() throws Exception {
        suite = new MiningSuite(dir, "rej", "1f00ffff", "\"mindiff\":0.000001,\"startdiff\":0.000001,\"highdiff\":0.000001");
        assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    private static StratumTestClient authorised() throws Exception {
        StratumTestClient c = new StratumTestClient(suite.stratumPort);
        c.subscribeAndAuthorize(WORKER);
        c.latestNotify(5000);
        assertThat(c.difficulty).isEqualTo(0.000001);
        return c;
    }

    private static void assertReject(JsonNode reply, int code, String reason) {
        assertThat(reply.path("result").asBoolean(true)).as("%s", reply).isFalse();
        assertThat(reply.path("error").path(0).asInt()).as("%s", reply).isEqualTo(code);
        if (reason != null) {
            assertThat(reply.path("reject-reason").asText()).as("%s", reply).isEqualTo(reason);
        }
    }

    @Test
    void acceptedThenDuplicateAboveTargetUnknownJobNtimeAndVersionBits() throws Exception {
        try (StratumTestClient c = authorised()) {
            JsonNode notify = c.latestNotify(1000);
            StratumTestClient.Share good = c.grind(notify, 1, (share, block) -> share && !block);
            JsonNode first = c.request("mining.submit", good.params(WORKER));
            assertThat(first.path("result").asBoolean()).as("%s", first).isTrue();
            assertReject(c.request("mining.submit", good.params(WORKER)), 22, "Duplicate");

            StratumTestClient.Share weak = c.grind(notify, 2, (share, block) -> !share);
            assertReject(c.request("mining.submit", weak.params(WORKER)), 23, "Above target");

            assertReject(c.request("mining.submit", "[\"" + WORKER + "\",\"deadbeef\",\"" + good.en2() + "\",\""
                    + good.ntime() + "\",\"" + good.nonce() + "\"]"), 21, "Invalid JobID");

            String early = String.format("%08x", Long.parseLong(good.ntime(), 16) - 1);
            assertReject(c.request("mining.submit", "[\"" + WORKER + "\",\"" + good.jobId() + "\",\"" + good.en2()
                    + "\",\"" + early + "\",\"" + good.nonce() + "\"]"), 20, "Ntime out of range");

            // no mining.configure: no version bits may be rolled
            assertReject(c.request("mining.submit", "[\"" + WORKER + "\",\"" + good.jobId() + "\",\"" + good.en2()
                    + "\",\"" + good.ntime() + "\",\"" + good.nonce() + "\",\"00002000\"]"), 20,
                    "Invalid version mask");
        }
        assertThat(Await.within(3_000, () -> suite.stratifier("{\"method\":\"stats\"}")
                .path("accepted").asLong() >= 1)).as("stats count the accepted share").isTrue();
        JsonNode stats = suite.stratifier("{\"method\":\"stats\"}");
        assertThat(stats.path("rejects").path("Duplicate").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(stats.path("rejects").path("Above target").asLong()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void notSubscribedUnauthorisedAndUnknownMethod() throws Exception {
        try (StratumTestClient c = new StratumTestClient(suite.stratumPort)) {
            String params = "[\"" + WORKER + "\",\"00\",\"0000000000000000\",\"00000000\",\"00000000\"]";
            assertReject(c.request("mining.submit", params), 25, "Not subscribed");
            JsonNode auth = c.request("mining.authorize", "[\"" + WORKER + "\",\"x\"]");
            assertThat(auth.path("error").path(0).asInt()).as("%s", auth).isEqualTo(25);
            int subscribedAt = c.count();
            c.request("mining.subscribe", "[\"itest/1\"]");
            // as ckpool: set_difficulty and notify follow the subscribe result, before any authorize
            assertThat(c.await(StratumTestClient::isNotify, 5000, subscribedAt)).as("%s", c.snapshot()).isNotNull();
            List<String> order = c.snapshot().subList(subscribedAt, subscribedAt + 3).stream()
                    .map(n -> n.has("method") ? n.path("method").asText() : "result").toList();
            assertThat(order).containsExactly("result", "mining.set_difficulty", "mining.notify");
            assertReject(c.request("mining.submit", params), 24, "Unauthorized worker");
            JsonNode unknown = c.request("mining.frobnicate", "[]");
            assertThat(unknown.path("error").path(0).asInt()).as("%s", unknown).isEqualTo(20);
            assertThat(unknown.path("error").path(1).asText()).contains("mining.frobnicate");
        }
    }

    @Test
    void malformedJsonGetsAnErrorAndTheConnectionIsClosed() throws Exception {
        try (StratumTestClient c = new StratumTestClient(suite.stratumPort)) {
            c.sendLine("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[");
            JsonNode err = c.await(n -> n.has("error") && n.path("error").isArray(), 5000, 0);
            assertThat(err).as("%s", c.snapshot()).isNotNull();
            assertThat(err.path("error").path(0).asInt()).isEqualTo(20);
            assertThat(c.awaitClosed(5000)).isTrue();
        }
    }

    @Test
    void oversizedLineDropsTheConnection() throws Exception {
        try (StratumTestClient c = new StratumTestClient(suite.stratumPort)) {
            c.request("mining.subscribe", "[\"itest/1\"]");
            c.sendLine("{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" + "x".repeat(40_000) + "\"]}");
            assertThat(c.awaitClosed(5000)).isTrue();
        }
    }

    @Test
    void adminReconnectAndDropclientReachTheMiner() throws Exception {
        try (StratumTestClient c = authorised()) {
            int mark = c.count();
            assertThat(suite.stratifierText("reconnect")).isEqualTo("success");
            assertThat(c.await(n -> "client.reconnect".equals(n.path("method").asText()), 5000, mark))
                    .as("%s", c.snapshot()).isNotNull();

            String address = "127.0.0.1:" + c.localPort();
            long[] id = {-1};
            assertThat(Await.within(5_000, () -> {
                for (JsonNode client : suite.stratifier("{\"method\":\"clients\"}")) {
                    if (address.equals(client.path("address").asText())) {
                        id[0] = client.path("id").asLong();
                        return WORKER.equals(client.path("worker").asText());
                    }
                }
                return false;
            })).as("the admin clients list shows this miner").isTrue();
            JsonNode one = suite.stratifier("{\"method\":\"getclient\",\"params\":{\"id\":" + id[0] + "}}");
            assertThat(one.path("address").asText()).isEqualTo(address);
            JsonNode dropped = suite.stratifier("{\"method\":\"dropclient\",\"params\":{\"id\":" + id[0] + "}}");
            assertThat(dropped.path("dropped").asBoolean()).as("%s", dropped).isTrue();
            assertThat(c.awaitClosed(5000)).isTrue();
        }
    }

    @Test
    void newBlockOnTheNodeSendsACleanNotifyToEveryClientAndOldWorkIsStale() throws Exception {
        List<StratumTestClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                clients.add(authorised());
            }
            StratumTestClient first = clients.get(0);
            JsonNode oldNotify = first.latestNotify(1000);
            StratumTestClient.Share old = first.grind(oldNotify, 7, (share, block) -> share && !block);
            String oldPrev = oldNotify.path("params").path(1).asText();
            int[] marks = clients.stream().mapToInt(StratumTestClient::count).toArray();

            JsonNode mined = suite.rpc.call("generatetoaddress", 1, MiningSuite.ADDRESS, 50_000_000);
            assertThat(mined.size()).as("the node mined a block: %s", mined).isEqualTo(1);

            for (int i = 0; i < clients.size(); i++) {
                JsonNode clean = clients.get(i).await(n -> StratumTestClient.isNotify(n)
                        && n.path("params").path(8).asBoolean()
                        && !n.path("params").path(1).asText().equals(oldPrev), 10_000, marks[i]);
                assertThat(clean).as("client %d got a clean notify for the new block: %s", i,
                        clients.get(i).snapshot()).isNotNull();
            }
            assertReject(first.request("mining.submit", old.params(WORKER)), 21, "Stale");
        } finally {
            for (StratumTestClient c : clients) {
                c.close();
            }
        }
    }
}
