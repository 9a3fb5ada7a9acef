package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.jckpool.ckdb.client.CkdbClient;
import org.jckpool.ckdb.store.DbSettings;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** ckdb as a real process, SIGKILLed in the middle of a share stream and started again. */
class KillRestartTest {
    private final List<CkdbProcess> started = new ArrayList<>();
    private Path tmp;

    @AfterEach
    void cleanUp() throws InterruptedException {
        for (CkdbProcess p : started) {
            p.close();
        }
        if (tmp != null) {
            deleteTree(tmp.toFile());
        }
    }

    private CkdbProcess start(DbSettings db, Path sockdir, Path logdir) throws Exception {
        CkdbProcess p = CkdbProcess.start(db, sockdir, logdir);
        started.add(p);
        return p;
    }

    @Test
    void killedMidStreamAndRestartedKeepsShareTotalsExact() throws Exception {
        DbSettings db = TestPg.freshDatabase();
        tmp = Files.createTempDirectory("ckdb-kill");
        Path sockdir = tmp.resolve("sock");
        Path logdir = tmp.resolve("logs");
        Path spool = tmp.resolve("pool");
        CkdbProcess ckdb = start(db, sockdir, logdir);
        Path sock = ckdb.sock;
        assertThat(ControlClient.request(sock, "ping", 5000)).contains("pong");
        assertThat(ControlClient.request(sock, "adduser.1.json={\"username\":\"ann\",\"password\":\"annpass1\"}",
                10_000).orElseThrow()).contains(".ok.added ann");

        int total = 12_000;
        double expected = 0;
        for (int i = 1; i <= total; i++) {
            expected += 1 + (i % 13) * 0.25;
        }
        try (CkdbClient client = new CkdbClient(sock, spool, "pool1")) {
            assertThat(client.authorise("ann", "ann.rig1", 1, "test")).isPresent()
                    .get().extracting(CkdbClient.Auth::fromCache).isEqualTo(false);
            AtomicReference<Throwable> producerError = new AtomicReference<>();
            Thread producer = new Thread(() -> {
                try {
                    for (int i = 1; i <= total; i++) {
                        ObjectNode s = Json.object();
                        s.put("workinfoid", 7).put("username", i % 2 == 0 ? "ann" : "ben")
                                .put("workername", i % 2 == 0 ? "ann.rig1" : "ben.x").put("diff", 1 + (i % 13) * 0.25);
                        client.send("shares", s);
                        if (i % 10 == 0) {
                            Thread.sleep(2); // a pool's pace rather than a flood
                        }
                    }
                } catch (Exception e) {
                    producerError.set(e);
                }
            }, "test-pool");
            producer.start();
            // kill once part of the stream is committed and the rest is still being produced
            Await.until("a quarter of the shares delivered", 30_000, () -> client.deliveredSeq() >= total / 4);
            assertThat(client.lastSeq()).as("still producing at the kill").isLessThan(total);
            ckdb.kill9();
            // while ckdb is down: a known worker authorises from the cache, an unknown one does not
            Optional<CkdbClient.Auth> cached = client.authorise("ann", "ann.rig1", 2, "test");
            assertThat(cached).isPresent().get().extracting(CkdbClient.Auth::fromCache).isEqualTo(true);
            assertThat(client.authorise("ann", "ann.new", 3, "test")).isEmpty();
            Thread.sleep(500); // the scenario: ckdb stays down for half a second while the pool goes on
            ckdb = start(db, sockdir, logdir);
            producer.join(120_000);
            assertThat(producerError.get()).isNull();
            assertThat(client.awaitDelivered(60_000)).as("all shares confirmed by ckdb").isTrue();
            assertThat(client.deliveredSeq()).isEqualTo(total);
        }

        JsonNode pool = Json.MAPPER.readTree(ControlClient.request(sock, "{\"method\":\"pool\",\"id\":1}", 10_000)
                .orElseThrow()).get("result");
        assertThat(pool.get("shares").asLong()).isEqualTo(total);
        assertThat(pool.get("diffacc").asDouble()).isEqualTo(expected);
        try (HikariDataSource ds = db.open(1); Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT seq), sum(diff), min(seq), max(seq) "
                     + "FROM shares")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(total);
            assertThat(rs.getLong(2)).isEqualTo(total);
            assertThat(rs.getDouble(3)).isEqualTo(expected);
            assertThat(rs.getLong(4)).isEqualTo(1);
            assertThat(rs.getLong(5)).isEqualTo(total);
        }
        ckdb.stop();
        String log = Files.readString(logdir.resolve("ckdbt.log"));
        assertThat(log).doesNotContain(db.password().isEmpty() ? "\u0000" : db.password());

        ckdb = start(db, sockdir, logdir);
        try (HikariDataSource ds = db.open(1); Connection c = ds.getConnection()) {
            var rows = WorkerTotalsSources.inRows(c);
            assertThat(WorkerTotalsSources.inMemory(ckdb)).as("workers query after the next start").isEqualTo(rows);
            assertThat(WorkerTotalsSources.inWorkerTotals(c)).as("worker_totals").isEqualTo(rows);
        }
        ckdb.stop();
    }

    static void deleteTree(File f) {
        File[] kids = f.listFiles();
        if (kids != null) {
            for (File k : kids) {
                deleteTree(k);
            }
        }
        f.delete();
    }
}
