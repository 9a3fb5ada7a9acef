package org.jckpool.simnode.rpc;

import static org.jckpool.simnode.rpc.RpcJson.NODES;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.Target;
import org.jckpool.libpool.bitcoin.Transaction;
import org.jckpool.simnode.chain.BlockEntry;
import org.jckpool.simnode.chain.ChainState;

/** Chain queries: getbestblockhash, getblockcount, getblockhash, getblock, getblockheader, getblockchaininfo, … */
public final class BlockchainRpc {
    private BlockchainRpc() {
    }

    public static void register(RpcDispatcher rpc, ChainState chain) {
        rpc.register("getbestblockhash", List.of(), p -> NODES.textNode(chain.tip().rpcHash()));
        rpc.register("getblockcount", List.of(), p -> NODES.numberNode(chain.height()));
        rpc.register("getdifficulty", List.of(),
                p -> NODES.numberNode(Target.difficultyOfCompact(chain.tip().header().bits())));
        rpc.register("getblockhash", List.of("height"), p -> {
            long height = p.integer(0, "height");
            BlockEntry entry = chain.atHeight(height);
            if (entry == null) {
                throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, "Block height out of range");
            }
            return NODES.textNode(entry.rpcHash());
        });
        rpc.register("getblockheader", List.of("blockhash", "verbose"), p -> {
            BlockEntry entry = RpcJson.requireBlock(chain, RpcJson.parseHash(p, 0, "blockhash"));
            if (!p.bool(1, "verbose", true)) {
                return NODES.textNode(Hex.encode(entry.header().serialize()));
            }
            return RpcJson.header(chain, entry);
        });
        rpc.register("getblock", List.of("blockhash", "verbosity"), p -> {
            BlockEntry entry = RpcJson.requireBlock(chain, RpcJson.parseHash(p, 0, "blockhash"));
            long verbosity = 1;
            if (p.has(1)) {
                verbosity = p.get(1).isBoolean() ? (p.get(1).asBoolean() ? 1 : 0) : p.integer(1, "verbosity");
            }
            Block block = entry.block();
            if (verbosity <= 0) {
                return NODES.textNode(Hex.encode(block.serialize(true)));
            }
            ObjectNode o = RpcJson.header(chain, entry);
            o.put("strippedsize", block.serialize(false).length);
            o.put("size", block.serialize(true).length);
            o.put("weight", block.weight());
            ArrayNode txs = o.putArray("tx");
            for (Transaction tx : block.transactions()) {
                if (verbosity == 1) {
                    txs.add(Hex.toRpc(tx.txid()));
                } else {
                    txs.add(RpcJson.transaction(tx));
                }
            }
            return o;
        });
        rpc.register("getblockchaininfo", List.of(), p -> {
            BlockEntry tip = chain.tip();
            ObjectNode o = NODES.objectNode();
            o.put("chain", "regtest");
            o.put("blocks", tip.height());
            o.put("headers", tip.height());
            o.put("bestblockhash", tip.rpcHash());
            o.put("bits", RpcJson.hex32(tip.header().bits()));
            o.put("target", RpcJson.target64(Target.fromCompact(tip.header().bits())));
            o.put("difficulty", Target.difficultyOfCompact(tip.header().bits()));
            o.put("time", tip.header().time());
            o.put("mediantime", tip.medianTimePast());
            o.put("verificationprogress", 1);
            o.put("initialblockdownload", false);
            o.put("chainwork", RpcJson.chainWork(tip.chainWork()));
            o.put("size_on_disk", 0);
            o.put("pruned", false);
            o.putArray("warnings");
            return o;
        });
        rpc.register("preciousblock", List.of("blockhash"), p -> {
            BlockEntry entry = RpcJson.requireBlock(chain, RpcJson.parseHash(p, 0, "blockhash"));
            chain.precious(entry);
            return NODES.nullNode();
        });
        rpc.register("getrawmempool", List.of("verbose", "mempool_sequence"), p -> {
            ArrayNode ids = NODES.arrayNode();
            chain.mempool().forEach(tx -> ids.add(Hex.toRpc(tx.txid())));
            return ids;
        });
    }
}
