package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.jckpool.ckdb.client.CkdbClient;
import org.jckpool.ckdb.WorkerTotalsSources.Totals;
import org.jckpool.ckdb.store.DbSettings;
import org.jckpool.libpool.json.Json;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-worker totals (memory and worker_totals) equal the share rows after ckdb is SIGKILLed and started again. */
class CrashTotalsTest {
    private DbSettings db;
    private HikariDataSource ds;
    private Path tmp;
    private CkdbProcess ckdb;

    @BeforeEach
    void setUp() throws Exception {
        db = TestPg.freshDatabase();
        ds = db.open(2);
        tmp = Files.createTempDirectory("ckdb-crash-totals");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (ckdb != null) {
            ckdb.close();
        }
        ds.close();
        KillRestartTest.deleteTree(tmp.toFile());
    }

    private CkdbProcess startCkdb() throws Exception {
        ckdb = CkdbProcess.start(db, tmp.resolve("sock"), tmp.resolve("logs"));
        return ckdb;
    }

    private void authorise() throws Exception {
        assertThat(ckdb.request("authorise.1.json={\"username\":\"alice\",\"workername\":\"alice.w\"}"))
                .contains(".ok.");
    }

    private void sendShares(int fromSeq, int toSeq) throws Exception {
        for (int seq = fromSeq; seq <= toSeq; seq++) {
            assertThat(ckdb.request("shares." + seq + ".json={\"source\":\"pool\",\"seq\":" + seq
                    + ",\"workinfoid\":1,\"username\":\"alice\",\"workername\":\"alice.w\",\"diff\":" + seq + "}"))
                    .contains(".ok.added");
        }
    }

    private long query(String sql) throws Exception {
        try (Connection c = ds.getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long shareRows() throws Exception {
        return query("SELECT count(*) FROM shares");
    }

    private long mark() throws Exception {
        return query("SELECT shareid FROM worker_totals_mark");
    }

    private long highestShareId() throws Exception {
        return query("SELECT coalesce(max(shareid), 0) FROM shares");
    }

    /**
     * The writer rolls up only in a write transaction at least a second after the last roll-up; an authorise
     * (which writes an auths row, as a connecting miner does) gives it one until the mark covers every share row.
     */
    private void awaitRollUpOfAllShares() throws Exception {
        Await.until("the roll-up to cover every share row", 20_000, () -> {
            authorise();
            return mark() == highestShareId();
        });
    }

    private void assertTotalsEqualRows(String when) throws Exception {
        try (Connection c = ds.getConnection()) {
            Map<String, Totals> rows = WorkerTotalsSources.inRows(c);
            assertThat(WorkerTotalsSources.inMemory(ckdb)).as("workers query " + when).isEqualTo(rows);
            assertThat(WorkerTotalsSources.inWorkerTotals(c)).as("worker_totals " + when).isEqualTo(rows);
        }
    }

    @Test
    void sharesCommittedButNotRolledUpAtAKillAreCountedOnce() throws Exception {
        startCkdb();
        assertThat(ckdb.request("adduser.1.json={\"username\":\"alice\",\"password\":\"alicepass\"}"))
                .contains(".ok.added alice");
        authorise();
        sendShares(1, 10);
        Await.until("shares 1-10 committed", 20_000, () -> shareRows() == 10);
        awaitRollUpOfAllShares();
        // right after a roll-up, so these stay pending (committed, not in worker_totals) until the kill
        sendShares(11, 15);
        Await.until("shares 11-15 committed", 20_000, () -> shareRows() == 15);
        assertThat(mark()).as("shares 11-15 not rolled up before the kill").isLessThan(highestShareId());
        ckdb.kill9();

        startCkdb();
        assertTotalsEqualRows("after the restart");
        sendShares(16, 18);
        Await.until("shares 16-18 committed", 20_000, () -> shareRows() == 18);
        awaitRollUpOfAllShares();
        assertTotalsEqualRows("after a roll-up past the restart");
        ckdb.stop();

        startCkdb();
        assertTotalsEqualRows("after an orderly stop and start");
        assertThat(WorkerTotalsSources.inMemory(ckdb)).containsEntry("alice/alice.w",
                new Totals(18, 0, 18 * 19 / 2));
        ckdb.stop();
    }

    /**
     * A pool's stream of shares and share errors (through {@link CkdbClient}, which resends what ckdb did not
     * commit), ckdb SIGKILLed at a random moment of it, sometimes also while starting, then started again: each
     * time the totals must equal the rows. The plan comes from a seeded random (-Dckdb.crashSeed=N to vary it);
     * where a kill lands within ckdb's work still depends on timing.
     */
    @Test
    void killsAtRandomPointsOfAShareStreamLeaveTotalsEqualToTheRows() throws Exception {
        long seed = Long.getLong("ckdb.crashSeed", 20_240_611L);
        Random plan = new Random(seed);
        Path spool = tmp.resolve("pool");
        int killsWithSharesNotRolledUp = 0;
        List<String> kills = new ArrayList<>();
        startCkdb();
        for (int round = 1; round <= 5; round++) {
            String when = "after kill " + round + " (seed " + seed + ")";
            int deliveredBeforeKill = 1 + plan.nextInt(1000);
            int thenMillis = plan.nextInt(1200);
            try (CkdbClient client = new CkdbClient(ckdb.sock, spool, "pool1");
                 ShareStream stream = new ShareStream(client, new Random(plan.nextLong()))) {
                long target = client.deliveredSeq() + deliveredBeforeKill;
                Await.until(target + " messages delivered", 30_000, () -> client.deliveredSeq() >= target);
                Thread.sleep(thenMillis); // the kill's random moment, not a wait for something
                ckdb.kill9();
                assertThat(stream.error()).as(when).isNull();
            }
            long mark = mark();
            long highest = highestShareId();
            kills.add("kill " + round + " (" + deliveredBeforeKill + " more messages delivered, then " + thenMillis
                    + " ms): shareids up to " + highest + " committed, up to " + mark + " rolled up");
            if (mark < highest) {
                killsWithSharesNotRolledUp++;
            }
            if (plan.nextInt(3) == 0) {
                CkdbProcess starting = CkdbProcess.launch(db, tmp.resolve("sock"), tmp.resolve("logs"));
                Thread.sleep(plan.nextInt(1500)); // killed at a random moment of its start
                starting.kill9();
            }
            startCkdb();
            assertTotalsEqualRows(when);
        }
        System.out.println("seed " + seed + ": " + String.join("; ", kills));
        assertThat(killsWithSharesNotRolledUp).as("kills that left committed shares out of worker_totals: " + kills)
                .isPositive();

        long sent;
        try (CkdbClient client = new CkdbClient(ckdb.sock, spool, "pool1")) {
            assertThat(client.awaitDelivered(60_000)).as("the spooled rest delivered").isTrue();
            sent = client.lastSeq();
        }
        assertThat(query("SELECT (SELECT count(*) FROM shares) + (SELECT count(*) FROM sharerrors)"))
                .isEqualTo(sent);
        // worker_totals of a running ckdb may lack the last second of shares (not rolled up yet); memory may not
        try (Connection c = ds.getConnection()) {
            assertThat(WorkerTotalsSources.inMemory(ckdb)).as("workers query once everything is delivered")
                    .isEqualTo(WorkerTotalsSources.inRows(c));
        }
        ckdb.stop();
        startCkdb();
        assertTotalsEqualRows("after an orderly stop and start");
        ckdb.stop();
    }

    /** Sends shares (diff a multiple of 1/4, so sums are exact) and some share errors of six workers until closed. */
    private static final class ShareStream implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Exception> error = new AtomicReference<>();
        private final Thread thread;

        ShareStream(CkdbClient client, Random random) {
            thread = new Thread(() -> {
                try {
                    while (running.get()) {
                        String user = "u" + random.nextInt(3);
                        var p = Json.object().put("workinfoid", 1).put("username", user)
                                .put("workername", user + ".w" + random.nextInt(2));
                        if (random.nextInt(8) == 0) {
                            client.send("shareerror", p.put("errn", 3).put("error", "stale"));
                        } else {
                            client.send("shares", p.put("diff", 1 + random.nextInt(16) * 0.25));
                        }
                        // about a pool's pace rather than a flood: a backlog would make every batch a roll-up
                        Thread.sleep(2);
                    }
                } catch (Exception e) {
                    error.set(e);
                }
            }, "test-share-stream");
            thread.start();
        }

        Exception error() {
            return error.get();
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
