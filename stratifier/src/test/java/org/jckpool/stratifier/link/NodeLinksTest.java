package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.RecordingOutbound;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ckpool's mining.node, upstream side: accepted only on a nodeserver port, answered as a passthrough, and sent the
 * transactions and each job's workinfo in the forms of ckpool's send_node_all_txns / send_node_workinfo.
 */
class NodeLinksTest {
    static final long NODE = 200;
    static final int NODESERVER = 1;
    /** The keys of ckpool's node workinfo, in its order. */
    static final List<String> CKPOOL_WORKINFO_KEYS = List.of("jobid", "target", "diff", "version", "curtime",
            "prevhash", "ntime", "bbversion", "nbit", "coinbasevalue", "height", "flags", "txns", "txn_hashes",
            "merkles", "merklehash", "coinb1", "enonce1varlen", "enonce2varlen", "coinb1len", "coinb2len", "coinb2",
            "node.method");

    final RecordingOutbound connector = new RecordingOutbound();
    final LinkedEngine wired = new LinkedEngine(connector).withNodes(NODESERVER);
    final StratumEngine engine = wired.engine;
    final PassthroughLinks links = wired.links;
    final ClientEvents events = wired.events;

    @BeforeEach
    void setUp() {
        engine.onTemplate(Vectors.templateC());
    }

    private List<String> lines(long id) {
        List<String> out = new ArrayList<>();
        for (String l : connector.log) {
            if (l.startsWith(id + " ")) {
                out.add(l.substring(String.valueOf(id).length() + 1));
            }
        }
        return out;
    }

    private void linkNode(int server) {
        events.connected(NODE, "192.0.2.9", server);
        // ckpool's generator (node_stratum) sends exactly this: no id, its version as the one param
        events.line(NODE, "{\"method\": \"mining.node\", \"params\": [\"ckpool/0.9.9\"]}");
    }

    @Test
    void aNodeIsRefusedOnAPortThatIsNoNodeserver() {
        linkNode(0);
        assertThat(connector.drops).containsKey(NODE);
        assertThat(lines(NODE)).isEmpty();
        assertThat(links.hasNodes()).isFalse();
    }

    @Test
    void aNodeIsAcceptedAndGetsEveryKeptTransaction() {
        linkNode(NODESERVER);
        assertThat(connector.drops).doesNotContainKey(NODE);
        assertThat(lines(NODE)).containsExactly("{\"result\": true}",
                "{\"transaction\":["
                        + "{\"hash\":\"1f93b34ff74ec41a4c248c585b219f9dbdf391247d903cd19ee07b20dd876caf\",\"data\":\"aa\"},"
                        + "{\"hash\":\"7a094fc171aad26c8b20d24ccfce18a787642977e2c3801ad1c3a7fef59d7a54\",\"data\":\"bb\"},"
                        + "{\"hash\":\"9a8868471afa290555a7398a3fe3f3ebe6944d1d2cb52bea80fd9ea4d40b98ad\",\"data\":\"cc\"}],"
                        + "\"node.method\":\"transactions\"}");
        assertThat(engine.session(NODE)).isNull();
        assertThat(links.describe().toString()).matches("\\{\"downstreams\":\\[\\{\"id\":200,\"address\":\"192.0.2.9\","
                + "\"server\":1,\"clients\":0,\"mode\":\"node\",\"since\":\\d+}],\"paced_pauses\":0}");
    }

    @Test
    void eachNewJobReachesTheNodeAsCkpoolsWorkinfoAfterTheMinersNotify() {
        linkNode(NODESERVER);
        int before = connector.log.size();
        engine.onTemplate(Vectors.templateCNextBlock());
        List<String> after = connector.log.subList(before, connector.log.size());
        // the miners' notify first (ckpool postpones the workinfo), no transactions again: the node has them
        assertThat(after).hasSize(2);
        assertThat(after.get(0)).startsWith("* {\"id\":null,\"method\":\"mining.notify\"");
        String jobHex = Json.parseOrNull(after.get(0).substring(2)).path("params").path(0).asText();
        assertThat(after.get(1)).startsWith(NODE + " {\"jobid\":");
        JsonNode w = Json.parseOrNull(after.get(1).substring(4));
        List<String> keys = new ArrayList<>();
        w.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactlyElementsOf(CKPOOL_WORKINFO_KEYS);
        assertThat(w.path("jobid").asLong()).isEqualTo(Long.parseLong(jobHex, 16));
        assertThat(w.path("node.method").asText()).isEqualTo("workinfo");
        assertThat(w.path("target").asText()).isEqualTo("0000000000000000000342190000000000000000000000000000000000000000");
        assertThat(w.path("diff").asDouble()).isEqualTo(86388558925171.02);
        assertThat(w.path("version").asLong()).isEqualTo(536870912);
        assertThat(w.path("bbversion").asText()).isEqualTo("20000000");
        assertThat(w.path("nbit").asText()).isEqualTo("17034219");
        assertThat(w.path("ntime").asText()).isEqualTo("662307b7");
        assertThat(w.path("curtime").asLong()).isEqualTo(Vectors.C_TIME);
        assertThat(w.path("prevhash").asText()).isEqualTo("48d12fc752e38479ff9c03b4236097d448050f15000251eb0000000000000000");
        assertThat(w.path("height").asLong()).isEqualTo(840000);
        assertThat(w.path("coinbasevalue").asLong()).isEqualTo(313734567);
        assertThat(w.path("txns").asInt()).isEqualTo(3);
        assertThat(w.path("txn_hashes").asText()).isEqualTo(
                "1f93b34ff74ec41a4c248c585b219f9dbdf391247d903cd19ee07b20dd876caf "
                        + "0b518211cd10ce735c8032510d62331594f2f7b08b22e23217e680fff5d67c8e "
                        + "280a6d12a976863c69bed2f13dea4ad73c2a650d3cd3e3db25f33f0df02ca539 ");
        assertThat(w.path("merkles").asInt()).isEqualTo(2);
        assertThat(w.path("merklehash").toString()).isEqualTo(
                "[\"af6c87dd207be09ed13c907d2491f3bd9d9f215b588c244c1ac44ef74fb3931f\","
                        + "\"d4d15a484edf09e8d7117fb7012086a84a4e0deb4ea4f9d58563fe1f34e653b1\"]");
        JsonNode notify = Json.parseOrNull(after.get(0).substring(2)).path("params");
        assertThat(w.path("coinb1").asText()).isEqualTo(notify.path(2).asText());
        assertThat(w.path("coinb2").asText()).isEqualTo(notify.path(3).asText());
        assertThat(w.path("coinb1len").asInt()).isEqualTo(notify.path(2).asText().length() / 2);
        assertThat(w.path("coinb2len").asInt()).isEqualTo(notify.path(3).asText().length() / 2);
        assertThat(w.path("enonce1varlen").asInt()).isEqualTo(4);
        assertThat(w.path("enonce2varlen").asInt()).isEqualTo(4);
    }

    @Test
    void aJobReSentUnderANewIdIsAWorkinfoToo() {
        linkNode(NODESERVER);
        events.connected(1, "10.0.0.1", 0);
        events.line(1, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        events.line(1, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" + Vectors.MAIN_ADDR + ".a\",\"x\"]}");
        int before = lines(NODE).size();
        events.line(1, "{\"id\":3,\"method\":\"mining.suggest_difficulty\",\"params\":[64]}");
        String alias = connector.lastMethod(1, "mining.notify").path("params").path(0).asText();
        List<String> fresh = lines(NODE).subList(before, lines(NODE).size());
        assertThat(fresh).hasSize(1);
        assertThat(Json.parseOrNull(fresh.get(0)).path("jobid").asLong()).isEqualTo(Long.parseLong(alias, 16));
    }

    @Test
    void manyTransactionsGoInMessagesUnderTheConnectorsQueueCap() {
        List<NodeMessages.Txn> txns = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            txns.add(new NodeMessages.Txn(String.format("%064x", i), String.format("%064x", i), "ab".repeat(500)));
        }
        List<String> chunks = NodeMessages.transactionsChunks(txns);
        assertThat(chunks).hasSizeGreaterThan(1);
        int total = 0;
        for (String c : chunks) {
            assertThat(c.length()).isLessThan(1 << 20);
            JsonNode n = Json.parseOrNull(c);
            assertThat(n.path("node.method").asText()).isEqualTo("transactions");
            total += n.path("transaction").size();
        }
        assertThat(total).isEqualTo(3000);
        assertThat(NodeMessages.transactionsChunks(List.of())).containsExactly(
                "{\"transaction\":[],\"node.method\":\"transactions\"}");
    }

    @Test
    void passthroughLinksGetNoNodeMessages() {
        events.connected(NODE, "192.0.2.9", NODESERVER);
        events.line(NODE, "{\"method\": \"mining.passthrough\", \"params\": [\"ckpool/0.9.9\"]}");
        engine.onTemplate(Vectors.templateCNextBlock());
        assertThat(lines(NODE)).containsExactly("{\"result\": true}");
    }
}
