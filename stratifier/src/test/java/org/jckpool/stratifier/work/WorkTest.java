package org.jckpool.stratifier.work;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.bitcoin.ByteReader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Sha256d;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkTest {
    static final ObjectMapper M = new ObjectMapper();
    static final byte[] PAYOUT = Hex.decode("0014751e76e8199196d454941c45d1b3a323f1433bd6");

    static ObjectNode template(long height) throws Exception {
        return (ObjectNode) M.readTree("""
                {"height":%d,"version":536870912,
                 "previousblockhash":"0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
                 "bits":"207fffff","curtime":1700000000,"mintime":1,"coinbasevalue":5000000000,
                 "default_witness_commitment":"6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9",
                 "transactions":[]}""".formatted(height));
    }

    /** Parses coinb1 ‖ en1 ‖ en2 ‖ coinb2 as a transaction and returns its scriptSig. */
    static byte[] scriptSig(CoinbaseParts cb, int n1, int n2) {
        byte[] tx = new byte[cb.length(n1, n2)];
        System.arraycopy(cb.coinb1(), 0, tx, 0, cb.coinb1().length);
        System.arraycopy(cb.coinb2(), 0, tx, cb.coinb1().length + n1 + n2, cb.coinb2().length);
        int len = tx[41] & 0xff;
        byte[] s = new byte[len];
        System.arraycopy(tx, 42, s, 0, len);
        assertThat(tx.length).isEqualTo(42 + len + cb.coinb2().length);
        return s;
    }

    @Test
    void bip34PushAtSmallAndSignBitHeights() throws Exception {
        WorkConfig cfg = new WorkConfig("", 4, 8, 0, null);
        assertThat(Hex.encode(scriptSig(CoinbaseBuilder.build(Template.parse(template(1)), cfg, PAYOUT), 4, 8)))
                .startsWith("510c");
        assertThat(Hex.encode(scriptSig(CoinbaseBuilder.build(Template.parse(template(16)), cfg, PAYOUT), 4, 8)))
                .startsWith("600c");
        assertThat(Hex.encode(scriptSig(CoinbaseBuilder.build(Template.parse(template(17)), cfg, PAYOUT), 4, 8)))
                .startsWith("01110c");
        assertThat(Hex.encode(scriptSig(CoinbaseBuilder.build(Template.parse(template(128)), cfg, PAYOUT), 4, 8)))
                .startsWith("0280000c");
        assertThat(Hex.encode(scriptSig(CoinbaseBuilder.build(Template.parse(template(32768)), cfg, PAYOUT), 4, 8)))
                .startsWith("030080000c");
    }

    @Test
    void longTagIsCutToKeepTheScriptSigWithin100Bytes() throws Exception {
        WorkConfig cfg = new WorkConfig("x".repeat(300), 8, 8, 0, null);
        byte[] s = scriptSig(CoinbaseBuilder.build(Template.parse(template(840000)), cfg, PAYOUT), 8, 8);
        // height push 4 + tag push 1+75 (one-byte push limit) + push opcode 1 + extranonces 16
        assertThat(s.length).isEqualTo(97);
    }

    @Test
    void donationOutputAndValueSum() throws Exception {
        byte[] don = Hex.decode("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");
        WorkConfig cfg = new WorkConfig("/t/", 4, 8, 0.5, don);
        CoinbaseParts cb = CoinbaseBuilder.build(Template.parse(template(100)), cfg, PAYOUT);
        ByteReader r = new ByteReader(cb.coinb2());
        r.u32();
        assertThat(r.varInt()).isEqualTo(3);
        long pay = r.u64();
        r.bytes((int) r.varInt());
        long donation = r.u64();
        assertThat(Hex.encode(r.bytes((int) r.varInt()))).isEqualTo(Hex.encode(don));
        assertThat(r.u64()).isZero();
        assertThat(Hex.encode(r.bytes((int) r.varInt()))).startsWith("6a24aa21a9ed");
        assertThat(r.u32()).isEqualTo(99); // lock time height − 1
        assertThat(donation).isEqualTo(25_000_000);
        assertThat(pay + donation).isEqualTo(5_000_000_000L);
    }

    @Test
    void templateWithoutCommitmentGivesNoWitness() throws Exception {
        ObjectNode t = template(2);
        t.remove("default_witness_commitment");
        WorkBase base = new WorkBase(1, Template.parse(t), new WorkConfig("", 4, 4, 0, null), 0);
        CoinbaseParts cb = base.payout(PAYOUT).coinbase();
        assertThat(Hex.encode(cb.coinb2())).doesNotContain("6a24aa21a9ed");
        byte[] coinbase = new byte[cb.length(4, 4)];
        System.arraycopy(cb.coinb1(), 0, coinbase, 0, cb.coinb1().length);
        System.arraycopy(cb.coinb2(), 0, coinbase, cb.coinb1().length + 8, cb.coinb2().length);
        String hex = BlockAssembler.blockHex(base, new byte[80], coinbase, coinbase.length);
        assertThat(hex).isEqualTo("00".repeat(80) + "01" + Hex.encode(coinbase));
    }

    @Test
    void merkleBranchAndTransactionsInBlockBody() throws Exception {
        ObjectNode t = template(5);
        var txs = t.putArray("transactions");
        for (int i = 0; i < 5; i++) {
            byte[] raw = new byte[]{(byte) i, 1, 2};
            txs.addObject().put("txid", Hex.toRpc(Sha256d.hash(raw))).put("hash", Hex.toRpc(Sha256d.hash(raw)))
                    .put("data", Hex.encode(raw));
        }
        WorkBase base = new WorkBase(1, Template.parse(t), new WorkConfig("", 4, 4, 0, null), 0);
        assertThat(base.branchCount()).isEqualTo(3); // ceil(log2(6))
        assertThat(base.template().txData()).isEqualTo("000102010102020102030102040102");
        assertThat(base.template().txCount()).isEqualTo(5);
    }

    @Test
    void badTemplatesNameTheField() throws Exception {
        ObjectNode t = template(5);
        t.put("bits", "zz");
        assertThatThrownBy(() -> Template.parse(t)).isInstanceOf(TemplateException.class).hasMessageContaining("bits");
        ObjectNode u = template(5);
        u.remove("previousblockhash");
        assertThatThrownBy(() -> Template.parse(u)).hasMessageContaining("previousblockhash");
        ObjectNode v = template(5);
        v.putArray("transactions").addObject().put("txid", "00").put("data", "00");
        assertThatThrownBy(() -> Template.parse(v)).hasMessageContaining("transactions[0].txid");
        assertThatThrownBy(() -> Template.parse(M.readTree("[]"))).hasMessageContaining("object");
        ObjectNode w = template(5);
        w.put("default_witness_commitment", "6a");
        assertThatThrownBy(() -> Template.parse(w)).hasMessageContaining("default_witness_commitment");
    }

    @Test
    void jobBookIdsStaleAndRetirement() throws Exception {
        JobBook book = new JobBook(1_700_000_000_000L, 600_000);
        WorkConfig cfg = new WorkConfig("", 4, 4, 0, null);
        JobBook.Update a = book.add(Template.parse(template(5)), cfg, 0);
        assertThat(a.newBlock()).isTrue();
        JobBook.Update b = book.add(Template.parse(template(5)), cfg, 1000);
        assertThat(b.newBlock()).isFalse();
        assertThat(b.job().id()).isGreaterThan(a.job().id());
        assertThat(book.isStale(a.job())).isFalse();
        Job alias = book.aliasCurrent();
        assertThat(alias.base()).isSameAs(b.job().base());
        assertThat(book.find(alias.idHex())).isEqualTo(alias);
        ObjectNode next = template(6);
        next.put("previousblockhash", "1f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206");
        JobBook.Update c = book.add(Template.parse(next), cfg, 2000);
        assertThat(c.newBlock()).isTrue();
        assertThat(book.isStale(a.job())).isTrue();
        assertThat(book.isStale(alias)).isTrue();
        assertThat(book.isStale(c.job())).isFalse();
        assertThat(book.retire(600_999)).isZero();
        assertThat(book.retire(602_000)).isEqualTo(3);
        assertThat(book.find(a.job().idHex())).isNull();
        assertThat(book.find(c.job().idHex())).isNotNull();
        assertThat(book.find("zz")).isNull();
        assertThat(book.find("")).isNull();
    }

    @Test
    void notifyLineShape() throws Exception {
        JsonNode t = template(1);
        WorkBase base = new WorkBase(1, Template.parse(t), new WorkConfig("/JPool/", 4, 4, 0, null), 0);
        JsonNode n = M.readTree(base.notifyLine("abc", PAYOUT, true));
        assertThat(n.get("id").isNull()).isTrue();
        assertThat(n.get("params")).hasSize(9);
        assertThat(n.get("params").get(0).asText()).isEqualTo("abc");
        assertThat(n.get("params").get(4)).isEmpty();
        assertThat(n.get("params").get(8).asBoolean()).isTrue();
        assertThat(M.readTree(base.notifyLine("abc", PAYOUT, false)).get("params").get(8).asBoolean()).isFalse();
    }
}
