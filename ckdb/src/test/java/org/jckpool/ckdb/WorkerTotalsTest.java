package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * worker_totals, the roll-up start-up loads instead of aggregating all shares, stays equal to the shares and share
 * errors actually in the tables: also when a batch meets a share already present (the staged path) and when a
 * share error is resent.
 */
class WorkerTotalsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String shareError(long seq, String user) {
        return "shareerror." + seq + ".json={\"source\":\"pool\",\"seq\":" + seq + ",\"username\":\"" + user
                + "\",\"workername\":\"" + user + ".x\",\"errn\":3,\"error\":\"stale\"}";
    }

    @Test
    void rollUpMatchesTheTablesAndRestartLoadsTheSameTotals() throws Exception {
        try (HikariDataSource ds = TestPg.freshDatabase().open(4)) {
            CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start();
            // a share the database has but ckdb's sequence record does not (as after a lost source_seq row):
            // the batch containing seq 7 hits the primary key and goes through the staging table
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("INSERT INTO shares VALUES ('pool', 7, 0, 1, 'kim', 'kim.x', 100, 100, "
                        + "'2023-11-14 22:13:20+00')");
                st.execute("INSERT INTO worker_totals VALUES ('kim', 'kim.x', 100, 1, 0, '2023-11-14 22:13:20+00')");
            }
            double expected = 0;
            for (int i = 1; i <= 40; i++) {
                String user = i % 2 == 0 ? "kim" : "lou";
                assertThat(svc.handle(CkdbServiceTest.share(i, user, user + ".x", i))).contains(".ok.added");
                if (i != 7) {
                    expected += i;
                }
            }
            assertThat(svc.handle(shareError(41, "kim"))).contains(".ok.added");
            assertThat(svc.handle(shareError(42, "lou"))).contains(".ok.added");
            assertThat(svc.awaitDurable(20_000)).isTrue();
            svc.close();
            // the same share error arriving again (its seq forgotten) must not count twice
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("DELETE FROM source_seq");
            }
            svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start();
            assertThat(svc.handle(shareError(42, "lou"))).contains(".ok.added");
            assertThat(svc.awaitDurable(20_000)).isTrue();
            svc.close();

            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM (SELECT username, workername, sum(diff) d, "
                         + "count(*) n, max(createdate) l FROM shares GROUP BY 1, 2) s FULL JOIN worker_totals t "
                         + "USING (username, workername) WHERE coalesce(s.d, 0) <> t.diffacc OR coalesce(s.n, 0) <> t.shares "
                         + "OR t.rejects = 0 AND s.l IS DISTINCT FROM t.lastshare OR t.username IS NULL), "
                         + "(SELECT sum(rejects) FROM worker_totals), (SELECT count(*) FROM sharerrors)")) {
                rs.next();
                assertThat(rs.getLong(1)).as("workers whose roll-up differs from their shares").isZero();
                assertThat(rs.getLong(2)).isEqualTo(2).isEqualTo(rs.getLong(3));
            }
            try (CkdbService again = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start()) {
                JsonNode pool = MAPPER.readTree(again.handle("{\"method\":\"pool\",\"id\":1}")).get("result");
                assertThat(pool.get("shares").asLong()).as("39 sent + the one already there").isEqualTo(40);
                assertThat(pool.get("diffacc").asDouble()).isEqualTo(expected + 100);
                assertThat(pool.get("rejects").asLong()).isEqualTo(2);
            }
            // start-up reads the roll-up, not the shares table (whose size must not matter)
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                st.execute("TRUNCATE shares, sharerrors");
            }
            try (CkdbService again = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start()) {
                JsonNode user = MAPPER.readTree(again.handle("{\"method\":\"user\",\"id\":1,\"params\":"
                        + "{\"username\":\"kim\"}}")).get("result");
                assertThat(user.get("shares").asLong()).isEqualTo(21);
                assertThat(user.get("rejects").asLong()).isEqualTo(1);
            }
        }
    }

    @Test
    void startAfterACrashCountsTheSharesNotYetRolledUp() throws Exception {
        try (HikariDataSource ds = TestPg.freshDatabase().open(4)) {
            CkdbService crashed = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start();
            double expected = 0;
            for (int i = 1; i <= 300; i++) {
                assertThat(crashed.handle(CkdbServiceTest.share(i, "ned", "ned.w" + (i % 3), i % 4 + 1)))
                        .contains(".ok.added");
                expected += i % 4 + 1;
            }
            assertThat(crashed.awaitDurable(20_000)).isTrue();
            long rolledUp;
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT coalesce(sum(shares), 0) FROM worker_totals")) {
                rs.next();
                rolledUp = rs.getLong(1);
            }
            // no orderly stop: whatever was not rolled up yet must come from the shares above the mark
            try (CkdbService next = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start()) {
                JsonNode pool = MAPPER.readTree(next.handle("{\"method\":\"pool\",\"id\":1}")).get("result");
                assertThat(pool.get("shares").asLong()).as("rolled up before the crash: " + rolledUp).isEqualTo(300);
                assertThat(pool.get("diffacc").asDouble()).isEqualTo(expected);
            }
            // and they are in worker_totals now, so the start after the next crash has them too
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT sum(shares), sum(diffacc) FROM worker_totals")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(300);
                assertThat(rs.getDouble(2)).isEqualTo(expected);
            }
            crashed.close();
        }
    }
}
