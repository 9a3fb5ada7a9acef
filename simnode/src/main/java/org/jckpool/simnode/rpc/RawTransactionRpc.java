package org.jckpool.simnode.rpc;

import static org.jckpool.simnode.rpc.RpcJson.NODES;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.simnode.chain.BlockEntry;
import org.jckpool.simnode.chain.ChainState;
import org.jckpool.simnode.chain.MempoolTx;

/**
 * decoderawtransaction and getrawtransaction as Core answers them without -txindex (ckpool calls both: a node or
 * remote pool decodes the transactions its upstream sends, and fetches transactions it is asked for). A decoded
 * transaction has the fields of {@link RpcJson#transaction} (scripts as hex only). sendrawtransaction is not
 * served: simnode checks no scripts, so it could not refuse what Core refuses.
 */
public final class RawTransactionRpc {
    static final String NOT_IN_MEMPOOL = "No such mempool transaction. Use -txindex or provide a block hash to enable "
            + "blockchain transaction queries. Use gettransaction for wallet transactions.";
    static final String NOT_IN_BLOCK = "No such transaction found in the provided block. Use gettransaction for "
            + "wallet transactions.";

    private RawTransactionRpc() {
    }

    public static void register(RpcDispatcher rpc, ChainState chain) {
        rpc.register("decoderawtransaction", List.of("hexstring", "iswitness"), p -> {
            Transaction tx = decode(p.string(0, "hexstring"));
            ObjectNode o = RpcJson.transaction(tx);
            o.remove("hex");
            return o;
        });
        rpc.register("getrawtransaction", List.of("txid", "verbosity", "blockhash"), p -> {
            String txid = RpcJson.parseHash(p, 0, "parameter 1");
            boolean verbose = verbosity(p.get(1)) > 0;
            if (p.has(2) && !p.get(2).isNull()) {
                BlockEntry entry = chain.byRpcHash(RpcJson.parseHash(p, 2, "parameter 3"));
                if (entry == null) {
                    throw new CoreRpcException(RpcCodes.INVALID_ADDRESS_OR_KEY, "Block hash not found");
                }
                for (Transaction tx : entry.block().transactions()) {
                    if (Hex.toRpc(tx.txid()).equals(txid)) {
                        return verbose ? inBlock(chain, entry, tx) : NODES.textNode(Hex.encode(tx.serialize(true)));
                    }
                }
                throw new CoreRpcException(RpcCodes.INVALID_ADDRESS_OR_KEY, NOT_IN_BLOCK);
            }
            for (MempoolTx m : chain.mempool()) {
                if (Hex.toRpc(m.txid()).equals(txid)) {
                    return verbose ? RpcJson.transaction(m.tx()) : NODES.textNode(Hex.encode(m.raw()));
                }
            }
            throw new CoreRpcException(RpcCodes.INVALID_ADDRESS_OR_KEY, NOT_IN_MEMPOOL);
        });
    }

    private static Transaction decode(String hex) {
        try {
            return Transaction.parseHex(hex);
        } catch (RuntimeException e) {
            throw new CoreRpcException(RpcCodes.DESERIALIZATION_ERROR, "TX decode failed");
        }
    }

    /** Core takes a bool or a number (0, 1, 2) for the verbosity; absent or null is 0. */
    private static int verbosity(JsonNode v) {
        if (v == null || v.isNull()) {
            return 0;
        }
        if (v.isBoolean()) {
            return v.asBoolean() ? 1 : 0;
        }
        if (v.isIntegralNumber()) {
            return v.asInt();
        }
        throw RpcParams.typeError(v, "number");
    }

    private static ObjectNode inBlock(ChainState chain, BlockEntry entry, Transaction tx) {
        ObjectNode o = RpcJson.transaction(tx);
        boolean active = chain.isActive(entry);
        o.put("in_active_chain", active);
        o.put("blockhash", entry.rpcHash());
        o.put("confirmations", active ? chain.height() - entry.height() + 1 : 0);
        o.put("time", entry.header().time());
        o.put("blocktime", entry.header().time());
        return o;
    }
}
