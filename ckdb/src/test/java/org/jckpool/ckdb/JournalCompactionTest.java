package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jckpool.ckdb.client.CkdbClient;
import org.jckpool.ckdb.server.CkdbServer;
import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;

/** The pool's journal is bounded: acknowledged messages are compacted away, and nothing unacknowledged is lost. */
class JournalCompactionTest {
    private static final long LIMIT = 32 * 1024;

    private static void sendShares(CkdbClient client, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            client.send("shares", Json.object().put("username", "max").put("workername", "max.a").put("diff", 2)
                    .put("workinfoid", 1));
        }
    }

    @Test
    void journalStaysNearItsLimitSurvivesRestartsAndStillRebuilds() throws Exception {
        Path tmp = Files.createTempDirectory("ckdb-compact");
        Path sock = tmp.resolve("listener");
        Path spool = tmp.resolve("poollogs");
        Path journal = spool.resolve("pool.ckdb.journal");
        HikariDataSource ds = TestPg.freshDatabase().open(4);
        try (CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, Json.MAPPER).start();
             CkdbServer server = CkdbServer.open(sock, svc)) {
            try (CkdbClient client = new CkdbClient(sock, spool, "pool", LIMIT)) {
                for (int round = 0; round < 10; round++) {
                    sendShares(client, 300);
                    assertThat(client.awaitDelivered(30_000)).isTrue();
                }
                assertThat(client.deliveredSeq()).isEqualTo(3000);
                // ~150 bytes a message: 3000 messages are far beyond the limit, the journal is not
                assertThat(Files.size(journal)).isLessThan(2 * LIMIT);
                assertThat(Files.exists(spool.resolve("pool.ckdb.journal.prev"))).isTrue();
                sendShares(client, 100);
                assertThat(client.awaitDelivered(30_000)).isTrue();
            }
            // a restarted client continues the numbering after compaction
            try (CkdbClient client = new CkdbClient(sock, spool, "pool", LIMIT)) {
                assertThat(client.lastSeq()).isEqualTo(3100);
                assertThat(client.deliveredSeq()).isEqualTo(3100);
                sendShares(client, 10);
                assertThat(client.awaitDelivered(30_000)).isTrue();
            }
            // a crash between the file swap and the ack update leaves a stale offset: repaired from the lines' seqs
            Path ack = spool.resolve("pool.ckdb.journal.ack");
            String[] a = Files.readString(ack).trim().split(" ");
            Files.writeString(ack, a[0] + " " + (Long.parseLong(a[1]) + 5 * LIMIT) + "\n");
            try (CkdbClient client = new CkdbClient(sock, spool, "pool", LIMIT)) {
                assertThat(client.lastSeq()).isEqualTo(3110);
                sendShares(client, 5);
                assertThat(client.awaitDelivered(30_000)).isTrue();
                assertThat(client.deliveredSeq()).isEqualTo(3115);
            }
            JsonNode pool = Json.MAPPER.readTree(svc.handle("{\"method\":\"pool\",\"id\":1}")).get("result");
            assertThat(pool.get("shares").asLong()).as("each message exactly once").isEqualTo(3115);
            assertThat(svc.awaitDurable(10_000)).isTrue();
        } finally {
            ds.close();
        }
        // -r rebuilds what the kept files hold (.prev before the current journal), in seq order without gaps
        HikariDataSource ds2 = TestPg.freshDatabase().open(2);
        try (CkdbService fresh = new CkdbService(CkdbConfig.defaults(), ds2, Json.MAPPER).start()) {
            long replayed = JournalReplay.replay(fresh, spool);
            assertThat(replayed).isPositive().isLessThan(3115);
            JsonNode src = Json.MAPPER.readTree(fresh.handle("{\"method\":\"sources\",\"id\":2}")).get("result").get(0);
            assertThat(src.get("lastseq").asLong()).isEqualTo(3115);
            assertThat(src.get("gaps").asLong()).as("one gap: the compacted-away start").isLessThanOrEqualTo(1);
        } finally {
            ds2.close();
            KillRestartTest.deleteTree(tmp.toFile());
        }
    }
}
