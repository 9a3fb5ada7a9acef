package org.jckpool.simnode.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.jckpool.libpool.bitcoin.BlockHeader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.simnode.chain.BlockEntry;
import org.jckpool.simnode.chain.ChainState;

/** JSON shapes shared by several RPCs (Core's blockheaderToJSON and friends), and parameter parsing helpers. */
final class RpcJson {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private RpcJson() {
    }

    static String hex32(long v) {
        return String.format("%08x", v);
    }

    static String target64(BigInteger target) {
        return Target.toHex(target);
    }

    static String chainWork(BigInteger work) {
        return String.format("%064x", work);
    }

    /** Satoshis as a BTC amount with 8 decimals, as Core's ValueFromAmount. */
    static JsonNode btc(long satoshis) {
        return NODES.numberNode(BigDecimal.valueOf(satoshis, 8));
    }

    /** Core's ParseHashV for a 64-hex RPC-order hash parameter. */
    static String parseHash(RpcParams params, int index, String name) {
        String hex = params.string(index, name);
        if (hex.length() != 64) {
            throw new CoreRpcException(RpcCodes.INVALID_PARAMETER,
                    name + " must be of length 64 (not " + hex.length() + ", for '" + hex + "')");
        }
        if (!Hex.isHex(hex)) {
            throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, name + " must be hexadecimal string (not '" + hex + "')");
        }
        return hex.toLowerCase(java.util.Locale.ROOT);
    }

    static BlockEntry requireBlock(ChainState chain, String rpcHash) {
        BlockEntry entry = chain.byRpcHash(rpcHash);
        if (entry == null) {
            throw new CoreRpcException(RpcCodes.INVALID_ADDRESS_OR_KEY, "Block not found");
        }
        return entry;
    }

    /** Core's blockheaderToJSON. */
    static ObjectNode header(ChainState chain, BlockEntry entry) {
        BlockHeader h = entry.header();
        ObjectNode o = NODES.objectNode();
        o.put("hash", entry.rpcHash());
        o.put("confirmations", chain.isActive(entry) ? chain.height() - entry.height() + 1 : -1);
        o.put("height", entry.height());
        o.put("version", h.version());
        o.put("versionHex", hex32(h.version() & 0xffffffffL));
        o.put("merkleroot", Hex.toRpc(h.merkleRoot()));
        o.put("time", h.time());
        o.put("mediantime", entry.medianTimePast());
        o.put("nonce", h.nonce());
        o.put("bits", hex32(h.bits()));
        o.put("target", target64(Target.fromCompact(h.bits())));
        o.put("difficulty", Target.difficultyOfCompact(h.bits()));
        o.put("chainwork", chainWork(entry.chainWork()));
        o.put("nTx", entry.block().transactions().size());
        if (entry.parent() != null) {
            o.put("previousblockhash", entry.parent().rpcHash());
        }
        BlockEntry next = chain.next(entry);
        if (next != null) {
            o.put("nextblockhash", next.rpcHash());
        }
        return o;
    }

    /** A short decoded transaction (getblock verbosity 2). */
    static ObjectNode transaction(Transaction tx) {
        ObjectNode o = NODES.objectNode();
        o.put("txid", Hex.toRpc(tx.txid()));
        o.put("hash", Hex.toRpc(tx.wtxid()));
        o.put("version", tx.version());
        int weight = tx.weight();
        o.put("size", tx.size());
        o.put("vsize", (weight + 3) / 4);
        o.put("weight", weight);
        o.put("locktime", tx.lockTime());
        ArrayNode vin = o.putArray("vin");
        for (Transaction.Input in : tx.inputs()) {
            ObjectNode i = vin.addObject();
            if (in.isCoinbase()) {
                i.put("coinbase", Hex.encode(in.scriptSig()));
            } else {
                i.put("txid", Hex.toRpc(in.prevHash()));
                i.put("vout", in.prevIndex());
                i.putObject("scriptSig").put("hex", Hex.encode(in.scriptSig()));
            }
            if (!in.witness().isEmpty()) {
                ArrayNode w = i.putArray("txinwitness");
                in.witness().forEach(item -> w.add(Hex.encode(item)));
            }
            i.put("sequence", in.sequence());
        }
        ArrayNode vout = o.putArray("vout");
        for (int n = 0; n < tx.outputs().size(); n++) {
            Transaction.Output out = tx.outputs().get(n);
            ObjectNode v = vout.addObject();
            v.set("value", btc(out.value()));
            v.put("n", n);
            v.putObject("scriptPubKey").put("hex", Hex.encode(out.script()));
        }
        o.put("hex", Hex.encode(tx.serialize(true)));
        return o;
    }
}
