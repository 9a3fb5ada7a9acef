package org.jckpool.simnode.rpc;

import static org.jckpool.simnode.rpc.RpcJson.NODES;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jckpool.simnode.rpc.FailureMode;
import org.jckpool.simnode.chain.NodeClock;
import org.jckpool.simnode.chain.ChainState;

/**
 * uptime, stop, getnetworkinfo, and the admin calls that steer the simulation:
 * {@code simnode.setmode "ok|http500|garbage|hang|busy"}, {@code simnode.getmode}, {@code simnode.settime N}
 * (0 = real clock) and {@code simnode.addtxs N}; SimNode adds {@code simnode.rpcstats} (503s given, calls per method).
 */
public final class ControlRpc {
    public static final int VERSION = 290000;
    public static final String SUBVERSION = "/Satoshi:29.0.0(jckpool-simnode)/";

    private ControlRpc() {
    }

    public static void register(RpcDispatcher rpc, ChainState chain, NodeClock clock, long startMillis,
                                Runnable stop, Supplier<FailureMode> mode, Consumer<FailureMode> setMode) {
        rpc.register("uptime", List.of(),
                p -> NODES.numberNode((System.currentTimeMillis() - startMillis) / 1000));
        rpc.register("stop", List.of("wait"), p -> {
            Thread stopper = new Thread(() -> {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                stop.run();
            }, "simnode-stop");
            stopper.start();
            return NODES.textNode("Bitcoin Core stopping");
        });
        rpc.register("getnetworkinfo", List.of(), p -> {
            ObjectNode o = NODES.objectNode();
            o.put("version", VERSION);
            o.put("subversion", SUBVERSION);
            o.put("protocolversion", 70016);
            o.put("localservices", "0000000000000c09");
            o.putArray("localservicesnames").add("NETWORK").add("WITNESS").add("NETWORK_LIMITED").add("P2P_V2");
            o.put("localrelay", true);
            o.put("timeoffset", 0);
            o.put("networkactive", true);
            o.put("connections", 0);
            o.put("connections_in", 0);
            o.put("connections_out", 0);
            o.putArray("networks");
            o.put("relayfee", new BigDecimal("0.00001000"));
            o.put("incrementalfee", new BigDecimal("0.00001000"));
            o.putArray("localaddresses");
            o.putArray("warnings");
            return o;
        });
        rpc.register("getconnectioncount", List.of(), p -> NODES.numberNode(0));
        rpc.register("simnode.setmode", List.of("mode"), p -> {
            FailureMode newMode;
            try {
                newMode = FailureMode.parse(p.string(0, "mode"));
            } catch (IllegalArgumentException e) {
                throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, e.getMessage());
            }
            setMode.accept(newMode);
            return NODES.textNode(newMode.wireName());
        });
        rpc.register("simnode.getmode", List.of(), p -> NODES.textNode(mode.get().wireName()));
        rpc.register("simnode.settime", List.of("time"), p -> {
            long time = p.integer(0, "time");
            if (time < 0) {
                throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, "time must be >= 0 (0 = real clock)");
            }
            clock.set(time);
            return NODES.numberNode(clock.now());
        });
        rpc.register("simnode.addtxs", List.of("count"), p -> {
            long count = p.integer(0, "count");
            if (count < 0 || count > 10_000) {
                throw new CoreRpcException(RpcCodes.INVALID_PARAMETER, "count must be 0..10000");
            }
            chain.addSyntheticTransactions((int) count);
            return NODES.numberNode(chain.mempool().size());
        });
    }
}
