package org.jckpool.ckdb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PPLNS with N = 2 over network difficulty 10 (window 20), fee 1 %, reward 625,000,001 sat.
 * Shares, oldest first: alice 8, bob 10, carol 5, alice 4, bob 3, carol 2. Walking back from the block:
 * carol 2, bob 3, alice 4, carol 5 (14), then bob's 10 counts only 6 to fill the window; alice's 8 is outside.
 * Window: alice 4, bob 9, carol 7 (= 20). fee = floor(6,250,000.01) = 6,250,000; pot = 618,750,001.
 * alice floor(pot·4/20) = 123,750,000; bob floor(pot·9/20) = 278,437,500; carol floor(pot·7/20) = 216,562,500.
 * bob splits 3:4 over b1/b2: floor(278,437,500·3/7) = 119,330,357, floor(·4/7) = 159,107,142, plus the rounding
 * remainder 1 to b2 (highest ratio) = 159,107,143. carol has no address: paid to "carol".
 */
class PayoutTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String HASH = "00000000000000000001a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7";
    private HikariDataSource ds;
    private CkdbService svc;
    private long seq;

    @BeforeEach
    void start() throws Exception {
        ds = TestPg.freshDatabase().open(4);
        svc = new CkdbService(new CkdbConfig(2.0, 0.01, 100_000, false), ds, MAPPER).start();
    }

    @AfterEach
    void stop() {
        svc.close();
        ds.close();
    }

    private void share(String user, double diff) {
        seq++;
        assertThat(svc.handle(CkdbServiceTest.share(seq, user, user + ".1", diff))).contains(".ok.added");
    }

    private String block() {
        seq++;
        return svc.handle("block." + seq + ".json={\"source\":\"pool\",\"seq\":" + seq + ",\"blockhash\":\"" + HASH
                + "\",\"height\":840000,\"username\":\"bob\",\"workername\":\"bob.1\",\"reward\":625000001,"
                + "\"netdiff\":10}");
    }

    private JsonNode payouts(String params) throws Exception {
        return MAPPER.readTree(svc.handle("{\"method\":\"payouts\",\"id\":1,\"params\":" + params + "}"))
                .get("result");
    }

    private static Map<String, Long> byAddress(JsonNode payouts) {
        Map<String, Long> out = new HashMap<>();
        payouts.get("payouts").forEach(p -> out.put(p.get("username").asText() + "/" + p.get("address").asText(),
                p.get("amount").asLong()));
        return out;
    }

    @Test
    void pplnsPaysTheHandComputedAmountsOnceAndVoidsThemOnOrphan() throws Exception {
        svc.handle("adduser.1.json={\"username\":\"bob\",\"password\":\"bobpass1\"}");
        assertThat(svc.handle("setaddresses.2.json={\"username\":\"bob\",\"addresses\":[{\"address\":\"b1\","
                + "\"ratio\":3},{\"address\":\"b2\",\"ratio\":4}]}")).contains(".ok.addresses 2");
        share("alice", 8);
        share("bob", 10);
        share("carol", 5);
        share("alice", 4);
        share("bob", 3);
        share("carol", 2);
        assertThat(block()).contains(".ok.added");
        assertThat(svc.awaitDurable(10_000)).isTrue();
        share("alice", 1000); // after the block: not in its window

        Map<String, Long> expected = Map.of(
                "alice/alice", 123_750_000L,
                "bob/b1", 119_330_357L,
                "bob/b2", 159_107_143L,
                "carol/carol", 216_562_500L);
        JsonNode forBlock = payouts("{\"blockhash\":\"" + HASH + "\"}");
        assertThat(byAddress(forBlock)).isEqualTo(expected);
        assertThat(forBlock.get("block").get("fee").asLong()).isEqualTo(6_250_000L);
        assertThat(forBlock.get("block").get("counted_diff").asDouble()).isEqualTo(20.0);
        assertThat(payouts("{\"username\":\"bob\"}").get("total_pending").asLong()).isEqualTo(278_437_500L);

        // the same block again (a resend with a new seq) is not paid twice; a restart finds the same payouts
        assertThat(block()).contains(".ok.added");
        assertThat(svc.awaitDurable(10_000)).isTrue();
        svc.close();
        svc = new CkdbService(new CkdbConfig(2.0, 0.01, 100_000, false), ds, MAPPER).start();
        assertThat(byAddress(payouts("{\"blockhash\":\"" + HASH + "\"}"))).isEqualTo(expected);
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*), sum(amount) FROM payouts")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(4);
            assertThat(rs.getLong(2)).isEqualTo(618_750_000L);
        }

        assertThat(svc.handle("blockstatus.3.json={\"blockhash\":\"" + HASH + "\",\"status\":\"confirmed\"}"))
                .contains(".ok.status confirmed");
        assertThat(svc.handle("blockstatus.4.json={\"blockhash\":\"" + HASH + "\",\"status\":\"orphan\"}"))
                .contains(".ok.status orphan");
        JsonNode voided = payouts("{\"blockhash\":\"" + HASH + "\"}");
        assertThat(voided.get("total_pending").asLong()).isZero();
        voided.get("payouts").forEach(p -> assertThat(p.get("status").asText()).isEqualTo("void"));
        assertThat(voided.get("block").get("status").asText()).isEqualTo("orphan");
        assertThat(svc.awaitDurable(10_000)).isTrue();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM payouts WHERE status = 'void'")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(4);
        }
    }

    @Test
    void solutionOutcomesAreStoredAndOnlyChainBlocksPay() throws Exception {
        share("alice", 8);
        seq++;
        String dup = "11" + HASH.substring(2);
        assertThat(svc.handle("block." + seq + ".json={\"source\":\"pool\",\"seq\":" + seq + ",\"blockhash\":\""
                + dup + "\",\"height\":840000,\"username\":\"alice\",\"reward\":625000001,\"netdiff\":10,"
                + "\"status\":\"duplicate-height\"}")).contains(".ok.added");
        assertThat(block()).contains(".ok.added");
        assertThat(svc.handle("blockstatus.5.json={\"blockhash\":\"" + HASH + "\",\"status\":\"lost\"}"))
                .contains(".ok.status lost");
        assertThat(svc.handle("blockstatus.6.json={\"blockhash\":\"" + HASH + "\",\"status\":\"sideways\"}"))
                .contains(".failed.").contains("duplicate-height");
        assertThat(svc.awaitDurable(10_000)).isTrue();
        assertThat(payouts("{\"blockhash\":\"" + HASH + "\"}").get("total_pending").asLong()).isZero();
        assertThat(payouts("{\"blockhash\":\"" + dup + "\"}").get("payouts")).isEmpty();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT status FROM blocks ORDER BY status")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("duplicate-height");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("lost");
        }
        // a lost block that reached the node after all pays once the chain says so
        assertThat(svc.handle("blockstatus.7.json={\"blockhash\":\"" + HASH + "\",\"status\":\"confirmed\"}"))
                .contains(".ok.status confirmed");
        assertThat(payouts("{\"blockhash\":\"" + HASH + "\"}").get("total_pending").asLong()).isPositive();
    }
}
