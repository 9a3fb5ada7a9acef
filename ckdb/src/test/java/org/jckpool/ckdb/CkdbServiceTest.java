package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.jckpool.ckdb.store.DbSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CkdbServiceTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private DbSettings db;
    private HikariDataSource ds;
    private CkdbService svc;

    @BeforeEach
    void start() throws Exception {
        db = TestPg.freshDatabase();
        ds = db.open(4);
        svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start();
    }

    @AfterEach
    void stop() {
        svc.close();
        ds.close();
    }

    private JsonNode okJson(String reply) throws Exception {
        assertThat(reply).matches("\\d+\\.\\d+\\.ok\\..*");
        String body = reply.substring(reply.indexOf(".ok.") + 4);
        return MAPPER.readTree(body);
    }

    static String share(long seq, String user, String worker, double diff) {
        return "shares." + seq + ".json={\"source\":\"pool\",\"seq\":" + seq + ",\"workinfoid\":1,\"username\":\""
                + user + "\",\"workername\":\"" + worker + "\",\"diff\":" + diff + ",\"sdiff\":" + (diff * 2)
                + ",\"createdate\":\"1700000000,5\"}";
    }

    @Test
    void authoriseNeedsAUserAndReturnsTheWorkersDefaultDifficulty() throws Exception {
        assertThat(svc.handle("authorise.1.json={\"username\":\"alice\",\"workername\":\"alice.rig\"}"))
                .matches("1\\.\\d+\\.failed\\.unknown user alice");
        assertThat(svc.handle("adduser.2.json={\"username\":\"alice\",\"password\":\"secret123\"}"))
                .matches("2\\.\\d+\\.ok\\.added alice");
        assertThat(svc.handle("setworkerdiff.3.json={\"username\":\"alice\",\"workername\":\"alice.rig\","
                + "\"difficultydefault\":65536}")).contains(".ok.");
        JsonNode auth = okJson(svc.handle("authorise.4.json={\"username\":\"alice.rig\"}"));
        assertThat(auth.get("username").asText()).isEqualTo("alice");
        assertThat(auth.get("workername").asText()).isEqualTo("alice.rig");
        assertThat(auth.get("difficultydefault").asDouble()).isEqualTo(65536.0);
        assertThat(svc.handle("userlogin.5.json={\"username\":\"alice\",\"password\":\"secret123\"}"))
                .contains(".ok.login ok");
        assertThat(svc.handle("userlogin.6.json={\"username\":\"alice\",\"password\":\"wrong!!\"}"))
                .contains(".failed.login failed");
        // the heartbeat pushes the difficulty change to the pool
        JsonNode hb = okJson(svc.handle("heartbeat.7.json={\"since\":0}"));
        assertThat(hb.get("diffchange")).hasSize(1);
        assertThat(hb.get("diffchange").get(0).get("difficultydefault").asDouble()).isEqualTo(65536.0);
        JsonNode hb2 = okJson(svc.handle("heartbeat.8.json={\"since\":" + hb.get("last").asLong() + "}"));
        assertThat(hb2.get("diffchange")).isEmpty();
        // the password is stored as a bcrypt hash, never in clear
        assertThat(svc.awaitDurable(10_000)).isTrue();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT passwordhash FROM users WHERE username = 'alice'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("$2a$10$").doesNotContain("secret123");
        }
    }

    @Test
    void sharesAreCountedInMemoryAndSurviveARestartExactly() throws Exception {
        double expected = 0;
        for (int i = 1; i <= 500; i++) {
            double diff = 1 + (i % 7) * 0.5;
            expected += diff;
            assertThat(svc.handle(share(i, "bob", "bob.w" + (i % 3), diff))).contains(".ok.added");
        }
        assertThat(svc.handle(share(500, "bob", "bob.w0", 99))).contains(".ok.duplicate");
        JsonNode pool = MAPPER.readTree(svc.handle("{\"method\":\"pool\",\"id\":1}")).get("result");
        assertThat(pool.get("shares").asLong()).isEqualTo(500);
        assertThat(pool.get("diffacc").asDouble()).isEqualTo(expected);
        assertThat(svc.awaitDurable(10_000)).isTrue();
        svc.close();
        svc = new CkdbService(CkdbConfig.defaults(), ds, MAPPER).start();
        JsonNode user = MAPPER.readTree(svc.handle("{\"method\":\"user\",\"id\":2,\"params\":{\"username\":\"bob\"}}"))
                .get("result");
        assertThat(user.get("shares").asLong()).isEqualTo(500);
        assertThat(user.get("diffacc").asDouble()).isEqualTo(expected);
        assertThat(user.get("workerlist")).hasSize(3);
        // after the restart the source's sequence continues; an old one is a duplicate
        assertThat(svc.handle(share(77, "bob", "bob.w0", 5))).contains(".ok.duplicate");
        assertThat(svc.handle(share(501, "bob", "bob.w0", 5))).contains(".ok.added");
        assertThat(svc.handle(share(505, "bob", "bob.w0", 5))).contains(".ok.added");
        JsonNode src = MAPPER.readTree(svc.handle("{\"method\":\"sources\",\"id\":3}")).get("result").get(0);
        assertThat(src.get("lastseq").asLong()).isEqualTo(505);
        assertThat(src.get("gaps").asLong()).isEqualTo(1);
        assertThat(src.get("missing").asLong()).isEqualTo(3);
        assertThat(svc.awaitDurable(10_000)).isTrue();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), sum(diff) FROM shares")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(502);
            assertThat(rs.getDouble(2)).isEqualTo(expected + 10);
        }
    }

    @Test
    void badMessagesGetFailedRepliesAndServiceKeepsServing() throws Exception {
        assertThat(svc.handle("shares.1.json={not json")).matches("1\\.\\d+\\.failed\\.invalid json.*");
        assertThat(svc.handle("nosuchcmd.2.json={}")).matches("2\\.\\d+\\.failed\\.unknown command 'nosuchcmd'");
        assertThat(svc.handle("shares.3.json={\"source\":\"p\",\"seq\":1,\"username\":\"u\"}"))
                .matches("3\\.\\d+\\.failed\\.missing field 'diff'");
        assertThat(svc.handle("shares.4.json={\"source\":\"p\",\"seq\":2,\"username\":\"u\",\"diff\":1e400}"))
                .matches("4\\.\\d+\\.failed\\.field 'diff' out of range");
        assertThat(svc.handle("shares.5.json={\"source\":\"p\",\"seq\":99999999999999999999999,\"username\":\"u\","
                + "\"diff\":1}")).contains(".failed.field 'seq'");
        assertThat(svc.handle("shares.6.json={\"source\":\"p\",\"seq\":3,\"username\":\"" + "x".repeat(5000)
                + "\",\"diff\":1}")).contains(".failed.field 'username' longer than");
        assertThat(svc.handle("shares.7.json=[1,2]")).contains("7.").contains(".failed.json must be an object");
        assertThat(svc.handle("{\"method\":42}")).contains("\"error\":\"missing method\"");
        assertThat(svc.handle("")).isEqualTo("failed.empty request");
        assertThat(svc.handle("\u0000\u0001garbage")).startsWith("failed.");
        assertThat(svc.handle("block.8.json={\"source\":\"p\",\"seq\":4,\"blockhash\":\"zz\",\"height\":1,"
                + "\"username\":\"u\",\"reward\":1,\"netdiff\":1}")).contains(".failed.field 'blockhash'");
        assertThat(svc.handle("ping")).isEqualTo("pong");
        assertThat(svc.handle(share(5, "u", "u.1", 2))).contains(".ok.added");
        assertThat(svc.awaitDurable(10_000)).isTrue();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT seq FROM source_seq WHERE source = 'pool'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(5);
        }
    }
}
