package org.jckpool.stratifier.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.stratifier.vardiff.VardiffConfig;
import org.jckpool.stratifier.work.WorkConfig;

import org.jckpool.libpool.bitcoin.Network;

/** docs/PROTOCOL.md test vectors (c) and (g) and an engine set up the way they assume. */
public final class Vectors {
    static final ObjectMapper MAPPER = new ObjectMapper();
    public static final String P2WPKH = "0014751e76e8199196d454941c45d1b3a323f1433bd6";
    public static final String MAIN_ADDR = "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4";
    public static final String REGTEST_ADDR = "bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080";
    public static final long EN1 = 0x8d3b5a1cL;
    public static final long C_TIME = 1713571767L;

    public static final AddressResolver RESOLVER = AddressResolver.forNetwork(Network.MAIN);
    public static final AddressResolver REGTEST_RESOLVER = AddressResolver.forNetwork(Network.REGTEST);

    public static JsonNode templateC() {
        return json("""
                {"height":840000,"version":536870912,
                 "previousblockhash":"0000000000000000000251eb48050f15236097d4ff9c03b452e3847948d12fc6",
                 "bits":"17034219","curtime":1713571767,"mintime":1713570000,"coinbasevalue":313734567,
                 "target":"0000000000000000000342190000000000000000000000000000000000000000",
                 "default_witness_commitment":"6a24aa21a9ed0f8f93274952736f983798bd231a3a18787707b9f38bf898220288eced314384",
                 "transactions":[
                  {"txid":"1f93b34ff74ec41a4c248c585b219f9dbdf391247d903cd19ee07b20dd876caf","hash":"1f93b34ff74ec41a4c248c585b219f9dbdf391247d903cd19ee07b20dd876caf","data":"aa"},
                  {"txid":"0b518211cd10ce735c8032510d62331594f2f7b08b22e23217e680fff5d67c8e","hash":"7a094fc171aad26c8b20d24ccfce18a787642977e2c3801ad1c3a7fef59d7a54","data":"bb"},
                  {"txid":"280a6d12a976863c69bed2f13dea4ad73c2a650d3cd3e3db25f33f0df02ca539","hash":"9a8868471afa290555a7398a3fe3f3ebe6944d1d2cb52bea80fd9ea4d40b98ad","data":"cc"}]}""");
    }

    /** Template (c) moved onto another previous block (everything older becomes stale). */
    public static JsonNode templateCNextBlock() {
        String t = templateC().toString().replace("48d12fc6", "48d12fc7");
        return json(t);
    }

    public static JsonNode templateG() {
        return json("""
                {"height":1,"version":536870912,
                 "previousblockhash":"0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
                 "bits":"207fffff","curtime":1700000000,"mintime":1296688603,"coinbasevalue":5000000000,
                 "default_witness_commitment":"6a24aa21a9ede2f61c3f71d1defd3fa999dfa36953755c690689799962b48bebd836974e8cf9",
                 "transactions":[]}""");
    }

    public static WorkConfig work() {
        return new WorkConfig("/JPool/", 4, 4, 0, null);
    }

    public static EngineConfig config(double minDiff, double startDiff) {
        return EngineConfig.of(work(), new VardiffConfig(minDiff, startDiff, 0), 0x1fffe000, false,
                Hex.decode(P2WPKH), RESOLVER);
    }

    public static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
