package org.jckpool.simnode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.jckpool.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/** Notifications (ZMQ, blocknotify), the timer miner, generate RPCs, addresses and chain info. */
class NodeServicesTest {
    private static final String ADDRESS = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    private SimNode node;
    private RpcTestClient rpc;

    private void start(SimNodeOptions o) throws Exception {
        o.rpcUser = "u";
        o.rpcPassword = "p";
        node = new SimNode(o);
        node.start();
        rpc = new RpcTestClient(node.url(), "u", "p");
    }

    @AfterEach
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void zmqHashBlockCarriesRpcOrderHashAndLittleEndianSequence() throws Exception {
        String endpoint = "tcp://127.0.0.1:" + freePort();
        SimNodeOptions o = new SimNodeOptions();
        o.zmqPubHashBlock = endpoint;
        start(o);
        try (ZContext ctx = new ZContext()) {
            ZMQ.Socket sub = ctx.createSocket(SocketType.SUB);
            sub.setReceiveTimeOut(10_000); // generous: CI machines are loaded
            sub.connect(endpoint);
            sub.subscribe("hashblock".getBytes(StandardCharsets.US_ASCII));
            Thread.sleep(300); // let the subscription reach the publisher (ZMQ "slow joiner")
            List<String> mined = new ArrayList<>();
            byte[] topic = null;
            for (int attempt = 0; attempt < 5 && topic == null; attempt++) {
                mined.add(rpc.call("generatetoaddress", 1, ADDRESS).get(0).asText());
                topic = sub.recv();
            }
            assertThat(topic).isNotNull();
            assertThat(new String(topic, StandardCharsets.US_ASCII)).isEqualTo("hashblock");
            assertThat(sub.hasReceiveMore()).isTrue();
            byte[] hash = sub.recv();
            assertThat(sub.hasReceiveMore()).isTrue();
            byte[] seq = sub.recv();
            assertThat(sub.hasReceiveMore()).isFalse();
            assertThat(mined).contains(HexFormat.of().formatHex(hash));
            assertThat(seq).hasSize(4);
            int first = ByteBuffer.wrap(seq).order(ByteOrder.LITTLE_ENDIAN).getInt();
            assertThat(first).isEqualTo(mined.indexOf(HexFormat.of().formatHex(hash)));

            String next = rpc.call("generatetoaddress", 1, ADDRESS).get(0).asText();
            assertThat(sub.recv()).isEqualTo("hashblock".getBytes(StandardCharsets.US_ASCII));
            assertThat(HexFormat.of().formatHex(sub.recv())).isEqualTo(next);
            assertThat(ByteBuffer.wrap(sub.recv()).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(first + 1);
        }
    }

    @Test
    void blockNotifyRunsWithTheHash(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("notified.txt");
        SimNodeOptions o = new SimNodeOptions();
        o.blockNotify = "echo %s >> '" + out + "'";
        start(o);
        String hash = rpc.call("generatetoaddress", 1, ADDRESS).get(0).asText();
        Await.within(5000, () -> Files.exists(out) && Files.readString(out).contains(hash));
        assertThat(Files.readString(out).trim()).isEqualTo(hash);
    }

    @Test
    void timerMinerMovesTheTip() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.mineIntervalSeconds = 0.2;
        start(o);
        JsonNode t = rpc.call("getblocktemplate", Map.of("rules", List.of("segwit")));
        Await.until("two blocks from the timer miner", () -> rpc.call("getblockcount").asLong() >= 2);
        BlockFromTemplate late = BlockFromTemplate.fromTemplate(t);
        assertThat(rpc.call("submitblock", late.hex()).asText()).isIn("inconclusive", "time-too-old");
    }

    @Test
    void longPollReturnsWhenTheTipChanges() throws Exception {
        start(new SimNodeOptions());
        JsonNode t = rpc.call("getblocktemplate", Map.of("rules", List.of("segwit")));
        Thread miner = new Thread(() -> {
            try {
                Thread.sleep(300); // the scenario: the tip changes while the long poll waits
                node.mineOneBlock();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long before = System.currentTimeMillis(); // before the miner's 300 ms start: a lower bound load cannot break
        miner.start();
        JsonNode next = rpc.call("getblocktemplate",
                Map.of("rules", List.of("segwit"), "longpollid", t.get("longpollid").asText()));
        miner.join();
        assertThat(System.currentTimeMillis() - before).isGreaterThanOrEqualTo(250);
        assertThat(next.get("height").asLong()).isEqualTo(2);
    }

    @Test
    void generateAndChainInfo() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.txs = 2;
        start(o);
        JsonNode hashes = rpc.call("generatetoaddress", 3, ADDRESS);
        assertThat(hashes).hasSize(3);
        assertThat(rpc.call("getbestblockhash").asText()).isEqualTo(hashes.get(2).asText());
        JsonNode info = rpc.call("getblockchaininfo");
        assertThat(info.get("chain").asText()).isEqualTo("regtest");
        assertThat(info.get("blocks").asInt()).isEqualTo(3);
        assertThat(info.get("initialblockdownload").asBoolean()).isFalse();
        assertThat(info.get("bestblockhash").asText()).isEqualTo(hashes.get(2).asText());
        JsonNode block = rpc.call("getblock", hashes.get(0).asText());
        assertThat(block.get("tx")).hasSize(3);
        assertThat(rpc.call("getmininginfo").get("blocks").asInt()).isEqualTo(3);
        assertThat(rpc.call("getnetworkinfo").has("version")).isTrue();
        assertThat(rpc.call("uptime").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(rpc.callRaw("generatetoaddress", 1, "notanaddress").get("error").get("code").asInt())
                .isEqualTo(-5);
        JsonNode generated = rpc.call("generateblock", ADDRESS, List.of());
        assertThat(rpc.call("getbestblockhash").asText()).isEqualTo(generated.get("hash").asText());
        // halving every 150 blocks on regtest
        JsonNode t = rpc.call("getblocktemplate", Map.of("rules", List.of("segwit")));
        long fees = 0;
        for (JsonNode tx : t.get("transactions")) {
            fees += tx.get("fee").asLong();
        }
        assertThat(t.get("coinbasevalue").asLong()).isEqualTo(5_000_000_000L + fees);
    }

    @Test
    void addressesAreRegtestAddresses() throws Exception {
        start(new SimNodeOptions());
        JsonNode ok = rpc.call("validateaddress", ADDRESS);
        assertThat(ok.get("isvalid").asBoolean()).isTrue();
        assertThat(ok.get("scriptPubKey").asText()).isEqualTo("0014751e76e8199196d454941c45d1b3a323f1433bd6");
        assertThat(ok.get("iswitness").asBoolean()).isTrue();
        assertThat(ok.get("witness_version").asInt()).isZero();
        assertThat(ok.get("isscript").asBoolean()).isFalse();
        JsonNode p2sh = rpc.call("validateaddress", "2N9hLwkSqr1cPQAPxbrGVUjxyjD11G2e1he");
        assertThat(p2sh.get("isscript").asBoolean()).isTrue();
        assertThat(p2sh.get("scriptPubKey").asText()).isEqualTo("a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87");
        JsonNode mainnet = rpc.call("validateaddress", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
        assertThat(mainnet.get("isvalid").asBoolean()).isFalse();
        assertThat(mainnet.get("error").asText()).isNotEmpty();
        JsonNode info = rpc.call("getaddressinfo", "mpXwg4jMtRhuSpVq4xS3HFHmCmWp9NyGKt");
        assertThat(info.get("scriptPubKey").asText()).isEqualTo("76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac");
        assertThat(info.get("ismine").asBoolean()).isFalse();
        assertThat(rpc.callRaw("getaddressinfo", "garbage").get("error").get("code").asInt()).isEqualTo(-5);
    }

    @Test
    void rawTransactionsAreDecodedAndFoundInTheMempoolOrAGivenBlockAsCoreDoes() throws Exception {
        SimNodeOptions o = new SimNodeOptions();
        o.txs = 2;
        start(o);
        String txid = rpc.call("getrawmempool").get(0).asText();
        String hex = rpc.call("getrawtransaction", txid).asText();
        JsonNode decoded = rpc.call("decoderawtransaction", hex);
        assertThat(decoded.get("txid").asText()).isEqualTo(txid);
        assertThat(decoded.has("hex")).as("decoderawtransaction has no hex field").isFalse();
        assertThat(decoded.get("vin").size()).isPositive();
        assertThat(rpc.call("getrawtransaction", txid, true).get("hex").asText()).isEqualTo(hex);
        assertThat(rpc.callRaw("decoderawtransaction", "00").get("error").get("code").asInt()).isEqualTo(-22);
        assertThat(rpc.callRaw("decoderawtransaction", "00").get("error").get("message").asText())
                .isEqualTo("TX decode failed");

        String block = rpc.call("generatetoaddress", 1, ADDRESS).get(0).asText();
        JsonNode missing = rpc.callRaw("getrawtransaction", txid).get("error");
        assertThat(missing.get("code").asInt()).isEqualTo(-5);
        assertThat(missing.get("message").asText()).startsWith("No such mempool transaction. Use -txindex");
        JsonNode inBlock = rpc.call("getrawtransaction", txid, 1, block);
        assertThat(inBlock.get("blockhash").asText()).isEqualTo(block);
        assertThat(inBlock.get("confirmations").asInt()).isEqualTo(1);
        assertThat(inBlock.get("hex").asText()).isEqualTo(hex);
        assertThat(rpc.callRaw("getrawtransaction", "ab".repeat(32), false, block).get("error").get("message")
                .asText()).startsWith("No such transaction found in the provided block");
        assertThat(rpc.callRaw("getrawtransaction", "xyz").get("error").get("code").asInt()).isEqualTo(-8);
    }
}
