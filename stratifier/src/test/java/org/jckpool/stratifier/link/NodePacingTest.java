package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.ClientOutbound;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mining node on a slow link gets a large block's transactions (3,000 of 500 bytes: 3 MB of hex) paced by the
 * connector's drain reports, never more than the pacer's budget plus one message waiting in the connector's
 * 1 MiB per-client queue, all of them, in order, each job's transactions before its workinfo.
 */
class NodePacingTest {
    static final long NODE = 200;
    static final int NODESERVER = 1;
    static final int CONNECTOR_CAP = 1 << 20;

    /** The connector as a slow link sees it: bytes queued until the test lets the socket take them. */
    static final class SlowConnector implements ClientOutbound {
        final List<String> toNode = new ArrayList<>();
        long queued;
        long peakQueued;
        int drainAsks;
        boolean drainAsked;
        boolean reportsDrains = true;

        @Override
        public synchronized void send(long clientId, String line) {
            if (clientId == NODE) {
                toNode.add(line);
                queued += line.length() + 1;
                peakQueued = Math.max(peakQueued, queued);
            }
        }

        @Override
        public void broadcast(String line) {
        }

        @Override
        public void drop(long clientId, String reason) {
            throw new AssertionError("dropped " + clientId + ": " + reason);
        }

        @Override
        public synchronized boolean whenDrained(long clientId) {
            if (reportsDrains) {
                drainAsks++;
                drainAsked = true;
            }
            return reportsDrains;
        }

        /** The socket took everything: true when a drain report was asked for (it is due now). */
        synchronized boolean writeAll() {
            queued = 0;
            boolean due = drainAsked;
            drainAsked = false;
            return due;
        }
    }

    final SlowConnector connector = new SlowConnector();
    final LinkedEngine wired = new LinkedEngine(connector).withNodes(NODESERVER);
    final StratumEngine engine = wired.engine;
    final PassthroughLinks links = wired.links;
    final ClientEvents events = wired.events;

    /** Template C with {@code count} transactions of 500 bytes each, ids from {@code first}. */
    static JsonNode bigTemplate(int first, int count) {
        ObjectNode t = (ObjectNode) Vectors.templateC().deepCopy();
        ArrayNode txs = t.putArray("transactions");
        for (int i = first; i < first + count; i++) {
            String id = String.format("%064x", i);
            txs.addObject().put("data", String.format("%08x", i) + "ab".repeat(496)).put("txid", id).put("hash", id);
        }
        return t;
    }

    private void linkNode() {
        events.connected(NODE, "192.0.2.9", NODESERVER);
        events.line(NODE, "{\"method\": \"mining.node\", \"params\": [\"ckpool/0.9.9\"]}");
    }

    /** Lets the slow socket take what is queued and reports each drain asked for, until nothing waits. */
    private int drainAll() {
        int rounds = 0;
        while (connector.writeAll()) {
            links.drained(NODE);
            rounds++;
        }
        return rounds;
    }

    /** The transaction hashes the node received, in order; the workinfo lines where they came. */
    private List<String> receivedOrder() {
        List<String> out = new ArrayList<>();
        for (String line : connector.toNode) {
            JsonNode n = Json.parseOrNull(line);
            if ("transactions".equals(n.path("node.method").asText())) {
                n.path("transaction").forEach(t -> out.add(t.path("hash").asText()));
            } else if ("workinfo".equals(n.path("node.method").asText())) {
                out.add("workinfo " + n.path("jobid").asLong());
            }
        }
        return out;
    }

    @Test
    void aNewNodeGetsALargeBlocksTransactionsWithinTheConnectorsQueueCap() {
        engine.onTemplate(bigTemplate(0, 3000));
        linkNode();
        assertThat(connector.peakQueued).as("all at once would be 3 MB").isLessThan(CONNECTOR_CAP / 2);
        assertThat(links.pacedWaitingBytes(NODE)).isGreaterThan(2_000_000);

        int rounds = drainAll();
        // 3 MB in budgets of 256 KiB (a budget's last message may cross it)
        assertThat(rounds).isGreaterThanOrEqualTo(3_000_000 / (LinkPacer.BUDGET_BYTES + NodeMessages.TRANSACTIONS_CHUNK));
        assertThat(connector.peakQueued).isLessThanOrEqualTo(LinkPacer.BUDGET_BYTES + NodeMessages.TRANSACTIONS_CHUNK
                + 4096);
        assertThat(links.pacedWaitingBytes(NODE)).isZero();
        List<String> got = receivedOrder();
        assertThat(got).hasSize(3000).doesNotHaveDuplicates();
        assertThat(got.get(0)).isEqualTo(String.format("%064x", 0));
        assertThat(got.get(2999)).isEqualTo(String.format("%064x", 2999));
    }

    @Test
    void aJobArrivingMidBurstWaitsBehindItsTransactions() {
        engine.onTemplate(bigTemplate(0, 3000));
        linkNode();
        connector.writeAll();
        links.drained(NODE); // one budget gone, the rest still waits
        // a new block: 1,000 new transactions, then the job's workinfo, all behind the burst
        engine.onTemplate(bigTemplate(5000, 1000));
        assertThat(connector.peakQueued).isLessThan(CONNECTOR_CAP / 2);
        drainAll();

        List<String> got = receivedOrder();
        int workinfo = got.indexOf(got.stream().filter(s -> s.startsWith("workinfo")).findFirst().orElseThrow());
        assertThat(workinfo).as("the workinfo comes after every transaction it may need").isEqualTo(4000);
        Set<String> before = new HashSet<>(got.subList(0, workinfo));
        assertThat(before).contains(String.format("%064x", 0), String.format("%064x", 2999),
                String.format("%064x", 5000), String.format("%064x", 5999));
        assertThat(connector.peakQueued).isLessThanOrEqualTo(LinkPacer.BUDGET_BYTES + NodeMessages.TRANSACTIONS_CHUNK
                + 4096);
    }

    @Test
    void withoutDrainReportsNothingIsHeldBack() {
        connector.reportsDrains = false; // no connector stream: nothing would ever report a drain
        engine.onTemplate(bigTemplate(0, 3000));
        linkNode();
        assertThat(receivedOrder()).hasSize(3000);
        assertThat(links.pacedWaitingBytes(NODE)).isZero();
    }

    @Test
    void whatWaitsForANodeThatLeavesIsDropped() {
        engine.onTemplate(bigTemplate(0, 3000));
        linkNode();
        assertThat(links.pacedWaitingBytes(NODE)).isPositive();
        int sent = connector.toNode.size();
        events.disconnected(NODE, "gone");
        assertThat(links.pacedWaitingBytes(NODE)).isZero();
        links.drained(NODE); // a late report
        assertThat(connector.toNode).hasSize(sent);
    }
}
