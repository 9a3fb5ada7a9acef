package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.jckpool.ckdb.chain.BlockStatusPoller;
import org.jckpool.ckdb.client.CkdbClient;
import org.jckpool.ckdb.server.CkdbServer;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;

/** The pool side: spooling while ckdb is absent, resuming after a client restart, rebuilding ckdb from journals. */
class ClientSpoolTest {

    private static ObjectNode share(String user, double diff) {
        ObjectNode s = Json.object();
        return s.put("username", user).put("workername", user + ".a").put("diff", diff).put("workinfoid", 1);
    }

    private static JsonNode query(Path sock, String method) throws Exception {
        return Json.MAPPER.readTree(ControlClient.request(sock, "{\"method\":\"" + method + "\",\"id\":1}", 10_000)
                .orElseThrow()).get("result");
    }

    @Test
    void spooledWhileCkdbIsDownDeliveredInOrderWhenItComesAndRebuildableFromTheJournal() throws Exception {
        Path tmp = Files.createTempDirectory("ckdb-spool");
        Path sock = tmp.resolve("listener");
        Path spool = tmp.resolve("poollogs");
        double expected = 0;
        long sent;
        try (CkdbClient client = new CkdbClient(sock, spool, "pool")) {
            for (int i = 1; i <= 3000; i++) {
                client.send("shares", share("u" + (i % 4), i % 9 + 1));
                expected += i % 9 + 1;
            }
            assertThat(Await.holdsFor(300, () -> !client.connected() && client.deliveredSeq() == 0))
                    .as("nothing delivered while ckdb is away").isTrue();
        }
        HikariDataSource ds = TestPg.freshDatabase().open(4);
        try (CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, Json.MAPPER).start();
             CkdbServer server = CkdbServer.open(sock, svc)) {
            // a restarted client picks up its journal and sequence, and continues numbering
            try (CkdbClient client = new CkdbClient(sock, spool, "pool")) {
                assertThat(client.lastSeq()).isEqualTo(3000);
                for (int i = 1; i <= 1000; i++) {
                    client.send("shares", share("u9", 2.5));
                    expected += 2.5;
                }
                client.send("block", Json.object().put("blockhash", "ab".repeat(32)).put("height", 100)
                        .put("username", "u9").put("reward", 5_000_000_000L).put("netdiff", 1000));
                assertThat(client.awaitDelivered(30_000)).isTrue();
                sent = client.lastSeq();
                // difficulty changes reach the pool through heartbeats, each once
                assertThat(svc.handle("adduser.1.json={\"username\":\"u9\",\"password\":\"u9pass99\"}"))
                        .contains(".ok.");
                assertThat(client.authorise("u9", "u9.a", 1, null)).get()
                        .extracting(CkdbClient.Auth::difficultyDefault).isEqualTo(0.0);
                assertThat(svc.handle("setworkerdiff.2.json={\"username\":\"u9\",\"workername\":\"u9.a\","
                        + "\"difficultydefault\":512}")).contains(".ok.");
                assertThat(client.heartbeat()).containsExactly(new CkdbClient.DiffChange("u9", "u9.a", 512));
                assertThat(client.heartbeat()).isEmpty();
                assertThat(sent).isEqualTo(4001);
            }
            JsonNode pool = query(sock, "pool");
            assertThat(pool.get("shares").asLong()).isEqualTo(4000);
            assertThat(pool.get("diffacc").asDouble()).isEqualTo(expected);

            // block confirmation through the chain interface: first unknown, then confirmed, then reorganised away
            AtomicLong conf = new AtomicLong(Long.MIN_VALUE);
            BlockStatusPoller poller = new BlockStatusPoller(
                    h -> conf.get() == Long.MIN_VALUE ? OptionalLong.empty() : OptionalLong.of(conf.get()), 1);
            poller.attach(svc);
            assertThat(poller.pollOnce()).isZero();
            conf.set(3);
            assertThat(poller.pollOnce()).isEqualTo(1);
            assertThat(query(sock, "blocks").get(0).get("status").asText()).isEqualTo("confirmed");
            conf.set(-1);
            assertThat(poller.pollOnce()).isEqualTo(1);
            assertThat(query(sock, "blocks").get(0).get("status").asText()).isEqualTo("orphan");
            assertThat(svc.awaitDurable(10_000)).isTrue();
        } finally {
            ds.close();
        }

        // a ckdb that lost everything rebuilds the same totals from the pool's journal
        HikariDataSource ds2 = TestPg.freshDatabase().open(4);
        try (CkdbService fresh = new CkdbService(CkdbConfig.defaults(), ds2, Json.MAPPER).start()) {
            assertThat(JournalReplay.replay(fresh, spool)).isEqualTo(sent);
            assertThat(JournalReplay.replay(fresh, spool)).as("second replay adds nothing").isZero();
            JsonNode pool = Json.MAPPER.readTree(fresh.handle("{\"method\":\"pool\",\"id\":2}")).get("result");
            assertThat(pool.get("shares").asLong()).isEqualTo(4000);
            assertThat(pool.get("diffacc").asDouble()).isEqualTo(expected);
            assertThat(pool.get("blocks").asLong()).isEqualTo(1);
        } finally {
            ds2.close();
            KillRestartTest.deleteTree(tmp.toFile());
        }
    }
}
