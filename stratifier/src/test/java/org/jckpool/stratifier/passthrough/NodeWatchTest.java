package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.json.Json;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.engine.ManualClock;
import org.jckpool.stratifier.engine.RecordingOutbound;
import org.jckpool.stratifier.engine.StratumEngine;
import org.jckpool.stratifier.engine.Vectors;
import org.jckpool.stratifier.link.ClientEvents;
import org.jckpool.stratifier.link.NodeWorkPublisher;
import org.jckpool.stratifier.link.PassthroughLinks;
import org.jckpool.stratifier.share.SolutionOutcome;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node's block rebuild from an upstream workinfo and a share, on docs/PROTOCOL.md vectors (g) (a whole regtest
 * block that meets its target) and (c) (a witness coinbase, transactions, version rolling), and the watch that
 * feeds it from the lines a node relays.
 */
class NodeWatchTest {
    /** Vector (g): the submitblock payload and its hash. */
    static final String G_BLOCK = "0000002006226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f"
            + "29f6f0c30954b0433d405e5eb50241840b2aacbcf5796c39f4c39ffc980abceb00f15365ffff7f20000000000102000000000101"
            + "0000000000000000000000000000000000000000000000000000000000000000ffffffff1251072f4a506f6f6c2f088d3b5a1c"
            + "00000001feffffff0200f2052a01000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24"
            + "aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9012000000000000000000000000000"
            + "0000000000000000000000000000000000000000000000";
    static final String G_HASH = "50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600";

    /** A workinfo as ckpool's send_node_workinfo writes it, for vector (g). */
    static String workinfoG(long jobId) {
        ObjectNode o = Json.object();
        o.put("jobid", jobId);
        o.put("target", "7fffff0000000000000000000000000000000000000000000000000000000000");
        o.put("diff", 4.6565423739069247e-10);
        o.put("version", 536870912);
        o.put("curtime", 1700000000);
        o.put("prevhash", StratumEncoding.prevHash(
                Hex.fromRpc("0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206")));
        o.put("ntime", "6553f100");
        o.put("bbversion", "20000000");
        o.put("nbit", "207fffff");
        o.put("coinbasevalue", 5000000000L);
        o.put("height", 1);
        o.put("flags", "");
        o.put("txns", 0);
        o.put("txn_hashes", "");
        o.put("merkles", 0);
        o.putArray("merklehash");
        o.put("coinb1", "02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff1251072f4a50"
                + "6f6f6c2f08");
        o.put("enonce1varlen", 4);
        o.put("enonce2varlen", 4);
        o.put("coinb1len", 50);
        o.put("coinb2len", 89);
        o.put("coinb2", "feffffff0200f2052a01000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24"
                + "aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf900000000");
        o.put("node.method", "workinfo");
        return Json.write(o);
    }

    /** Vector (c) as a workinfo: witness coinbase, three transactions, a two-level branch. */
    static String workinfoC() {
        ObjectNode o = (ObjectNode) Json.parseOrNull(workinfoG(0x1f));
        o.put("prevhash", "48d12fc652e38479ff9c03b4236097d448050f15000251eb0000000000000000");
        o.put("ntime", "662307b7");
        o.put("nbit", "17034219");
        o.put("height", 840000);
        o.put("txns", 3);
        o.put("txn_hashes", "1f93b34ff74ec41a4c248c585b219f9dbdf391247d903cd19ee07b20dd876caf "
                + "0b518211cd10ce735c8032510d62331594f2f7b08b22e23217e680fff5d67c8e "
                + "280a6d12a976863c69bed2f13dea4ad73c2a650d3cd3e3db25f33f0df02ca539 ");
        o.put("merkles", 2);
        o.putArray("merklehash").add("af6c87dd207be09ed13c907d2491f3bd9d9f215b588c244c1ac44ef74fb3931f")
                .add("d4d15a484edf09e8d7117fb7012086a84a4e0deb4ea4f9d58563fe1f34e653b1");
        o.put("coinb1", "02000000010000000000000000000000000000000000000000000000000000000000000000ffffffff150340d10c07"
                + "2f4a506f6f6c2f08");
        o.put("coinb2", "feffffff02a735b31200000000160014751e76e8199196d454941c45d1b3a323f1433bd6000000000000000026"
                + "6a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288eced3143843fd10c00");
        return Json.write(o);
    }

    private static NodeWorkinfo parse(String line) {
        return NodeWorkinfo.parse(Json.parseOrNull(line));
    }

    @Test
    void vectorG_theRebuiltBlockIsTheSubmitblockPayloadByteForByte() {
        BlockRebuild b = BlockRebuild.of(parse(workinfoG(5)), Hex.decode("8d3b5a1c"), Hex.decode("00000001"),
                0x6553f100L, 0, 0x20000000L);
        assertThat(b.meetsNetworkTarget()).isTrue();
        assertThat(b.blockHashRpc()).isEqualTo(G_HASH);
        assertThat(b.blockHex(List.of())).isEqualTo(G_BLOCK);
    }

    @Test
    void vectorC_headerWithRolledVersionWitnessCoinbaseAndTransactions() {
        BlockRebuild b = BlockRebuild.of(parse(workinfoC()), Hex.decode("8d3b5a1c"), Hex.decode("0000002b"),
                0x662307b7L, 0x7bec501eL, 0x20a00000L);
        assertThat(Hex.encode(b.header())).isEqualTo("0000a020c62fd1487984e352b4039cffd4976023150f0548eb51020000000000"
                + "00000000c77a0cd12ea8c4acd45750b2372bd0b39cbc2e00f7ea63fd5337c1e54ce0abb6b707236619420317"
                + "1e50ec7b");
        assertThat(Hex.encode(b.hash())).isEqualTo("91795cbb4cf9334fd34862a251b44e1e27f7a24478bf52cbcd3be0b300000000");
        assertThat(b.meetsNetworkTarget()).as("above the network target of 17034219").isFalse();
        String block = b.blockHex(List.of("aa", "bb", "cc"));
        assertThat(block).isEqualTo(Hex.encode(b.header()) + "04"
                + "020000000001010000000000000000000000000000000000000000000000000000000000000000ffffffff150340d10c"
                + "072f4a506f6f6c2f088d3b5a1c0000002bfeffffff02a735b31200000000160014751e76e8199196d454941c45d1b3a3"
                + "23f1433bd60000000000000000266a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288ec"
                + "ed314384012000000000000000000000000000000000000000000000000000000000000000003fd10c00"
                + "aabbcc");
    }

    @Test
    void anExtranonce2OfTheWrongLengthIsCutOrPaddedAsCkpoolDoes() {
        NodeWorkinfo w = parse(workinfoG(5));
        BlockRebuild longer = BlockRebuild.of(w, Hex.decode("8d3b5a1c"), Hex.decode("00000001ff"), 0x6553f100L, 0,
                0x20000000L);
        assertThat(longer.blockHashRpc()).isEqualTo(G_HASH);
    }

    @Test
    void aWorkinfoMissingAFieldOrWithTooFewHashesIsRefusedByName() {
        ObjectNode o = (ObjectNode) Json.parseOrNull(workinfoC());
        o.remove("coinb2");
        assertThatThrownBy(() -> NodeWorkinfo.parse(o)).hasMessageContaining("coinb2");
        ObjectNode p = (ObjectNode) Json.parseOrNull(workinfoC());
        p.put("txns", 4);
        assertThatThrownBy(() -> NodeWorkinfo.parse(p)).hasMessageContaining("txns 4");
    }

    /** Records what would go to the node's bitcoind; runs its work inline. */
    static final class RecordingSubmitter extends NodeBlockSubmitter {
        final List<String> blocks = new ArrayList<>();

        @Override
        void execute(Runnable r) {
            r.run();
        }

        @Override
        void submit(long height, String hash, String blockHex, String worker) {
            blocks.add(height + " " + hash + " " + worker + " " + blockHex);
        }

        @Override
        String rawTransaction(String txid) {
            return null;
        }
    }

    final RecordingSubmitter submitter = new RecordingSubmitter();
    final NodeWatch watch = new NodeWatch(submitter);
    final ClientRoutes.Route miner = new ClientRoutes.Route(11, 3, "10.0.0.3", 0);

    private void subscribed(String enonce1) {
        watch.fromMiner(miner, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"cgminer/4.11\"]}");
        watch.toMiner(miner, "{\"id\":1,\"result\":[[[\"mining.set_difficulty\",\"" + enonce1 + "\"],[\"mining.notify\",\""
                + enonce1 + "\"]],\"" + enonce1 + "\",4],\"error\":null}");
        watch.fromMiner(miner, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"u.rig\",\"x\"]}");
    }

    @Test
    void aMinersShareThatSolvesABlockIsSubmittedToTheNodeOnceFromTheUpstreamsWorkinfo() {
        assertThat(watch.fromUpstream(workinfoG(0x2a))).isTrue();
        subscribed("8d3b5a1c");
        String submit = "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"u.rig\",\"2a\",\"00000001\",\"6553f100\","
                + "\"00000000\"]}";
        watch.fromMiner(miner, submit);
        watch.fromMiner(miner, submit);
        assertThat(submitter.blocks).containsExactly("1 " + G_HASH + " u.rig " + G_BLOCK);
    }

    @Test
    void sharesThatSolveNothingOrNameAnUnknownJobAreNotSubmitted() {
        watch.fromUpstream(workinfoC());
        subscribed("8d3b5a1c");
        // vector (c)'s share: difficulty 1.42, far above the network target of 17034219
        watch.fromMiner(miner, "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"u.rig\",\"1f\",\"0000002b\","
                + "\"662307b7\",\"7bec501e\",\"00a00000\"]}");
        watch.fromMiner(miner, "{\"id\":5,\"method\":\"mining.submit\",\"params\":[\"u.rig\",\"99\",\"00000001\","
                + "\"6553f100\",\"00000000\"]}");
        assertThat(submitter.blocks).isEmpty();
        ObjectNode stats = Json.object();
        watch.stats(stats);
        assertThat(stats.path("node").path("shares_checked").asLong()).isEqualTo(2);
        assertThat(stats.path("node").path("unknown_jobs").asLong()).isEqualTo(1);
        assertThat(stats.path("node").path("blocks_found").asLong()).isZero();
        assertThat(stats.path("mode").asText()).isEqualTo("node");
    }

    @Test
    void aBlockWhoseTransactionsTheNodeLacksIsNotSubmittedButLogged() {
        // vector (c) under regtest's target, which its share's hash meets; the node has none of its transactions
        ObjectNode o = (ObjectNode) Json.parseOrNull(workinfoC());
        o.put("nbit", "207fffff");
        watch.fromUpstream(Json.write(o));
        subscribed("8d3b5a1c");
        watch.fromMiner(miner, "{\"id\":4,\"method\":\"mining.submit\",\"params\":[\"u.rig\",\"1f\",\"0000002b\","
                + "\"662307b7\",\"7bec501e\"]}");
        assertThat(submitter.blocks).isEmpty();
        ObjectNode stats = Json.object();
        watch.stats(stats);
        assertThat(stats.path("node").path("blocks_incomplete").asLong()).isEqualTo(1);
    }

    @Test
    void linesWithoutANodeMethodAreNotTheWatchs() {
        assertThat(watch.fromUpstream("{\"id\":null,\"method\":\"mining.notify\",\"params\":[]}")).isFalse();
        assertThat(watch.fromUpstream("not json")).isFalse();
        assertThat(watch.fromUpstream("{\"jobid\":1,\"node.method\":\"workinfo\"}")).isTrue(); // bad: counted
        ObjectNode stats = Json.object();
        watch.stats(stats);
        assertThat(stats.path("node").path("bad_workinfos").asLong()).isEqualTo(1);
    }

    /**
     * Both sides in one: a jckpool engine on vector (g)'s template with a node linked; a miner of the pool's own
     * solves the block; what the node link received (transactions, workinfo, block) fed to a node's watch rebuilds
     * the very payload the pool submits.
     */
    @Test
    void thePoolsBlockMessageLetsTheNodeSubmitTheSameBlock() {
        RecordingOutbound out = new RecordingOutbound();
        StratumEngine[] engine = new StratumEngine[1];
        PassthroughLinks[] links = new PassthroughLinks[1];
        ClientEvents events = new ClientEvents() {
            @Override
            public void connected(long id, String address, int serverIndex) {
                engine[0].onConnect(id, address, serverIndex);
            }

            @Override
            public void line(long id, String line) {
                if (!links[0].line(id, line)) {
                    engine[0].onLine(id, line);
                }
            }

            @Override
            public void disconnected(long id, String reason) {
                links[0].disconnected(id);
                engine[0].onDisconnect(id, reason);
            }
        };
        links[0] = new PassthroughLinks(out, events);
        var cfg = EngineConfig.of(Vectors.work(),
                new VardiffConfig(1e-12, 42, 0), 0x1fffe000, false,
                Hex.decode(Vectors.P2WPKH),
                Vectors.REGTEST_RESOLVER);
        engine[0] = new StratumEngine(cfg, links[0],
                b -> SolutionOutcome.SUBMITTED,
                new ManualClock(1_700_000_010_000L),
                Vectors.EN1);
        var publisher = new NodeWorkPublisher(links[0],
                Hex.decode(Vectors.P2WPKH));
        links[0].nodes(Set.of(1), publisher::nodeAdded);
        engine[0].jobObserver(publisher::job);
        engine[0].solvedObserver(publisher::blockSolved);
        events.connected(50, "192.0.2.50", 1);
        events.line(50, "{\"method\":\"mining.node\",\"params\":[\"ckpool/0.9.9\"]}");
        engine[0].onTemplate(Vectors.templateG());

        events.connected(1, "10.0.0.1", 0);
        events.line(1, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}");
        String w = Vectors.REGTEST_ADDR + ".w";
        events.line(1, "{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" + w + "\",\"x\"]}");
        String job = out.lastMethod(1, "mining.notify").path("params").path(0).asText();
        events.line(1, "{\"id\":3,\"method\":\"mining.submit\",\"params\":[\"" + w + "\",\"" + job
                + "\",\"00000001\",\"6553f100\",\"00000000\"]}");

        List<String> toNode = out.log.stream().filter(l -> l.startsWith("50 ")).map(l -> l.substring(3)).toList();
        String block = toNode.get(toNode.size() - 1);
        assertThat(block).startsWith("{\"node.method\":\"block\",\"enonce1\":\"8d3b5a1c\",\"nonce\":\"00000000\","
                + "\"nonce2\":\"00000001\",\"ntime32\":1700000000,\"jobid\":" + Long.parseLong(job, 16) + ",\"diff\":");
        assertThat(Json.parseOrNull(block).has("version")).as("no rolled bits: ckpool's form exactly").isFalse();
        for (String l : toNode.subList(1, toNode.size())) {
            assertThat(watch.fromUpstream(l)).as(l).isTrue();
        }
        assertThat(submitter.blocks).containsExactly("1 " + G_HASH + " upstream " + G_BLOCK);
    }

    @Test
    void theNodeLinksWithCkpoolsMiningNode() {
        assertThat(watch.handshake()).isEqualTo("{\"method\":\"mining.node\",\"params\":[\"jckpool/0.1\"]}");
        assertThat(Json.parseOrNull(watch.handshake()).has("id")).as("ckpool's node_stratum sends no id").isFalse();
    }
}
