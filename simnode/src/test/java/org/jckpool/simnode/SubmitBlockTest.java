package org.jckpool.simnode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.bitcoin.Script;
import org.jckpool.libpool.bitcoin.Witness;
import org.jckpool.simnode.chain.RegtestGenesis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pool's round trip against the simulated node, and every way a block can be wrong, with Core's answers. */
class SubmitBlockTest {
    /** docs/PROTOCOL.md vector (g): accepted by Bitcoin Core v31 on a fresh regtest chain. */
    static final String VECTOR_G = "0000002006226e46111a0b59caaf126043eb5bbf28c34f3a5e332a1fc7b2b73cf188910f29f6f0c30954b0433d405e5e"
            + "b50241840b2aacbcf5796c39f4c39ffc980abceb00f15365ffff7f200000000001020000000001010000000000000000"
            + "000000000000000000000000000000000000000000000000ffffffff1251072f4a506f6f6c2f088d3b5a1c00000001fe"
            + "ffffff0200f2052a01000000160014751e76e8199196d454941c45d1b3a323f1433bd60000000000000000266a24aa21"
            + "a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf90120000000000000000000000000"
            + "000000000000000000000000000000000000000000000000";

    private SimNode node;
    private RpcTestClient rpc;

    private void start(int txs, long fixedTime) throws Exception {
        start(txs, fixedTime, org.jckpool.simnode.chain.Consensus.REGTEST_BITS);
    }

    private void start(int txs, long fixedTime, long bits) throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.bits = bits;
        o.rpcUser = "user";
        o.rpcPassword = "pass";
        o.txs = txs;
        o.fixedTime = fixedTime;
        o.seed = 42;
        node = new SimNode(o);
        int port = node.start();
        rpc = new RpcTestClient("http://127.0.0.1:" + port, "user", "pass");
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private JsonNode template() throws Exception {
        return rpc.call("getblocktemplate", Map.of("rules", List.of("segwit")));
    }

    private JsonNode submit(String hex) throws Exception {
        return rpc.call("submitblock", hex);
    }

    private String submitVariant(Consumer<BlockFromTemplate> breakIt) throws Exception {
        BlockFromTemplate b = BlockFromTemplate.fromTemplate(template());
        breakIt.accept(b);
        JsonNode result = submit(b.hex());
        return result.isNull() ? null : result.asText();
    }

    @Test
    void freshNodeStartsAtRegtestGenesisAndAcceptsVectorG() throws Exception {
        start(3, 1_700_000_000L);
        assertThat(rpc.call("getbestblockhash").asText()).isEqualTo(RegtestGenesis.HASH);
        assertThat(rpc.call("getblockcount").asLong()).isZero();
        assertThat(rpc.call("getblockhash", 0).asText()).isEqualTo(RegtestGenesis.HASH);

        assertThat(submit(VECTOR_G).isNull()).isTrue();
        assertThat(rpc.call("getbestblockhash").asText())
                .isEqualTo("50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600");
        assertThat(rpc.call("getblockcount").asLong()).isEqualTo(1);
        assertThat(submit(VECTOR_G).asText()).isEqualTo("duplicate");

        JsonNode block = rpc.call("getblock", "50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600", 1);
        assertThat(block.get("weight").asInt()).isEqualTo(948);
        assertThat(block.get("height").asInt()).isEqualTo(1);
        assertThat(block.get("previousblockhash").asText()).isEqualTo(RegtestGenesis.HASH);
        assertThat(block.get("tx").get(0).asText())
                .isEqualTo("ebbc0a98fc9fc3f4396c79f5bcac2a0b844102b55e5e403d43b05409c3f0f629");
        assertThat(rpc.call("getblock", "50b98f66728b0ac862ef734bcb889000ef3df51dec16ca9c21d35c570dcf5600", 0).asText())
                .isEqualTo(VECTOR_G);
    }

    @Test
    void vectorGWithoutCoinbaseWitnessIsAcceptedAsCoreFillsTheNonce() throws Exception {
        start(0, 1_700_000_000L);
        assertThat(template().get("default_witness_commitment").asText())
                .isEqualTo("6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9");
        Block g = Block.parse(Hex.decode(VECTOR_G));
        String stripped = Hex.encode(g.serialize(false));
        assertThat(submit(stripped).isNull()).isTrue();
        assertThat(rpc.call("getblockcount").asLong()).isEqualTo(1);
    }

    @Test
    void templateHasCoreFields() throws Exception {
        start(4, 0);
        JsonNode t = template();
        assertThat(t.get("version").asLong()).isEqualTo(0x20000000L);
        assertThat(t.get("previousblockhash").asText()).isEqualTo(RegtestGenesis.HASH);
        assertThat(t.get("height").asLong()).isEqualTo(1);
        assertThat(t.get("bits").asText()).isEqualTo("207fffff");
        assertThat(t.get("target").asText())
                .isEqualTo("7fffff0000000000000000000000000000000000000000000000000000000000");
        assertThat(t.get("transactions")).hasSize(4);
        long fees = 0;
        boolean anySegwit = false;
        for (JsonNode tx : t.get("transactions")) {
            assertThat(tx.get("depends").isArray()).isTrue();
            assertThat(tx.get("fee").asLong()).isPositive();
            assertThat(tx.get("weight").asInt()).isPositive();
            assertThat(tx.has("sigops")).isTrue();
            fees += tx.get("fee").asLong();
            anySegwit |= !tx.get("txid").asText().equals(tx.get("hash").asText());
        }
        assertThat(anySegwit).isTrue();
        assertThat(t.get("coinbasevalue").asLong()).isEqualTo(5_000_000_000L + fees);
        assertThat(t.get("mintime").asLong()).isEqualTo(1296688603L);
        assertThat(t.get("curtime").asLong()).isGreaterThanOrEqualTo(t.get("mintime").asLong());
        assertThat(t.get("default_witness_commitment").asText()).startsWith("6a24aa21a9ed").hasSize(76);
        assertThat(t.get("rules").toString()).contains("!segwit");
        for (String key : List.of("vbavailable", "vbrequired", "longpollid", "mutable", "noncerange", "sigoplimit",
                "sizelimit", "weightlimit", "capabilities", "coinbaseaux")) {
            assertThat(t.has(key)).as(key).isTrue();
        }

        JsonNode noRules = rpc.callRaw("getblocktemplate");
        assertThat(noRules.get("error").get("code").asInt()).isEqualTo(-8);
        assertThat(noRules.get("error").get("message").asText())
                .startsWith("getblocktemplate must be called with the segwit rule set");
        JsonNode emptyRules = rpc.callRaw("getblocktemplate", Map.of("rules", List.of()));
        assertThat(emptyRules.get("error").get("code").asInt()).isEqualTo(-8);
    }

    @Test
    void harderBitsAreTemplatedEnforcedAndMineable() throws Exception {
        start(2, 0, 0x1f00ffffL);
        JsonNode t = template();
        assertThat(t.get("bits").asText()).isEqualTo("1f00ffff");
        assertThat(t.get("target").asText()).startsWith("0000ffff");
        assertThat(rpc.call("getmininginfo").get("bits").asText()).isEqualTo("1f00ffff");

        assertThat(submitVariant(b -> b.bits = 0x207fffffL)).isEqualTo("bad-diffbits");
        BlockFromTemplate ok = BlockFromTemplate.fromTemplate(template());
        Block block = ok.build();
        assertThat(Target.meets(block.hash(), Target.fromCompact(0x1f00ffffL))).isTrue();
        assertThat(submit(Hex.encode(block.serialize(true))).isNull()).isTrue();
        assertThat(rpc.call("getblockcount").asLong()).isEqualTo(1);
    }

    @Test
    void roundTripWithTemplateTransactionsThenMempoolRefills() throws Exception {
        start(5, 0);
        JsonNode t = template();
        List<String> templateTxids = new ArrayList<>();
        t.get("transactions").forEach(tx -> templateTxids.add(tx.get("txid").asText()));
        BlockFromTemplate b = BlockFromTemplate.fromTemplate(t);
        Block block = b.build();
        assertThat(submit(Hex.encode(block.serialize(true))).isNull()).isTrue();
        String tip = rpc.call("getbestblockhash").asText();
        assertThat(tip).isEqualTo(Hex.toRpc(block.hash())).isNotEqualTo(RegtestGenesis.HASH);
        assertThat(rpc.call("getblockcount").asLong()).isEqualTo(1);

        JsonNode next = template();
        assertThat(next.get("previousblockhash").asText()).isEqualTo(tip);
        assertThat(next.get("height").asLong()).isEqualTo(2);
        assertThat(next.get("transactions")).hasSize(5);
        next.get("transactions").forEach(tx -> assertThat(templateTxids).doesNotContain(tx.get("txid").asText()));
        assertThat(rpc.call("getrawmempool").size()).isEqualTo(5);

        JsonNode header = rpc.call("getblockheader", tip);
        assertThat(header.get("confirmations").asInt()).isEqualTo(1);
        assertThat(header.get("nTx").asInt()).isEqualTo(6);

        // the block's transactions are spent now: a second block with them is invalid
        BlockFromTemplate again = BlockFromTemplate.fromTemplate(next);
        again.rawTxs = b.rawTxs;
        again.commitmentScript = Hex.decode(t.get("default_witness_commitment").asText());
        again.value = Script.bip34Height(1).length; // far below the subsidy; amount is not the problem
        assertThat(submit(again.hex()).asText()).isEqualTo("bad-txns-inputs-missingorspent");
    }

    @Test
    void brokenBlocksGetCoreRejectReasons() throws Exception {
        start(2, 0);
        assertThat(submitVariant(b -> b.merkleRootOverride = new byte[32])).isEqualTo("bad-txnmrklroot");
        assertThat(submitVariant(b -> b.commitmentScript = Witness.commitmentScript(new byte[32])))
                .isEqualTo("bad-witness-merkle-match");
        assertThat(submitVariant(b -> b.coinbaseWitness = List.of(new byte[31]))).isEqualTo("bad-witness-nonce-size");
        assertThat(submitVariant(b -> b.coinbaseWitness = List.of(new byte[32], new byte[32])))
                .isEqualTo("bad-witness-nonce-size");
        assertThat(submitVariant(b -> b.commitmentScript = null)).isEqualTo("unexpected-witness");
        assertThat(submitVariant(b -> b.scriptSigOverride = BlockFromTemplate.concat(Script.bip34Height(2), new byte[] {0})))
                .isEqualTo("bad-cb-height");
        assertThat(submitVariant(b -> b.scriptSigOverride = BlockFromTemplate.concat(Script.bip34Height(1), new byte[100])))
                .isEqualTo("bad-cb-length");
        assertThat(submitVariant(b -> b.scriptSigOverride = Script.bip34Height(1))).isEqualTo("bad-cb-length");
        assertThat(submitVariant(b -> b.bits = 0x207ffffeL)).isEqualTo("bad-diffbits");
        assertThat(submitVariant(b -> b.time = 1296688602L)).isEqualTo("time-too-old");
        assertThat(submitVariant(b -> b.time = System.currentTimeMillis() / 1000 + 7300)).isEqualTo("time-too-new");
        assertThat(submitVariant(b -> b.version = 3)).isEqualTo("bad-version(0x00000003)");
        assertThat(submitVariant(b -> b.prevHash = Hex.decode("11".repeat(32)))).isEqualTo("prev-blk-not-found");
        assertThat(submitVariant(b -> b.rawTxs.add(b.rawTxs.get(b.rawTxs.size() - 1))))
                .isEqualTo("bad-txns-duplicate");

        BlockFromTemplate highHash = BlockFromTemplate.fromTemplate(template());
        assertThat(submit(Hex.encode(highHash.build(false).serialize(true))).asText()).isEqualTo("high-hash");

        // a coinbase claiming one satoshi too many is invalid, and stays known as invalid
        BlockFromTemplate greedy = BlockFromTemplate.fromTemplate(template());
        greedy.value += 1;
        String greedyHex = greedy.hex();
        assertThat(submit(greedyHex).asText()).isEqualTo("bad-cb-amount");
        assertThat(submit(greedyHex).asText()).isEqualTo("duplicate-invalid");
        BlockFromTemplate child = BlockFromTemplate.fromTemplate(template());
        child.prevHash = Block.parse(Hex.decode(greedyHex)).hash();
        child.height = 2;
        child.rawTxs = List.of();
        child.value = 5_000_000_000L;
        child.commitmentScript = Witness.commitmentScript(Witness.commitmentHash(List.of()));
        child.time += 1;
        assertThat(submit(child.hex()).asText()).isEqualTo("bad-prevblk");

        // a wrong BIP34 height is remembered as invalid too; mutations are not
        BlockFromTemplate wrongHeight = BlockFromTemplate.fromTemplate(template());
        wrongHeight.scriptSigOverride = BlockFromTemplate.concat(Script.bip34Height(7), new byte[] {0});
        String wrongHeightHex = wrongHeight.hex();
        assertThat(submit(wrongHeightHex).asText()).isEqualTo("bad-cb-height");
        assertThat(submit(wrongHeightHex).asText()).isEqualTo("duplicate-invalid");

        assertThat(rpc.call("getblockcount").asLong()).isZero();
        assertThat(submitVariant(b -> { })).isNull();
        assertThat(rpc.call("getblockcount").asLong()).isEqualTo(1);
    }

    @Test
    void undecodableBlockIsAnRpcError() throws Exception {
        start(0, 0);
        for (String bad : List.of("zz", "00", "0000002006", "")) {
            JsonNode reply = rpc.callRaw("submitblock", bad);
            assertThat(reply.get("result").isNull()).isTrue();
            assertThat(reply.get("error").get("code").asInt()).isEqualTo(-22);
            assertThat(reply.get("error").get("message").asText()).isEqualTo("Block decode failed");
        }
    }

    @Test
    void staleAndCompetingBlocksFollowCoreForkChoice() throws Exception {
        start(1, 0);
        JsonNode t1 = template();
        BlockFromTemplate a = BlockFromTemplate.fromTemplate(t1);
        Block blockA = a.build();
        assertThat(submit(Hex.encode(blockA.serialize(true))).isNull()).isTrue();

        // competitor at the same height on genesis: valid, stored, not the tip
        BlockFromTemplate b = BlockFromTemplate.fromTemplate(t1);
        b.extranonce = Hex.decode("00000000000000bb");
        Block blockB = b.build();
        assertThat(submit(Hex.encode(blockB.serialize(true))).asText()).isEqualTo("inconclusive");
        assertThat(submit(Hex.encode(blockB.serialize(true))).asText()).isEqualTo("duplicate");
        assertThat(rpc.call("getbestblockhash").asText()).isEqualTo(Hex.toRpc(blockA.hash()));
        assertThat(rpc.call("getblockheader", Hex.toRpc(blockB.hash())).get("confirmations").asInt()).isEqualTo(-1);

        // preciousblock switches to the equal-work competitor
        rpc.call("preciousblock", Hex.toRpc(blockB.hash()));
        assertThat(rpc.call("getbestblockhash").asText()).isEqualTo(Hex.toRpc(blockB.hash()));
        rpc.call("preciousblock", Hex.toRpc(blockA.hash()));
        assertThat(rpc.call("getbestblockhash").asText()).isEqualTo(Hex.toRpc(blockA.hash()));

        // a child of B gives B's branch more work: reorg, and the child is accepted
        BlockFromTemplate c = new BlockFromTemplate();
        c.height = 2;
        c.value = 5_000_000_000L;
        c.commitmentScript = Witness.commitmentScript(Witness.commitmentHash(List.of()));
        c.prevHash = blockB.hash();
        c.time = blockB.header().time() + 1;
        c.bits = 0x207fffffL;
        c.version = 0x20000000;
        Block blockC = c.build();
        assertThat(submit(Hex.encode(blockC.serialize(true))).isNull()).isTrue();
        assertThat(rpc.call("getbestblockhash").asText()).isEqualTo(Hex.toRpc(blockC.hash()));
        assertThat(rpc.call("getblockhash", 1).asText()).isEqualTo(Hex.toRpc(blockB.hash()));
        // A's transaction went back to the mempool after the reorg, unless B had it too
        assertThat(rpc.call("getrawmempool").size()).isGreaterThanOrEqualTo(1);

        // a block on the old tip A is now stale
        BlockFromTemplate stale = BlockFromTemplate.fromTemplate(t1);
        stale.height = 2;
        stale.prevHash = blockA.hash();
        stale.rawTxs = List.of();
        stale.value = 5_000_000_000L;
        stale.commitmentScript = Witness.commitmentScript(Witness.commitmentHash(List.of()));
        stale.time = blockA.header().time() + 1;
        assertThat(submit(stale.hex()).asText()).isEqualTo("inconclusive");
    }

    @Test
    void proposalModeChecksWithoutStoring() throws Exception {
        start(1, 0);
        BlockFromTemplate b = BlockFromTemplate.fromTemplate(template());
        String hex = b.hex();
        JsonNode ok = rpc.call("getblocktemplate", Map.of("mode", "proposal", "data", hex));
        assertThat(ok.isNull()).isTrue();
        b.value += 1;
        assertThat(rpc.call("getblocktemplate", Map.of("mode", "proposal", "data", b.hex())).asText())
                .isEqualTo("bad-cb-amount");
        assertThat(rpc.call("getblockcount").asLong()).isZero();
    }
}
