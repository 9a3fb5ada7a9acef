package org.jckpool.simnode;

import org.jckpool.simnode.rpc.FailureMode;
import java.nio.file.Path;

/**
 * Everything a simulated node can be configured with. Mutable fields with defaults, so tests write
 * {@code var o = new SimNodeOptions(); o.txs = 0; new SimNode(o).start()}.
 */
public final class SimNodeOptions {
    /** Bind address; loopback only. */
    public String bindHost = "127.0.0.1";
    /** TCP port; 0 picks a free one (read it back from {@link SimNode#port()}). */
    public int port = 0;
    /** Basic-auth user; with an empty password a Core-style cookie file is used instead. */
    public String rpcUser = "";
    public String rpcPassword = "";
    /** Data directory; the cookie goes to {@code <datadir>/regtest/.cookie} as in Core. */
    public Path dataDir;
    /** Synthetic mempool size kept topped up after every block. */
    public int txs = 3;
    /** Seconds between blocks the node mines itself; 0 = never. */
    public double mineIntervalSeconds = 0;
    /** Shell command run on every new tip, {@code %s} replaced by the block hash (RPC order). */
    public String blockNotify;
    /** ZMQ endpoint for {@code hashblock}, e.g. tcp://127.0.0.1:28332. */
    public String zmqPubHashBlock;
    /** Initial failure mode. */
    public FailureMode mode = FailureMode.OK;
    /** Fixed node clock in Unix seconds (like Core's -mocktime); 0 = real time. */
    public long fixedTime = 0;
    /** Seed for the synthetic transactions; 0 = random. */
    public long seed = 0;
    /** Compact target of every block above genesis; Core's regtest value by default. */
    public long bits = org.jckpool.simnode.chain.Consensus.REGTEST_BITS;
    /** Longest wait of a long-polling getblocktemplate, in milliseconds. */
    public long longPollMaxMillis = 60_000;
    /** Core's -rpcthreads: requests served at once. */
    public int rpcThreads = org.jckpool.simnode.rpc.RpcWorkQueue.DEFAULT_THREADS;
    /** Core's -rpcworkqueue: requests waiting for a thread before the node answers 503. */
    public int rpcWorkQueue = org.jckpool.simnode.rpc.RpcWorkQueue.DEFAULT_DEPTH;
    /** Time each getblocktemplate takes (a node with a full mempool needs tens of milliseconds). */
    public long templateDelayMillis = 0;
    /** Delay after a failed authentication, as Core does against brute force. */
    public long authFailureDelayMillis = 250;
}
