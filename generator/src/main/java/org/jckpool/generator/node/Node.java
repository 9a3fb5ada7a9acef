package org.jckpool.generator.node;

import org.jckpool.libpool.bitcoin.Network;
import org.jckpool.libpool.config.BtcdConfig;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;

/**
 * One configured bitcoind: its place in the failover order, two RPC clients (short waits for checks and polls,
 * longer ones for templates and blocks) and what the last check found. State fields are written by the
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

    Node(int priority, BtcdConfig config, NodeTimeouts timeouts) {
        this.priority = priority;
        this.config = config;
        RpcCredentials creds = RpcCredentials.fromConfig(config.auth(), config.pass());
        this.quick = new BitcoinRpcClient(config.url(), creds, timeouts.connect(), timeouts.quick());
        this.work = new BitcoinRpcClient(config.url(), creds, timeouts.connect(), timeouts.work());
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
