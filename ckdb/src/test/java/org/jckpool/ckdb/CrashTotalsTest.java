package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.jckpool.ckdb.WorkerTotalsSources.Totals;
import org.jckpool.ckdb.store.DbSettings;
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
}
