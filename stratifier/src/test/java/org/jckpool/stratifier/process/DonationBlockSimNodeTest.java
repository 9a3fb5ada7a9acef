package org.jckpool.stratifier.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.suite.config.ConfigLoader;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;
import org.jckpool.simnode.SimNode;
import org.jckpool.simnode.SimNodeOptions;
import org.jckpool.stratifier.engine.EngineConfig;
import org.jckpool.stratifier.engine.EngineHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * End to end without processes: the simulated node's template → ckpool.conf with donation/donaddress →
 * EngineSettings → engine → a miner solves a block → the simulated node validates it (coinbase amount ≤ subsidy
 * + fees, witness commitment, BIP34 height) and takes it as its new tip.
 */
class DonationBlockSimNodeTest {
    static final long NODE_TIME = 1_700_000_000L;
    static final String POOL_ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    static final String DONADDRESS = "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt";
    static final String DONATION_SCRIPT = "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac";
    static final double PERCENT = 1.5;

    private SimNode node;
    private BitcoinRpcClient rpc;

    @BeforeEach
    void startNode() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.rpcUser = "user";
        o.rpcPassword = "pass";
        o.txs = 3; // transactions with fees, so coinbasevalue is not a round subsidy
        o.fixedTime = NODE_TIME;
        o.seed = 7;
        node = new SimNode(o);
        int port = node.start();
        rpc = new BitcoinRpcClient("http://127.0.0.1:" + port, RpcCredentials.basic("user", "pass"));
    }

    @AfterEach
    void stopNode() {
        if (rpc != null) {
            rpc.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private EngineHarness engine(boolean solo, JsonNode template) throws Exception {
        String conf = "{" + (solo ? "" : "\"btcaddress\":\"" + POOL_ADDRESS + "\",")
                + "\"donation\":" + PERCENT + ",\"donaddress\":\"" + DONADDRESS + "\","
                + "\"mindiff\":1e-12,\"startdiff\":1e-12}";
        EngineConfig ec = EngineSettings.from(ConfigLoader.parse(conf), solo);
        EngineHarness h = new EngineHarness(ec, NODE_TIME + 10);
        h.engine.onTemplate(template);
        return h;
    }

    /** Submits shares with rising nonces until one is a block (regtest: about every second hash). */
    private EngineHarness.Submitted mine(EngineHarness h, String worker, JsonNode template) {
        h.miner(1, worker, false);
        String job = h.jobId(1);
        assertThat(job).isNotNull();
        String ntime = String.format("%08x", template.get("curtime").asLong());
        for (int nonce = 0; nonce < 200 && h.blocks.isEmpty(); nonce++) {
            h.submit(1, 100 + nonce, worker, job, "0000000000000001", ntime, String.format("%08x", nonce), null);
        }
        assertThat(h.blocks).as("no block in 200 regtest hashes").hasSize(1);
        return h.blocks.get(0);
    }

    private static long coinbaseValue(JsonNode template) {
        return template.get("coinbasevalue").asLong();
    }

    private void assertAcceptedWithDonation(EngineHarness.Submitted found, JsonNode template, byte[] payoutScript) {
        Block block = Block.parse(Hex.decode(found.hex()));
        Transaction coinbase = block.transactions().get(0);
        List<Transaction.Output> out = coinbase.outputs();
        long value = coinbaseValue(template);
        long donation = value * 15 / 1000; // 1.5 %, rounded down, in integers
        assertThat(out).hasSize(3);
        assertThat(Hex.encode(out.get(0).script())).isEqualTo(Hex.encode(payoutScript));
        assertThat(out.get(0).value()).isEqualTo(value - donation);
        assertThat(Hex.encode(out.get(1).script())).isEqualTo(DONATION_SCRIPT);
        assertThat(out.get(1).value()).isEqualTo(donation).isPositive();
        assertThat(Hex.encode(out.get(2).script())).startsWith("6a24aa21a9ed");
        assertThat(out.get(2).value()).isZero();
        assertThat(out.stream().mapToLong(Transaction.Output::value).sum()).isEqualTo(value);

        assertThat(rpc.submitBlock(found.hex())).as("simnode's verdict").isNull();
        assertThat(rpc.getBestBlockHash()).isEqualTo(found.hash());
        assertThat(rpc.getBlockCount()).isEqualTo(template.get("height").asLong());
    }

    @Test
    void poolBlockWithDonationIsAcceptedByTheNode() throws Exception {
        JsonNode template = rpc.getBlockTemplate();
        assertThat(template.get("transactions")).isNotEmpty();
        EngineHarness h = engine(false, template);
        EngineHarness.Submitted found = mine(h, "alice.rig1", template);
        assertAcceptedWithDonation(found, template, Address.toScript(POOL_ADDRESS, Network.REGTEST));
    }

    @Test
    void soloBlockPaysTheMinerAndTheDonation() throws Exception {
        JsonNode template = rpc.getBlockTemplate();
        byte[] program = new byte[20];
        java.util.Arrays.fill(program, (byte) 0x11);
        String miner = Address.segwit(0, program, Network.REGTEST);
        EngineHarness h = engine(true, template);
        EngineHarness.Submitted found = mine(h, miner + ".rig", template);
        assertAcceptedWithDonation(found, template, Address.toScript(miner, Network.REGTEST));
    }

    @Test
    void theNodeWouldCatchACoinbaseOneSatoshiTooRich() throws Exception {
        // control: the same path with coinbasevalue + 1 must be refused, so the acceptances above mean something
        ObjectNode greedy = ((ObjectNode) rpc.getBlockTemplate()).deepCopy();
        greedy.put("coinbasevalue", coinbaseValue(greedy) + 1);
        EngineHarness h = engine(false, greedy);
        EngineHarness.Submitted found = mine(h, "alice.rig1", greedy);
        assertThat(rpc.submitBlock(found.hex())).isEqualTo("bad-cb-amount");
        assertThat(rpc.getBlockCount()).isZero();
    }
}
