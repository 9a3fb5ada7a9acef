package org.jckpool.itests;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upstream side of ckpool's mining.passthrough over real sockets: a raw TCP client plays a ckpool -P
 * downstream (mining.passthrough, then its miners' lines each with "client_id", "address" and "server") and one of
 * its miners mines an accepted share through the link.
 */
class PassthroughIT {
    static final String WORKER = MiningSuite.ADDRESS + ".behind";

    @TempDir
    static Path dir;
    static MiningSuite suite;

    @BeforeAll
    static void start() throws Exception {
        suite = new MiningSuite(dir, "pass", "1f00ffff", "\"mindiff\":0.000001,\"startdiff\":0.000001,\"highdiff\":0.000001");
        assertThat(suite.awaitReady(60_000)).as("suite ready; log:\n%s", suite.poolLog()).isTrue();
    }

    @AfterAll
    static void stop() {
        if (suite != null) {
            suite.close();
        }
    }

    private static void send(StratumTestClient c, long miner, String request) throws Exception {
        c.sendLine(request.substring(0, request.length() - 1) + ",\"client_id\":" + miner
                + ",\"address\":\"10.1.1." + miner + "\",\"server\":0}");
    }

    private static JsonNode reply(StratumTestClient c, long miner, int id) throws Exception {
        JsonNode r = c.await(n -> n.path("client_id").asLong(-1) == miner && n.path("id").asInt(-1) == id
                && !n.has("method"), 5000, 0);
        assertThat(r).as("reply %d to miner %d; got %s", id, miner, c.snapshot()).isNotNull();
        return r;
    }

    @Test
    void aMinerBehindAPassthroughMinesThroughTheLink() throws Exception {
        try (StratumTestClient c = new StratumTestClient(suite.stratumPort)) {
            c.sendLine("{\"id\":0,\"method\":\"mining.passthrough\",\"params\":[]}");
            JsonNode ok = c.await(n -> n.path("result").asBoolean(false) && !n.has("id"), 5000, 0);
            assertThat(ok).as("%s", c.snapshot()).isNotNull();

            send(c, 7, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.11\"]}");
            JsonNode sub = reply(c, 7, 1);
            c.extranonce1 = sub.path("result").path(1).asText();
            c.extranonce2Size = sub.path("result").path(2).asInt();
            JsonNode notify = c.await(n -> StratumTestClient.isNotify(n) && n.path("client_id").asLong() == 7,
                    5000, 0);
            assertThat(notify).as("work for miner 7 before authorize: %s", c.snapshot()).isNotNull();
            assertThat(c.difficulty).isEqualTo(0.000001);

            send(c, 7, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" + WORKER + "\",\"x\"]}");
            assertThat(reply(c, 7, 2).path("result").asBoolean()).isTrue();

            StratumTestClient.Share good = c.grind(notify, 1, (share, block) -> share && !block);
            send(c, 7, "{\"id\":3,\"method\":\"mining.submit\",\"params\":" + good.params(WORKER) + "}");
            assertThat(reply(c, 7, 3).path("result").asBoolean()).as("%s", c.snapshot()).isTrue();

            // a second miner of the same passthrough is a client of its own
            send(c, 8, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
            assertThat(reply(c, 8, 1).path("result").path(1).asText()).isNotEqualTo(c.extranonce1);
            // stats come from a snapshot taken every second
            assertThat(Await.within(3_000, () -> {
                JsonNode st = suite.stratifier("{\"method\":\"stats\"}");
                return st.path("accepted").asLong() >= 1 && st.path("clients").asLong() == 2;
            })).as("%s", suite.stratifier("{\"method\":\"stats\"}")).isTrue();

            // ckpool's downstream reports a miner gone with mining.term
            c.sendLine("{\"id\":42,\"client_id\":8,\"address\":\"10.1.1.8\",\"server\":0,"
                    + "\"method\":\"mining.term\",\"params\":[]}");
            assertThat(Await.within(3_000, () -> suite.stratifier("{\"method\":\"stats\"}")
                    .path("clients").asLong() == 1)).isTrue();
        }
        assertThat(Await.within(3_000, () -> suite.stratifier("{\"method\":\"stats\"}")
                .path("clients").asLong() == 0)).as("the link's end ends its miners").isTrue();
    }
}
