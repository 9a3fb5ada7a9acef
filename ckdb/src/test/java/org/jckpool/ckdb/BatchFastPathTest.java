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
 * The streaming batch reader (the pool's frames, "method" first) and the general tree path (same batch with "id"
 * first) must answer alike and leave the same memory and tables, for good and bad messages.
 */
class BatchFastPathTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static final String MESSAGES = "["
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":1,\"username\":\"ann\",\"workername\":"
            + "\"ann.a\",\"diff\":2.5,\"sdiff\":9,\"workinfoid\":4,\"createdate\":\"1700000000,500000000\","
            + "\"extra\":{\"x\":[1,2]}}},"
            + "{\"params\":{\"source\":\"p\",\"seq\":2,\"username\":\"ann\",\"diff\":\"3\",\"createdate\":\"1700000002\"},\"method\":\"shares\"},"
            + "{\"method\":\"SHARES\",\"params\":{\"source\":\"p\",\"seq\":3,\"username\":\"bob\",\"workername\":\"\","
            + "\"diff\":1,\"workinfoid\":\"7\",\"createdate\":\"1700000003,0\"}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":4,\"username\":\"bob\"}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":5,\"username\":\"bob\",\"diff\":-1}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":6,\"username\":{\"a\":1},\"diff\":1}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":7,\"username\":\"bob\",\"diff\":1,"
            + "\"workinfoid\":-3}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"q\",\"seq\":8,\"username\":\"bob\",\"diff\":1}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":\"x\",\"username\":\"bob\",\"diff\":1}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":3,\"username\":\"bob\",\"diff\":1}},"
            + "{\"method\":\"workinfo\",\"params\":{\"source\":\"p\",\"seq\":9,\"workinfoid\":77,\"height\":5}},"
            + "{\"method\":\"users\",\"params\":{\"source\":\"p\",\"seq\":10}},"
            + "{\"method\":\"shares\",\"params\":[1]},"
            + "17,"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":12,\"username\":\"c\\u0001\",\"diff\":1}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":13,\"username\":\"bob\",\"diff\":1e30}},"
            + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":14,\"username\":\"bob\",\"diff\":0.125,"
            + "\"createdate\":\"1700000001\"}}"
            + "]";

    private record Outcome(JsonNode reply, JsonNode pool, JsonNode workers, String table) {
    }

    private static Outcome run(String request) throws Exception {
        try (HikariDataSource ds = TestPg.freshDatabase().open(2);
             CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start()) {
            JsonNode reply = MAPPER.readTree(svc.handle(request));
            // how far the writer got by the time of the reply depends on timing, not on the path
            ((com.fasterxml.jackson.databind.node.ObjectNode) reply.get("result")).remove("durable");
            assertThat(svc.awaitDurable(20_000)).isTrue();
            JsonNode pool = MAPPER.readTree(svc.handle("{\"method\":\"pool\",\"id\":1}")).get("result");
            ((com.fasterxml.jackson.databind.node.ObjectNode) pool).remove("db_lag_ms");
            JsonNode workers = MAPPER.readTree(svc.handle("{\"method\":\"workers\",\"id\":1}")).get("result");
            StringBuilder table = new StringBuilder();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT seq, shareid, workinfoid, username, workername, diff, sdiff, "
                         + "createdate FROM shares ORDER BY seq")) {
                while (rs.next()) {
                    for (int i = 1; i <= 8; i++) {
                        table.append(i == 8 ? rs.getTimestamp(i).getTime() : rs.getString(i)).append(' ');
                    }
                    table.append('\n');
                }
            }
            return new Outcome(reply, pool, workers, table.toString());
        }
    }

    @Test
    void streamedAndTreeBatchesGiveTheSameRepliesMemoryAndRows() throws Exception {
        String fast = "{\"method\":\"batch\",\"id\":\"b1\",\"params\":{\"source\":\"p\",\"messages\":" + MESSAGES + "}}";
        String tree = "{\"id\":\"b1\",\"method\":\"batch\",\"params\":{\"source\":\"p\",\"messages\":" + MESSAGES + "}}";
        Outcome a = run(fast);
        Outcome b = run(tree);
        assertThat(a.reply().get("result").get("accepted").asInt()).isEqualTo(5);
        assertThat(a.reply().get("result").get("duplicates").asInt()).isEqualTo(1);
        assertThat(a.reply().get("result").get("failed").asInt()).isGreaterThanOrEqualTo(9);
        assertThat(a.reply()).isEqualTo(b.reply());
        assertThat(a.pool()).isEqualTo(b.pool());
        assertThat(a.workers()).isEqualTo(b.workers());
        assertThat(a.table()).isEqualTo(b.table()).contains("ann.a 2.5 9 1700000000500");
    }

    @Test
    void malformedStreamedBatchIsRefusedWholeWithItsId() throws Exception {
        try (HikariDataSource ds = TestPg.freshDatabase().open(2);
             CkdbService svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start()) {
            String cut = "{\"method\":\"batch\",\"id\":\"b2\",\"params\":{\"source\":\"p\",\"messages\":["
                    + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":1,\"username\":\"a\",\"diff\":1}},"
                    + "{\"method\":\"shares\",\"params\":{\"source\":\"p\",\"seq\":2,\"user";
            JsonNode r = MAPPER.readTree(svc.handle(cut));
            assertThat(r.get("id").asText()).isEqualTo("b2");
            assertThat(r.get("error").asText()).startsWith("invalid json");
            JsonNode noArray = MAPPER.readTree(svc.handle(
                    "{\"method\":\"batch\",\"id\":3,\"params\":{\"source\":\"p\",\"messages\":5}}"));
            assertThat(noArray.get("error").asText()).isEqualTo("missing field 'messages' (array)");
            JsonNode pool = MAPPER.readTree(svc.handle("{\"method\":\"pool\",\"id\":1}")).get("result");
            assertThat(pool.get("shares").asLong()).as("nothing of the refused frame applied").isZero();
        }
    }
}
