package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jckpool.ckdb.store.DbSettings;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;

/**
 * adduser, setworkerdiff and setaddresses answer "ok" only once their change is committed: with the share writer
 * stuck behind a lock, the changes are already in PostgreSQL when the replies arrive.
 */
class AdminDurabilityTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static long count(Connection c, String sql) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void adminChangesAreCommittedBeforeTheReplyEvenWhileTheWriterIsBlocked() throws Exception {
        DbSettings db = TestPg.freshDatabase();
        try (HikariDataSource ds = db.open(4);
             CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start();
             HikariDataSource other = db.open(2);
             Connection blocker = other.getConnection();
             Connection observer = other.getConnection()) {
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE source_seq IN ACCESS EXCLUSIVE MODE");
            }
            // a pool message whose write now waits for the lock, holding up the writer's queue
            assertThat(svc.handle(CkdbServiceTest.share(1, "dan", "dan.a", 4))).contains(".ok.added");
            Await.until("the writer waiting for the table lock", () -> count(observer,
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'") >= 1);

            assertThat(svc.handle("adduser.1.json={\"username\":\"dan\",\"password\":\"danpass1\"}"))
                    .contains(".ok.added dan");
            assertThat(count(observer, "SELECT count(*) FROM users WHERE username = 'dan' AND passwordhash IS NOT NULL"))
                    .isEqualTo(1);
            assertThat(svc.handle("setworkerdiff.2.json={\"username\":\"dan\",\"workername\":\"dan.a\","
                    + "\"difficultydefault\":1024}")).contains(".ok.");
            assertThat(count(observer, "SELECT count(*) FROM workers WHERE username = 'dan' AND workername = 'dan.a' "
                    + "AND difficultydefault = 1024")).isEqualTo(1);
            assertThat(svc.handle("setaddresses.3.json={\"username\":\"dan\",\"addresses\":[{\"address\":\"bc1qa\","
                    + "\"ratio\":3},{\"address\":\"bc1qb\",\"ratio\":1}]}")).contains(".ok.addresses 2");
            assertThat(count(observer, "SELECT count(*) FROM paymentaddresses WHERE username = 'dan'")).isEqualTo(2);
            assertThat(count(observer, "SELECT count(*) FROM shares")).as("the share is still held up").isZero();
            assertThat(svc.handle("adduser.4.json={\"username\":\"dan\",\"password\":\"danpass2\"}"))
                    .contains(".failed.user dan exists");

            blocker.rollback();
            assertThat(svc.awaitDurable(20_000)).isTrue();
            assertThat(count(observer, "SELECT count(*) FROM shares")).isEqualTo(1);
        }
    }

    @Test
    void adminChangeIsRefusedAndMemoryUntouchedWhenTheDatabaseIsGone() throws Exception {
        DbSettings db = TestPg.freshDatabase();
        HikariDataSource ds = db.open(2);
        try (CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start()) {
            assertThat(svc.handle("adduser.1.json={\"username\":\"eve\",\"password\":\"evepass1\"}")).contains(".ok.");
            ds.close();
            assertThat(svc.handle("setworkerdiff.2.json={\"username\":\"eve\",\"workername\":\"eve.a\","
                    + "\"difficultydefault\":64}")).contains(".failed.database unavailable, setworkerdiff not saved");
            String workers = svc.handle("{\"method\":\"workers\",\"id\":3,\"params\":{\"username\":\"eve\"}}");
            assertThat(workers).doesNotContain("eve.a");
            assertThat(svc.handle("{\"method\":\"heartbeat\",\"id\":4}")).contains("\"diffchange\":[]");
        }
    }
}
