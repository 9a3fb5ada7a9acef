package org.jckpool.generator;

import org.jckpool.simnode.BlockFromTemplate;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.generator.node.NodeTimeouts;
import org.jckpool.generator.submit.SubmitOutcome;
import org.jckpool.generator.work.FetchedTemplate;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.ipc.CommandTable;
import org.jckpool.libpool.ipc.ControlClient;
import org.jckpool.libpool.ipc.ControlServer;
import org.jckpool.libpool.ipc.FrameStream;
import org.jckpool.libpool.ipc.Frames;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;
import org.jckpool.simnode.SimNode;
import org.jckpool.simnode.SimNodeOptions;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** New work (tip poll, ZMQ, update), block submission, and the stream and control messages. */
class WorkAndSubmitTest {
    private final Nodes sims = new Nodes();
    private Generator gen;
    private ControlServer server;
    private Path dir;

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (gen != null) {
            gen.close();
        }
        sims.close();
        if (dir != null) {
            Files.deleteIfExists(dir);
        }
    }

    private static JsonNode generate(SimNode n) {
        try (BitcoinRpcClient rpc = new BitcoinRpcClient(n.url(), RpcCredentials.basic("u", "p"))) {
            return rpc.call("generatetoaddress", 1, Nodes.ADDRESS);
        }
    }

    /** No mempool: the synthetic transactions of two nodes differ, an empty block is valid on both. */
    private SimNode emptyMempoolNode() throws java.io.IOException {
        SimNodeOptions o = new SimNodeOptions();
        o.txs = 0;
        return sims.start(o);
    }

    private FetchedTemplate last() {
        return sims.templates.get(sims.templates.size() - 1);
    }

    @Test
    void tipPollPushesANewblockTemplate() throws Exception {
        SimNode n = sims.start();
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(n)), null));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        assertThat(sims.templates.get(0).reason()).isEqualTo("start");
        assertThat(sims.templates.get(0).height()).isEqualTo(1);

        String hash = generate(n).get(0).asText();
        assertThat(Nodes.waitFor(() -> last().height() == 2, 3000)).as("new tip seen by polling").isTrue();
        assertThat(last().reason()).isEqualTo("newblock");
        assertThat(last().prevHash()).isEqualTo(hash);

        int before = sims.templates.size();
        gen.fetcher().request("update");
        assertThat(Nodes.waitFor(() -> sims.templates.size() > before, 3000)).isTrue();
        assertThat(last().reason()).isEqualTo("update");
        assertThat(gen.stats().get("last_template").get("height").asLong()).isEqualTo(2);
    }

    @Test
    void zmqHashblockTriggersAFetchForANotifyingNode() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.zmqPubHashBlock = "tcp://127.0.0.1:*"; // the port is the publisher's own: no window for another taker
        SimNode n = sims.start(o);
        String endpoint = n.zmqEndpoint();
        // notify:true turns tip polling off, so only ZMQ can tell the generator of the new block
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcdNotifying(n)), endpoint));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        // ZMQ "slow joiner": the publisher drops what it sends before the subscription reaches it, and nothing
        // tells when it has; so mine a block at a time until the generator hears one
        long[] height = {1};
        assertThat(Await.within(15_000, () -> {
            generate(n);
            height[0]++;
            return Nodes.waitFor(() -> gen.stats().get("zmq").get("received").asLong() >= 1, 1000);
        })).as("a hashblock heard").isTrue();
        assertThat(Nodes.waitFor(() -> last().height() == height[0], 3000)).as("hashblock seen").isTrue();
        assertThat(last().reason()).isEqualTo("newblock");
        generate(n);
        assertThat(Nodes.waitFor(() -> last().height() == height[0] + 1, 3000)).isTrue();
        assertThat(gen.stats().get("zmq").get("dropped").asLong()).isZero();

        // bitcoind restarts (same RPC port, same ZMQ endpoint, fresh chain): the subscription reconnects
        int port = n.port();
        n.close();
        SimNodeOptions again = new SimNodeOptions();
        again.port = port;
        again.zmqPubHashBlock = endpoint;
        SimNode n2 = sims.start(again);
        assertThat(Nodes.waitFor(() -> gen.nodes().active() != null && last().height() == 1, 6000)).isTrue();
        long before = gen.stats().get("zmq").get("received").asLong();
        // the subscription reconnects after ZMQ's reconnect interval, and joins slowly: mine until heard again
        long[] height2 = {1};
        assertThat(Await.within(15_000, () -> {
            generate(n2);
            height2[0]++;
            return Nodes.waitFor(() -> gen.stats().get("zmq").get("received").asLong() > before, 1000);
        })).as("a hashblock heard after the reconnect").isTrue();
        assertThat(Nodes.waitFor(() -> last().height() == height2[0], 3000)).as("hashblock after reconnect").isTrue();
    }

    @Test
    void aHungNodeDoesNotHoldUpAnAcceptedBlock() throws Exception {
        SimNode a = emptyMempoolNode();
        SimNode b = emptyMempoolNode();
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(a), Nodes.btcd(b)), null));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        BlockFromTemplate good = BlockFromTemplate.fromTemplate(gen.getbase().get("template"));
        String hex = good.hex();
        a.setMode(org.jckpool.simnode.rpc.FailureMode.HANG);
        long t0 = System.currentTimeMillis();
        SubmitOutcome ok = gen.submitter().submit(hex, null, -1).get(20, TimeUnit.SECONDS);
        // node b's answer decides at once: well under the 20 s a's hanging submitblock may take
        assertThat(System.currentTimeMillis() - t0).isLessThan(15_000);
        assertThat(ok.accepted()).isTrue();
        assertThat(ok.node()).isEqualTo(Nodes.btcd(b).url());
        assertThat(ok.confirmed()).isTrue();
        a.setMode(org.jckpool.simnode.rpc.FailureMode.OK);
    }

    @Test
    void validBlockIsAcceptedAndConfirmedInvalidOneGetsTheNodesReason() throws Exception {
        SimNode a = emptyMempoolNode();
        SimNode b = emptyMempoolNode();
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(a), Nodes.btcd(b)), null));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        JsonNode t = gen.getbase().get("template");

        BlockFromTemplate greedy = BlockFromTemplate.fromTemplate(t);
        greedy.value += 1;
        SubmitOutcome bad = gen.submitter().submit(greedy.hex(), null, -1).get(20, TimeUnit.SECONDS);
        assertThat(bad.accepted()).isFalse();
        assertThat(bad.reason()).isEqualTo("bad-cb-amount");
        assertThat(bad.confirmed()).isFalse();

        BlockFromTemplate good = BlockFromTemplate.fromTemplate(t);
        String hash = Hex.toRpc(good.build().hash());
        SubmitOutcome ok = gen.submitter().submit(good.hex(), hash, 1).get(20, TimeUnit.SECONDS);
        assertThat(ok.accepted()).isTrue();
        assertThat(ok.confirmed()).isTrue();
        // the first node to accept decides (the others are not waited for)
        assertThat(ok.node()).isIn(Nodes.btcd(a).url(), Nodes.btcd(b).url());
        // both nodes got it: each has the block at height 1 now
        assertThat(Nodes.waitFor(() -> a.chain().tip().rpcHash().equals(hash)
                && b.chain().tip().rpcHash().equals(hash), 5000)).isTrue();

        // again: "duplicate" counts as accepted; height read from the coinbase when not given
        SubmitOutcome dup = gen.submitter().submit(good.hex(), null, -1).get(20, TimeUnit.SECONDS);
        assertThat(dup.accepted()).isTrue();
        assertThat(dup.reason()).isEqualTo("duplicate");
        assertThat(dup.confirmed()).isTrue();
        assertThat(gen.stats().get("blocks_submitted").asLong()).isEqualTo(3);
        assertThat(gen.stats().get("blocks_rejected").asLong()).isEqualTo(1);

        SubmitOutcome junk = gen.submitter().submit("zz", null, -1).get(5, TimeUnit.SECONDS);
        assertThat(junk.accepted()).isFalse();
    }

    @Test
    void anAcceptedBlockFetchesTheNextBlocksWorkWithoutWaitingForANotification() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.txs = 0;
        SimNode n = sims.start(o);
        // notify:true, no ZMQ and a watchdog an hour away: nothing else can tell the generator of the new tip
        NodeTimeouts slowWatchdog = new NodeTimeouts(Nodes.FAST.quick(), Nodes.FAST.work(), Nodes.FAST.connect(),
                Duration.ofHours(1));
        gen = sims.generator(new GeneratorSettings(List.of(Nodes.btcdNotifying(n)), Nodes.ADDRESS, 100, 30, null,
                slowWatchdog));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        BlockFromTemplate good = BlockFromTemplate.fromTemplate(gen.getbase().get("template"));
        String hash = Hex.toRpc(good.build().hash());

        SubmitOutcome ok = gen.submitter().submit(good.hex(), hash, 1).get(20, TimeUnit.SECONDS);
        assertThat(ok.accepted()).isTrue();
        assertThat(Nodes.waitFor(() -> last().height() == 2, 3000)).as("next block's template").isTrue();
        assertThat(last().reason()).isEqualTo("newblock");
        assertThat(last().prevHash()).isEqualTo(hash);

        BlockFromTemplate greedy = BlockFromTemplate.fromTemplate(gen.getbase().get("template"));
        greedy.value += 1;
        int before = sims.templates.size();
        assertThat(gen.submitter().submit(greedy.hex(), null, -1).get(20, TimeUnit.SECONDS).accepted()).isFalse();
        assertThat(Await.holdsFor(300, () -> sims.templates.size() == before)).as("a rejected block changes nothing")
                .isTrue();
    }

    @Test
    void submitRetriesANodeThatDoesNotAnswer() throws Exception {
        SimNode a = sims.start();
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(a)), null));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        BlockFromTemplate good = BlockFromTemplate.fromTemplate(gen.getbase().get("template"));
        a.setMode(org.jckpool.simnode.rpc.FailureMode.HTTP500);
        var pending = gen.submitter().submit(good.hex(), null, -1);
        Thread.sleep(300); // the scenario: the node fails the submission for a while, the pool retries meanwhile
        a.setMode(org.jckpool.simnode.rpc.FailureMode.OK);
        SubmitOutcome ok = pending.get(20, TimeUnit.SECONDS);
        assertThat(ok.accepted()).isTrue();
        assertThat(ok.confirmed()).isTrue();
    }

    @Test
    void aBusyNodeIsAskedAgainUntilItTakesTheBlockNeverReportedAsARejection() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.txs = 0;
        SimNode a = sims.start(o);
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcdNotifying(a)), null));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        BlockFromTemplate good = BlockFromTemplate.fromTemplate(gen.getbase().get("template"));
        String hash = Hex.toRpc(good.build().hash());
        a.setMode(org.jckpool.simnode.rpc.FailureMode.BUSY); // 503 "Work queue depth exceeded" to every call
        var pending = gen.submitter().submit(good.hex(), hash, 1);
        assertThat(Nodes.waitFor(pending::isDone, 1500)).as("still asking the busy node").isFalse();
        a.setMode(org.jckpool.simnode.rpc.FailureMode.OK);
        SubmitOutcome ok = pending.get(20, TimeUnit.SECONDS);
        assertThat(ok.outcome()).isEqualTo("accepted");
        assertThat(a.chain().tip().rpcHash()).isEqualTo(hash);
        assertThat(gen.stats().get("blocks_rejected").asLong()).isZero();
    }

    @Test
    void aBlockLandsWhileOneOfTwoNodesAnswers503ForTenSecondsAndReachesThatNodeOnceItRecovers() throws Exception {
        SimNode a = emptyMempoolNode();
        SimNode b = emptyMempoolNode();
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcdNotifying(a), Nodes.btcdNotifying(b)), null));
        gen.start();
        assertThat(Nodes.waitFor(() -> !sims.templates.isEmpty(), 5000)).isTrue();
        BlockFromTemplate good = BlockFromTemplate.fromTemplate(gen.getbase().get("template"));
        String hash = Hex.toRpc(good.build().hash());
        a.setMode(org.jckpool.simnode.rpc.FailureMode.BUSY);
        long busyUntil = System.currentTimeMillis() + 10_000;
        SubmitOutcome ok = gen.submitter().submit(good.hex(), hash, 1).get(20, TimeUnit.SECONDS);
        assertThat(ok.outcome()).isEqualTo("accepted");
        assertThat(ok.node()).isEqualTo(Nodes.btcd(b).url());
        assertThat(b.chain().tip().rpcHash()).isEqualTo(hash);
        assertThat(a.chain().tip().height()).as("the busy node has not got it yet").isZero();

        Thread.sleep(Math.max(0, busyUntil - System.currentTimeMillis())); // the node's ten busy seconds
        a.setMode(org.jckpool.simnode.rpc.FailureMode.OK);
        assertThat(Nodes.waitFor(() -> a.chain().tip().rpcHash().equals(hash), 5_000))
                .as("the submission kept asking the busy node and it took the block").isTrue();
        assertThat(gen.stats().get("blocks_rejected").asLong()).isZero();
    }

    @Test
    void noNodeAnsweringIsALostBlockNotARejection() throws Exception {
        SimNode a = sims.start();
        SimNode b = sims.start();
        var nodes = new org.jckpool.generator.node.NodeManager(List.of(Nodes.btcd(a), Nodes.btcd(b)), null, Nodes.FAST);
        try (var submitter = new org.jckpool.generator.submit.BlockBroadcaster(nodes, 1_000)) {
            a.setMode(org.jckpool.simnode.rpc.FailureMode.BUSY);
            b.setMode(org.jckpool.simnode.rpc.FailureMode.HTTP500);
            SubmitOutcome o = submitter.submit("00", null, -1).get(20, TimeUnit.SECONDS);
            assertThat(o.outcome()).isEqualTo("lost");
            assertThat(o.accepted()).isFalse();
            assertThat(o.toJson().get("outcome").asText()).isEqualTo("lost");
            assertThat(submitter.lost()).isEqualTo(1);
            assertThat(submitter.rejected()).isZero();
        } finally {
            nodes.close();
        }
    }

    private FrameStream connectStratifier(BlockingQueue<JsonNode> in) throws Exception {
        return FrameStream.connect(dir.resolve("generator"), "stratifier", new FrameStream.Listener() {
            @Override
            public void onFrame(FrameStream stream, byte[] frame) {
                in.add(Json.parseOrNull(Frames.text(frame)));
            }
        });
    }

    private static JsonNode next(BlockingQueue<JsonNode> in, String method) throws Exception {
        return next(in, method, m -> true);
    }

    /**
     * The first message of {@code method} that matches, in arrival order. Messages passed over stay in the queue
     * for later calls (a template may arrive before the submit result that caused it).
     */
    private static JsonNode next(BlockingQueue<JsonNode> in, String method, java.util.function.Predicate<JsonNode> p)
            throws Exception {
        JsonNode[] found = new JsonNode[1];
        Await.until("a matching " + method + " message in " + in, 8000, () -> {
            for (JsonNode m : in) {
                if (m != null && method.equals(m.path("method").asText()) && p.test(m)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        in.remove(found[0]);
        return found[0];
    }

    private static java.util.function.Predicate<JsonNode> reason(String r) {
        return m -> r.equals(m.path("params").path("reason").asText());
    }

    @Test
    void stratifierStreamGetsTemplatesStatusAndSubmitResultsAndSurvivesReconnects() throws Exception {
        SimNode a = sims.start();
        SimNode b = sims.start();
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(a), Nodes.btcd(b)), null));
        dir = Files.createTempDirectory("gen");
        CommandTable commands = new CommandTable();
        gen.registerCommands(commands, null);
        server = ControlServer.open(dir.resolve("generator"), commands);
        server.onStream(gen.link());
        gen.start();

        BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        FrameStream s = connectStratifier(in);
        // the start checks may time out on a loaded machine (a status with no live node comes first): take the
        // status that has both nodes up
        JsonNode status = next(in, "node.status", m -> m.path("params").path("nodes").findValues("alive").stream()
                .filter(JsonNode::asBoolean).count() == 2);
        assertThat(status.get("params").get("active").asText()).isEqualTo(Nodes.btcd(a).url());
        assertThat(status.get("params").get("nodes")).hasSize(2);
        assertThat(status.get("params").get("nodes").get(1).get("alive").asBoolean()).isTrue();
        JsonNode tmpl = next(in, "template");
        assertThat(tmpl.get("params").get("reason").asText()).isEqualTo("start");
        assertThat(tmpl.get("params").get("node").asText()).isEqualTo(Nodes.btcd(a).url());
        assertThat(tmpl.get("params").get("template").get("height").asLong()).isEqualTo(1);

        s.send("{\"method\":\"update\"}");
        assertThat(next(in, "template", reason("update")).get("params").get("template").get("height").asLong())
                .isEqualTo(1);

        BlockFromTemplate good = BlockFromTemplate.fromTemplate(tmpl.get("params").get("template"));
        ObjectNode submit = Json.object();
        submit.put("method", "submitblock");
        submit.put("id", 7);
        submit.putObject("params").put("hex", good.hex()).put("hash", Hex.toRpc(good.build().hash()))
                .put("height", 1);
        s.send(Json.write(submit));
        JsonNode received = next(in, "submitblock.received");
        assertThat(received.get("id").asInt()).isEqualTo(7);
        assertThat(received.get("hash").asText()).isEqualTo(Hex.toRpc(good.build().hash()));
        JsonNode result = next(in, "submitblock.result");
        assertThat(result.get("id").asInt()).isEqualTo(7);
        assertThat(result.get("hash").asText()).isEqualTo(Hex.toRpc(good.build().hash()));
        assertThat(result.get("result").get("accepted").asBoolean()).isTrue();
        assertThat(result.get("result").get("reason").isNull()).isTrue();
        assertThat(result.get("result").get("confirmed").asBoolean()).isTrue();
        assertThat(result.get("result").get("node").asText()).isEqualTo(Nodes.btcd(a).url());
        // the accepted block is a new tip: a newblock template follows from the poll
        assertThat(next(in, "template", reason("newblock")).get("params").get("template").get("height").asLong())
                .isEqualTo(2);

        s.send("not json");
        s.send("{\"method\":\"nonsense\",\"id\":3}");
        assertThat(next(in, "error").get("id").asInt()).isEqualTo(3);

        // the stratifier goes away and comes back: it gets the status and the last template at once. The failover
        // to b and b's first template are two steps (the template is fetched after the switch): the greeting carries
        // whichever template is in hand, so wait for b's before reconnecting
        s.close();
        a.close();
        String bUrl = Nodes.btcd(b).url();
        Await.until("the generator to see the stratifier go, fail over to node b and fetch b's template",
                () -> gen.link().connected() == 0 && gen.nodes().active() != null
                        && gen.nodes().active().url().equals(bUrl) && gen.fetcher().current().node().equals(bUrl));
        BlockingQueue<JsonNode> in2 = new LinkedBlockingQueue<>();
        FrameStream s2 = connectStratifier(in2);
        JsonNode status2 = next(in2, "node.status");
        assertThat(status2.get("params").get("active").asText()).isEqualTo(Nodes.btcd(b).url());
        JsonNode again = next(in2, "template");
        assertThat(again.get("params").get("node").asText()).isEqualTo(Nodes.btcd(b).url());
        s2.close();

        // control requests: update (text, no reply), getbase and stats (JSON)
        assertThat(ControlClient.request(dir.resolve("generator"), "update", 2000)).isEmpty();
        JsonNode base = Json.parseOrNull(ControlClient.request(dir.resolve("generator"),
                "{\"method\":\"getbase\"}", 2000).orElseThrow());
        assertThat(base.get("template").get("previousblockhash").asText()).isNotEmpty();
        JsonNode stats = Json.parseOrNull(ControlClient.request(dir.resolve("generator"),
                "{\"method\":\"stats\"}", 2000).orElseThrow());
        assertThat(stats.get("active").asText()).isEqualTo(Nodes.btcd(b).url());
        assertThat(stats.get("nodes_alive").asInt()).isEqualTo(1);
        assertThat(stats.get("blocks_accepted").asLong()).isEqualTo(1);
    }

    @Test
    void aBlockSentAgainWhileItIsBeingSubmittedIsAcknowledgedAndSubmittedOnce() throws Exception {
        SimNode a = sims.start();
        gen = sims.generator(Nodes.settings(List.of(Nodes.btcd(a)), null));
        dir = Files.createTempDirectory("gen");
        server = ControlServer.open(dir.resolve("generator"), new CommandTable());
        server.onStream(gen.link());
        gen.start();
        BlockingQueue<JsonNode> in = new LinkedBlockingQueue<>();
        FrameStream s = connectStratifier(in);
        JsonNode tmpl = next(in, "template");
        BlockFromTemplate good = BlockFromTemplate.fromTemplate(tmpl.get("params").get("template"));
        String hash = Hex.toRpc(good.build().hash());

        a.setMode(org.jckpool.simnode.rpc.FailureMode.BUSY); // the submission cannot complete yet
        for (int id : new int[] {1, 2}) {
            ObjectNode submit = Json.object();
            submit.put("method", "submitblock");
            submit.put("id", id);
            submit.putObject("params").put("hex", good.hex()).put("hash", hash).put("height", 1);
            s.send(Json.write(submit));
            assertThat(next(in, "submitblock.received").get("id").asInt()).isEqualTo(id);
        }
        a.setMode(org.jckpool.simnode.rpc.FailureMode.OK);
        JsonNode r1 = next(in, "submitblock.result");
        JsonNode r2 = next(in, "submitblock.result");
        assertThat(List.of(r1.get("id").asInt(), r2.get("id").asInt())).containsExactlyInAnyOrder(1, 2);
        assertThat(r1.get("result").get("outcome").asText()).isEqualTo("accepted");
        assertThat(r2.get("result").get("outcome").asText()).isEqualTo("accepted");
        assertThat(gen.submitter().submitted()).isEqualTo(1);
        s.close();
    }
}
