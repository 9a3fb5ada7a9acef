package org.jckpool.generator;

import java.util.List;

import org.jckpool.generator.node.NodeTimeouts;
import org.jckpool.suite.config.BtcdConfig;
import org.jckpool.suite.config.PoolConfig;

/**
 * What the generator needs from the configuration.
 *
 * @param btcd           bitcoinds in failover order ({@code btcd})
 * @param btcaddress     payout address checked on every node ({@code btcaddress}); null to skip (solo mode)
 * @param blockpollMs    tip poll period for nodes without notify ({@code blockpoll}, 100 ms)
 * @param updateInterval seconds between templates when nothing else asked ({@code update_interval}, 30)
 * @param zmqblock       ZMQ hashblock endpoint, or null when {@code zmqblock} is not in the config
 * @param timeouts       RPC waits and the watchdog period
 * @param rpcConnections calls on the wire to each node at once ({@code rpcconnections}, 4)
 */
public record GeneratorSettings(List<BtcdConfig> btcd, String btcaddress, int blockpollMs, int updateInterval,
                                String zmqblock, NodeTimeouts timeouts, int rpcConnections) {

    /** With the default number of RPC connections per node. */
    public GeneratorSettings(List<BtcdConfig> btcd, String btcaddress, int blockpollMs, int updateInterval,
                             String zmqblock, NodeTimeouts timeouts) {
        this(btcd, btcaddress, blockpollMs, updateInterval, zmqblock, timeouts, PoolConfig.DEFAULT_RPC_CONNECTIONS);
    }

    /** From ckpool.conf; {@code solo} (-B) skips the btcaddress check, as there is no pool address then. */
    public static GeneratorSettings from(PoolConfig cfg, boolean solo) {
        // PoolConfig always has a zmqblock default; ZMQ is only used when the operator wrote the key
        String zmq = cfg.raw() != null && cfg.raw().hasNonNull("zmqblock") ? cfg.zmqblock() : null;
        return new GeneratorSettings(cfg.btcd(), solo ? null : cfg.btcaddress(), cfg.blockpollMs(),
                cfg.updateInterval(), zmq, NodeTimeouts.DEFAULT, cfg.rpcConnections());
    }

    public GeneratorSettings withTimeouts(NodeTimeouts t) {
        return new GeneratorSettings(btcd, btcaddress, blockpollMs, updateInterval, zmqblock, t, rpcConnections);
    }
}
