package org.jckpool.generator.node;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.bitcoin.Address;
import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcException;

/**
 * Decides whether a bitcoind can be mined on, as ckpool does at start: it must hand out a segwit template, report
 * its chain, and accept the pool's payout address. Never throws: every failure becomes a {@link Result} with the
 * reason.
 */
public final class NodeCheck {
    /** Outcome of one check; {@code problem} is null when the node is usable. */
    public record Result(boolean ok, String problem, Network network, boolean addressProblem, String templatePrev) {
        static Result ok(Network net, String prev) {
            return new Result(true, null, net, false, prev);
        }

        static Result failed(String why) {
            return new Result(false, why, null, false, null);
        }

        static Result badAddress(String why, Network net) {
            return new Result(false, why, net, true, null);
        }
    }

    private final String btcaddress;

    /** @param btcaddress the pool's payout address, or null when there is none to check (solo mode) */
    public NodeCheck(String btcaddress) {
        this.btcaddress = btcaddress == null || btcaddress.isBlank() ? null : btcaddress.strip();
    }

    public Result check(Node node) {
        BitcoinRpcClient rpc = node.quickRpc();
        Network net;
        String prev;
        try {
            JsonNode info = rpc.getBlockchainInfo();
            String chain = info.path("chain").asText("");
            try {
                net = Network.fromChainName(chain);
            } catch (IllegalArgumentException e) {
                return Result.failed("unknown chain \"" + chain + "\" in getblockchaininfo");
            }
            JsonNode t = rpc.getBlockTemplate();
            String shape = TemplateShape.problem(t);
            if (shape != null) {
                return Result.failed("getblocktemplate: " + shape);
            }
            prev = t.path("previousblockhash").asText();
        } catch (RpcException e) {
            return Result.failed(e.getMessage());
        } catch (RuntimeException e) {
            return Result.failed("unexpected reply: " + e);
        }
        if (btcaddress == null) {
            return Result.ok(net, prev);
        }
        try {
            String bad = addressProblem(rpc, net);
            return bad == null ? Result.ok(net, prev) : Result.badAddress(bad, net);
        } catch (RpcException e) {
            return Result.failed(e.getMessage());
        }
    }

    /**
     * Asks validateaddress; when its reply lacks the script fields (wallet-era Core moved them) asks getaddressinfo.
     * The address must also decode locally for the node's chain, because the stratifier builds the payout script
     * itself. Transport failures propagate.
     */
    private String addressProblem(BitcoinRpcClient rpc, Network net) {
        String prefix = "btcaddress \"" + btcaddress + "\" ";
        JsonNode v = null;
        try {
            v = rpc.validateAddress(btcaddress);
        } catch (RpcException e) {
            if (e.isTransportFailure()) {
                throw e;
            }
        }
        if (v != null && v.has("isvalid") && !v.path("isvalid").asBoolean(false)) {
            return prefix + "is invalid on this node (chain " + net.chainName() + "): "
                    + v.path("error").asText("validateaddress says isvalid=false");
        }
        if (v == null || !v.has("isvalid") || !v.has("isscript") || !v.has("iswitness")) {
            try {
                rpc.getAddressInfo(btcaddress);
            } catch (RpcException e) {
                if (e.isTransportFailure()) {
                    throw e;
                }
                return prefix + "is rejected by getaddressinfo (chain " + net.chainName() + "): " + e.rpcMessage();
            }
        }
        try {
            Address.toScript(btcaddress, net);
        } catch (IllegalArgumentException e) {
            return prefix + "is not a valid " + net.chainName() + " address: " + e.getMessage();
        }
        return null;
    }
}
