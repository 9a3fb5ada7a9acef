package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jckpool.ckdb.store.DbSettings;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.Test;

/** PostgreSQL stopped for a while under load: ckdb buffers, retries, and ends with every share exactly once. */
class PgOutageTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static EmbeddedPostgres startPg(Path dir, int port) throws Exception {
        return EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(false).setPort(port).start();
    }

    static String batch(long firstSeq, int n, String user) {
        StringBuilder sb = new StringBuilder("{\"method\":\"batch\",\"id\":1,\"params\":{\"source\":\"pool\",\"messages\":[");
        for (int i = 0; i < n; i++) {
            long seq = firstSeq + i;
            if (i > 0) {
                sb.append(',');
            }
            sb.append("{\"method\":\"shares\",\"params\":{\"source\":\"pool\",\"seq\":").append(seq)
                    .append(",\"workinfoid\":3,\"username\":\"").append(user).append("\",\"workername\":\"")
                    .append(user).append(".w").append(seq % 4).append("\",\"diff\":").append(1 + seq % 5)
                    .append("}}");
        }
        return sb.append("]}}").toString();
    }

    @Test
    void databaseOutageUnderLoadLosesAndDuplicatesNothing() throws Exception {
        Path dir = Files.createTempDirectory("ckdb-pg");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        EmbeddedPostgres pg = startPg(dir, port);
        DbSettings db = new DbSettings(pg.getJdbcUrl("postgres", "postgres"), "postgres", "");
        HikariDataSource ds = db.open(4);
        CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start();
        try {
            long seq = 1;
            long expectedDiff = 0;
            long start = System.currentTimeMillis();
            boolean stopped = false;
            boolean restarted = false;
            while (System.currentTimeMillis() - start < 4000) {
                String reply = svc.handle(batch(seq, 1000, "u" + (seq % 3)));
                assertThat(reply).contains("\"accepted\":1000");
                for (long s = seq; s < seq + 1000; s++) {
                    expectedDiff += 1 + s % 5;
                }
                seq += 1000;
                long t = System.currentTimeMillis() - start;
                if (!stopped && t > 700) {
                    pg.close();
                    stopped = true;
                } else if (stopped && !restarted && t > 2200) {
                    Await.until("the writer to notice the outage", 20_000, () -> svc.writer().databaseDown());
                    pg = startPg(dir, port);
                    restarted = true;
                }
                Thread.sleep(50); // the pool's pace: a batch every 50 ms, through the outage
            }
            assertThat(restarted).isTrue();
            assertThat(svc.awaitDurable(60_000)).as("buffered writes committed after the outage").isTrue();
            assertThat(svc.writer().failures()).isPositive();
            long total = seq - 1;
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*), count(DISTINCT seq), sum(diff), max(seq) FROM shares")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(total);
                assertThat(rs.getLong(2)).isEqualTo(total);
                assertThat(rs.getLong(3)).isEqualTo(expectedDiff);
                assertThat(rs.getLong(4)).isEqualTo(total);
            }
            assertThat(svc.writer().durableSeq("pool")).isEqualTo(total);
        } finally {
            svc.close();
            ds.close();
            pg.close();
            KillRestartTest.deleteTree(dir.toFile());
        }
    }
}
