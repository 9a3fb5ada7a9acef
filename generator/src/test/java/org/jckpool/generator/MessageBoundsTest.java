package org.jckpool.generator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.generator.link.TemplateMessage;
import org.jckpool.generator.notify.ZmqBlockSubscriber;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.generator.work.TemplateFetcher;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Witness;
import org.jckpool.libpool.json.Json;
import org.junit.jupiter.api.Test;

/** Template frames stay within the frame cap; ZMQ messages are checked. */
class MessageBoundsTest {
    private static ObjectNode template(int txs) {
        ObjectNode t = Json.object();
        t.put("previousblockhash", "11".repeat(32));
        t.put("height", 5);
        t.put("coinbasevalue", 5_000_000_000L + 100L * txs);
        t.put("bits", "207fffff");
        t.put("version", 0x20000000);
        t.put("curtime", 1_700_000_000L);
        ArrayNode arr = t.putArray("transactions");
        for (int i = 0; i < txs; i++) {
            ObjectNode tx = arr.addObject();
            String h = String.format("%064x", i + 1);
            tx.put("data", "ab".repeat(500));
            tx.put("txid", h);
            tx.put("hash", h);
            tx.put("fee", 100);
        }
        t.put("default_witness_commitment", "6a24aa21a9ed" + "00".repeat(32));
        return t;
    }

    @Test
    void smallTemplateIsSentAsIs() {
        ObjectNode t = template(3);
        byte[] f = TemplateMessage.encode(new FetchedTemplate("n", "start", t, 1));
        JsonNode m = Json.parseOrNull(new String(f));
        assertThat(m.get("method").asText()).isEqualTo("template");
        assertThat(m.get("params").get("template").toString()).isEqualTo(t.toString());
        assertThat(m.get("params").get("reason").asText()).isEqualTo("start");
        assertThat(m.get("params").get("node").asText()).isEqualTo("n");
    }

    @Test
    void oversizedTemplateLosesTailTransactionsWithFeesAndCommitmentAdjusted() {
        ObjectNode t = template(100);
        int cap = 30_000;
        byte[] f = TemplateMessage.encode(new FetchedTemplate("n", "newblock", t, 1), cap);
        assertThat(f.length).isLessThanOrEqualTo(cap);
        JsonNode sent = Json.parseOrNull(new String(f)).get("params").get("template");
        int kept = sent.get("transactions").size();
        assertThat(kept).isBetween(1, 99);
        assertThat(sent.get("coinbasevalue").asLong()).isEqualTo(5_000_000_000L + 100L * kept);
        List<byte[]> wtxids = new ArrayList<>();
        for (int i = 0; i < kept; i++) {
            assertThat(sent.get("transactions").get(i).get("txid").asText()).isEqualTo(String.format("%064x", i + 1));
            wtxids.add(Hex.fromRpc(String.format("%064x", i + 1)));
        }
        assertThat(sent.get("default_witness_commitment").asText())
                .isEqualTo(Hex.encode(Witness.commitmentScript(Witness.commitmentHash(wtxids))));
    }

    @Test
    void zmqSequenceGapsAreCountedAndMalformedMessagesIgnored() {
        TemplateFetcher noNodes = new TemplateFetcher(
                new org.jckpool.generator.node.NodeManager(List.of(new org.jckpool.suite.config.BtcdConfig(
                        "127.0.0.1:1", "u", "p", false)), null, Nodes.FAST), 30);
        ZmqBlockSubscriber z = new ZmqBlockSubscriber("tcp://127.0.0.1:1", noNodes);
        byte[] topic = "hashblock".getBytes();
        z.handle(topic, new byte[][] {new byte[32], {0, 0, 0, 0}});
        z.handle(topic, new byte[][] {new byte[32], {1, 0, 0, 0}});
        z.handle(topic, new byte[][] {new byte[32], {4, 0, 0, 0}});
        assertThat(z.received()).isEqualTo(3);
        assertThat(z.dropped()).isEqualTo(2);
        z.handle(topic, new byte[][] {new byte[31], {5, 0, 0, 0}});
        z.handle("rawtx".getBytes(), new byte[][] {new byte[32], {5, 0, 0, 0}});
        assertThat(z.received()).isEqualTo(3);
        // a restarted publisher starts again at 0: not a loss
        z.handle(topic, new byte[][] {new byte[32], {0, 0, 0, 0}});
        assertThat(z.dropped()).isEqualTo(2);
        noNodes.close();
    }
}
