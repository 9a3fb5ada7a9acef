package org.jckpool.ckdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.jckpool.ckdb.TestPg;
import org.junit.jupiter.api.Test;

class DbWriterTest {

    @Test
    void aWriteTheDatabaseRefusesIsLeftOutAndTheRestOfItsBatchCommitted() throws Exception {
        try (HikariDataSource ds = TestPg.freshDatabase().open(2)) {
            Migrations.apply(ds);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                // a share already present (an earlier life) must not break the batch either
                st.execute("INSERT INTO shares VALUES ('p', 2, 2, 1, 'u', 'u.1', 1, 1, now())");
            }
            DbWriter w = new DbWriter(ds, 10_000, Map.of());
            w.enqueue(new ShareRow("p", 1, 1, 1, "u", "u.1", 1.5, 2, 1_700_000_000_123L));
            w.enqueue(new ShareRow("p", 2, 2, 1, "u", "u.1", 1.5, 2, 1_700_000_000_000L));
            w.enqueue(new DbOp() {
                @Override
                public String source() {
                    return "p";
                }

                @Override
                public long seq() {
                    return 3;
                }

                @Override
                public void execute(Connection c) throws SQLException {
                    try (Statement st = c.createStatement()) {
                        st.execute("SELECT 1/0");
                    }
                }
            });
            w.enqueue(new ShareRow("p", 4, 3, 1, "u", "u\t2\\x", 2.5, 2, 1_700_000_000_000L));
            assertThat(w.awaitIdle(30_000)).isTrue();
            w.close();
            assertThat(w.durableSeq("p")).isEqualTo(4);
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, diff, workername, extract(epoch FROM createdate), sdiff, "
                         + "shareid, workinfoid, username, source FROM shares ORDER BY seq")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getDouble(2)).isEqualTo(1.5);
                assertThat(rs.getBigDecimal(4)).isEqualByComparingTo("1700000000.123");
                assertThat(rs.getDouble(5)).isEqualTo(2.0);
                assertThat(rs.getLong(6)).isEqualTo(1);
                assertThat(rs.getLong(7)).isEqualTo(1);
                assertThat(rs.getString(8)).isEqualTo("u");
                assertThat(rs.getString(9)).isEqualTo("p");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getDouble(2)).as("the row that was there stays as it was").isEqualTo(1.0);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString(3)).as("text with tab and backslash").isEqualTo("u\t2\\x");
                assertThat(rs.next()).isFalse();
            }
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq FROM source_seq WHERE source = 'p'")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(4);
            }
        }
    }
}
