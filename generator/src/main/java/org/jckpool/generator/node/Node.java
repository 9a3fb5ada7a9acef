package org.jckpool.generator.node;

import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.suite.config.BtcdConfig;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;

/**
 * One configured bitcoind: its place in the failover order, two views of one RPC connection pool (short waits for
 * checks and polls, longer ones for templates and blocks; at most {@code rpcconnections} calls at the node at once,
 * submitblock first in line) and what the last check found. State fields are written by the
 * {@link NodeManager} only.
 */
public final class Node implements AutoCloseable {
    private final int priority;
    private final BtcdConfig config;
    private final BitcoinRpcClient quick;
    private final BitcoinRpcClient work;
    private volatile boolean alive;
    private volatile String problem = "not checked yet";
    private volatile Network network;
    private volatile long lastCheckMillis;

    Node(int priority, BtcdConfig config, NodeTimeouts timeouts, int rpcConnections) {
        this.priority = priority;
        this.config = config;
        RpcCredentials creds = RpcCredentials.fromConfig(config.auth(), config.pass());
        this.quick = new BitcoinRpcClient(config.url(), creds, timeouts.connect(), timeouts.quick(), rpcConnections);
        this.work = quick.withRequestTimeout(timeouts.work()); // one small pool of connections for all calls
    }

    /** 0 for the first btcd entry (the preferred node), 1 for the next, … */
    public int priority() {
        return priority;
    }

    /** The url as configured (host:port or http://…), used to name the node in messages. */
    public String url() {
        return config.url();
    }

    /** True when the node calls the notifier on new blocks ({@code "notify": true}): no tip polling needed. */
    public boolean notifies() {
        return config.notifies();
    }

    /** For health checks and tip polls. */
    public BitcoinRpcClient quickRpc() {
        return quick;
    }

    /** For getblocktemplate and submitblock. */
    public BitcoinRpcClient workRpc() {
        return work;
    }

    public boolean alive() {
        return alive;
    }

    /** Why the node is not usable (null when alive). */
    public String problem() {
        return problem;
    }

    /** The chain the node reported, or null before the first successful check. */
    public Network network() {
        return network;
    }

    public long lastCheckMillis() {
        return lastCheckMillis;
    }

    void markAlive(Network net) {
        network = net;
        problem = null;
        alive = true;
        lastCheckMillis = System.currentTimeMillis();
    }

    void markDead(String why) {
        problem = why;
        alive = false;
        lastCheckMillis = System.currentTimeMillis();
    }

    @Override
    public void close() {
        quick.close();
        work.close();
    }

    @Override
    public String toString() {
        return "bitcoind " + priority + " (" + url() + ")";
    }
}
