package org.jckpool.simnode.rpc;

import static org.jckpool.simnode.rpc.RpcJson.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.libpool.bitcoin.Witness;
import org.jckpool.simnode.chain.OwnBlockMiner;
import org.jckpool.simnode.chain.ChainState;
import org.jckpool.simnode.chain.Consensus;
import org.jckpool.simnode.chain.MempoolTx;

/** getblocktemplate, submitblock, getmininginfo, generatetoaddress, generateblock. */
public final class MiningRpc {
    private static final String SEGWIT_REQUIRED =
            "getblocktemplate must be called with the segwit rule set (call with {\"rules\": [\"segwit\"]})";
    private static final long DEFAULT_MAX_TRIES = 1_000_000;

    private final ChainState chain;
    private final long longPollMaxMillis;

    private MiningRpc(ChainState chain, long longPollMaxMillis) {
        this.chain = chain;
        this.longPollMaxMillis = longPollMaxMillis;
    }

    public static void register(RpcDispatcher rpc, ChainState chain, long longPollMaxMillis) {
        MiningRpc m = new MiningRpc(chain, longPollMaxMillis);
        rpc.register("getblocktemplate", List.of("template_request"), m::getBlockTemplate);
        rpc.register("submitblock", List.of("hexdata", "dummy"), m::submitBlock);
        rpc.register("getmininginfo", List.of(), p -> m.miningInfo());
        rpc.register("generatetoaddress", List.of("nblocks", "address", "maxtries"), m::generateToAddress);
        rpc.register("generateblock", List.of("output", "transactions", "submit"), m::generateBlock);
    }

    private JsonNode getBlockTemplate(RpcParams p) {
        JsonNode request = p.object(0, "template_request");
        String mode = "template";
        if (request != null && request.hasNonNull("mode")) {
            if (!request.get("mode").isTextual()) {
                throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, "Invalid mode");
            }
            mode = request.get("mode").asText();
        }
        if ("proposal".equals(mode)) {
            JsonNode data = request.get("data");
            if (data == null || !data.isTextual()) {
                throw new CoreRpcException(RpcCodes.TYPE_ERROR, "Missing data String key for proposal");
            }
            Block block = BlockDecoder.decode(data.asText());
            String result = chain.testProposal(block);
            return result == null ? NODES.nullNode() : NODES.textNode(result);
        }
        if (!"template".equals(mode)) {
            throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, "Invalid mode");
        }
        if (request != null && request.hasNonNull("longpollid")) {
            JsonNode id = request.get("longpollid");
            if (!id.isTextual()) {
                throw RpcParams.typeError(id, "string");
            }
            try {
                chain.awaitChange(id.asText(), longPollMaxMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CoreRpcException(RpcCodes.CLIENT_NOT_CONNECTED, "Shutting down");
            }
        }
        boolean segwit = false;
        if (request != null && request.get("rules") != null && request.get("rules").isArray()) {
            for (JsonNode rule : request.get("rules")) {
                segwit |= rule.isTextual() && rule.asText().equals("segwit");
            }
        }
        if (!segwit) {
            throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, SEGWIT_REQUIRED);
        }
        return template(chain.templateSnapshot());
    }

    private ObjectNode template(ChainState.TemplateSnapshot snap) {
        long bits = snap.bits();
        long now = chain.clock().now();
        ObjectNode o = NODES.objectNode();
        o.putArray("capabilities").add("proposal");
        o.put("version", Consensus.TEMPLATE_VERSION);
        o.putArray("rules").add("csv").add("!segwit").add("taproot");
        o.putObject("vbavailable");
        o.put("vbrequired", 0);
        o.put("previousblockhash", snap.tip().rpcHash());
        ArrayNode txs = o.putArray("transactions");
        Map<String, Integer> position = new HashMap<>();
        List<byte[]> wtxids = new ArrayList<>();
        int n = 0;
        for (MempoolTx tx : snap.transactions()) {
            n++;
            ObjectNode t = txs.addObject();
            t.put("data", Hex.encode(tx.raw()));
            t.put("txid", Hex.toRpc(tx.txid()));
            t.put("hash", Hex.toRpc(tx.wtxid()));
            ArrayNode depends = t.putArray("depends");
            for (Transaction.Input in : tx.tx().inputs()) {
                Integer parent = position.get(Hex.encode(in.prevHash()));
                if (parent != null && !containsInt(depends, parent)) {
                    depends.add(parent);
                }
            }
            t.put("fee", tx.fee());
            t.put("sigops", tx.sigOpCost());
            t.put("weight", tx.weight());
            position.put(Hex.encode(tx.txid()), n);
            wtxids.add(tx.wtxid());
        }
        o.putObject("coinbaseaux");
        o.put("coinbasevalue", Consensus.subsidy(snap.height()) + snap.fees());
        o.put("longpollid", snap.longPollId());
        o.put("target", RpcJson.target64(Target.fromCompact(bits)));
        o.put("mintime", snap.minTime());
        o.putArray("mutable").add("time").add("transactions").add("prevblock");
        o.put("noncerange", "00000000ffffffff");
        o.put("sigoplimit", Consensus.MAX_BLOCK_SIGOPS_COST);
        o.put("sizelimit", Consensus.MAX_BLOCK_WEIGHT);
        o.put("weightlimit", Consensus.MAX_BLOCK_WEIGHT);
        o.put("curtime", Math.max(now, snap.minTime()));
        o.put("bits", RpcJson.hex32(bits));
        o.put("height", snap.height());
        o.put("default_witness_commitment",
                Hex.encode(Witness.commitmentScript(Witness.commitmentHash(wtxids))));
        return o;
    }

    private static boolean containsInt(ArrayNode array, int value) {
        for (JsonNode node : array) {
            if (node.asInt() == value) {
                return true;
            }
        }
        return false;
    }

    private JsonNode submitBlock(RpcParams p) {
        Block block = BlockDecoder.decode(p.string(0, "hexdata"));
        if (block.transactions().isEmpty() || !block.transactions().get(0).isCoinbase()) {
            throw new CoreRpcException(RpcCodes.DESERIALIZATION_ERROR, "Block does not start with a coinbase");
        }
        String result = chain.submit(block);
        return result == null ? NODES.nullNode() : NODES.textNode(result);
    }

    private JsonNode miningInfo() {
        var tip = chain.tip();
        long bits = chain.bits();
        ObjectNode o = NODES.objectNode();
        o.put("blocks", tip.height());
        o.put("bits", RpcJson.hex32(bits));
        o.put("difficulty", Target.difficultyOfCompact(bits));
        o.put("target", RpcJson.target64(Target.fromCompact(bits)));
        o.put("networkhashps", 0);
        o.put("pooledtx", chain.mempool().size());
        o.put("chain", "regtest");
        o.putArray("warnings");
        return o;
    }

    private static byte[] payoutScript(String address) {
        try {
            return Address.toScript(address, Network.REGTEST);
        } catch (IllegalArgumentException e) {
            throw new CoreRpcException(RpcCodes.INVALID_ADDRESS_OR_KEY, "Error: Invalid address");
        }
    }

    private JsonNode generateToAddress(RpcParams p) {
        long count = p.integer(0, "nblocks");
        byte[] script = payoutScript(p.string(1, "address"));
        long maxTries = p.integer(2, "maxtries", DEFAULT_MAX_TRIES);
        ArrayNode hashes = NODES.arrayNode();
        for (long i = 0; i < count; i++) {
            ChainState.TemplateSnapshot snap = chain.templateSnapshot();
            Block block = OwnBlockMiner.mine(
                    OwnBlockMiner.build(snap, script, snap.transactions(), chain.clock().now()), maxTries);
            if (block == null) {
                break;
            }
            String result = chain.submit(block);
            if (result != null) {
                throw new CoreRpcException(RpcCodes.INTERNAL_ERROR, "ProcessNewBlock, block not accepted: " + result);
            }
            hashes.add(Hex.toRpc(block.hash()));
        }
        return hashes;
    }

    /** generateblock "output" ["rawtx/txid",...] ( submit ): only addresses are accepted as output. */
    private JsonNode generateBlock(RpcParams p) {
        byte[] script = payoutScript(p.string(0, "output"));
        JsonNode list = p.require(1, "transactions");
        if (!list.isArray()) {
            throw RpcParams.typeError(list, "array");
        }
        boolean submit = p.bool(2, "submit", true);
        ChainState.TemplateSnapshot snap = chain.templateSnapshot();
        Map<String, MempoolTx> pool = new HashMap<>();
        for (MempoolTx tx : chain.mempool()) {
            pool.put(Hex.toRpc(tx.txid()), tx);
        }
        List<MempoolTx> chosen = new ArrayList<>();
        for (JsonNode item : list) {
            String text = item.asText();
            MempoolTx fromPool = pool.get(text);
            if (fromPool != null) {
                chosen.add(fromPool);
                continue;
            }
            if (text.length() == 64) {
                throw new CoreRpcException(RpcCodes.INVALID_ADDRESS_OR_KEY, "Transaction " + text + " not in mempool.");
            }
            try {
                chosen.add(MempoolTx.of(Transaction.parse(Hex.decode(text)), 0, 0));
            } catch (RuntimeException e) {
                throw new CoreRpcException(RpcCodes.DESERIALIZATION_ERROR, "Transaction decode failed for " + text);
            }
        }
        Block block = OwnBlockMiner.mine(OwnBlockMiner.build(snap, script, chosen, chain.clock().now()),
                DEFAULT_MAX_TRIES);
        if (block == null) {
            throw new CoreRpcException(RpcCodes.MISC_ERROR, "Failed to make block.");
        }
        ObjectNode o = NODES.objectNode();
        o.put("hash", Hex.toRpc(block.hash()));
        if (submit) {
            String result = chain.submit(block);
            if (result != null) {
                throw new CoreRpcException(RpcCodes.VERIFY_ERROR, "TestBlockValidity failed: " + result);
            }
        } else {
            o.put("hex", Hex.encode(block.serialize(true)));
        }
        return o;
    }
}
