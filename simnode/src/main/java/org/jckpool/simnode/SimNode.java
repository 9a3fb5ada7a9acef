package org.jckpool.simnode;

import org.jckpool.simnode.chain.NodeClock;
import org.jckpool.simnode.rpc.FailureMode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.log.Log;
import org.jckpool.simnode.chain.OwnBlockMiner;
import org.jckpool.simnode.chain.ChainState;
import org.jckpool.simnode.notify.BlockNotifyCommand;
import org.jckpool.simnode.notify.ZmqHashBlockPublisher;
import org.jckpool.simnode.rpc.AddressRpc;
import org.jckpool.simnode.rpc.BlockchainRpc;
import org.jckpool.simnode.rpc.RawTransactionRpc;
import org.jckpool.simnode.rpc.ControlRpc;
import org.jckpool.simnode.rpc.MiningRpc;
import org.jckpool.simnode.rpc.RpcAuth;
import org.jckpool.simnode.rpc.RpcDispatcher;
import org.jckpool.simnode.rpc.RpcServer;
import org.jckpool.simnode.rpc.RpcWorkQueue;

/**
 * A simulated bitcoind (regtest): JSON-RPC server, chain state, mempool, notifications and the optional timer
 * miner. Tests use it in-process:
 * <pre>
 *   SimNodeOptions o = new SimNodeOptions();
 *   o.rpcUser = "u"; o.rpcPassword = "p";
 *   try (SimNode node = new SimNode(o)) { int port = node.start(); ... }
 * </pre>
 */
public final class SimNode implements AutoCloseable {
    /** Payout of the blocks the node mines on its own timer (bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080). */
    private static final byte[] TIMER_PAYOUT = Hex.decode("0014751e76e8199196d454941c45d1b3a323f1433bd6");

    private final SimNodeOptions options;
    private final NodeClock clock;
    private final ChainState chain;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private RpcAuth auth;
    private RpcServer server;
    private ZmqHashBlockPublisher zmq;
    private ScheduledExecutorService miner;
    private Path tempDataDir;
    private int port = -1;
    private boolean closed;

    public SimNode(SimNodeOptions options) {
        this.options = options;
        this.clock = new NodeClock(options.fixedTime);
        this.chain = new ChainState(clock, Math.max(0, options.txs), options.seed, options.bits);
    }

    /** Starts serving; returns the bound port. */
    public synchronized int start() throws IOException {
        if (port >= 0) {
            return port;
        }
        if (!"127.0.0.1".equals(options.bindHost) && !"::1".equals(options.bindHost)
                && !"localhost".equals(options.bindHost)) {
            throw new IllegalArgumentException("simnode binds loopback only, not " + options.bindHost);
        }
        try {
            if (options.rpcPassword != null && !options.rpcPassword.isEmpty()) {
                auth = RpcAuth.password(options.rpcUser == null ? "" : options.rpcUser, options.rpcPassword);
            } else {
                Path dir = options.dataDir;
                if (dir == null) {
                    tempDataDir = Files.createTempDirectory("simnode");
                    dir = tempDataDir;
                }
                auth = RpcAuth.cookie(dir);
            }
            if (options.zmqPubHashBlock != null && !options.zmqPubHashBlock.isBlank()) {
                zmq = new ZmqHashBlockPublisher(options.zmqPubHashBlock);
                chain.addTipListener(zmq);
            }
            if (options.blockNotify != null && !options.blockNotify.isBlank()) {
                chain.addTipListener(new BlockNotifyCommand(options.blockNotify));
            }
            RpcDispatcher dispatcher = new RpcDispatcher();
            BlockchainRpc.register(dispatcher, chain);
            MiningRpc.register(dispatcher, chain, options.longPollMaxMillis);
            AddressRpc.register(dispatcher);
            RawTransactionRpc.register(dispatcher, chain);
            long startMillis = System.currentTimeMillis();
            server = new RpcServer(new ObjectMapper(), dispatcher, auth, options.mode, options.authFailureDelayMillis,
                    new RpcWorkQueue(options.rpcThreads, options.rpcWorkQueue), options.templateDelayMillis);
            ControlRpc.register(dispatcher, chain, clock, startMillis, this::close, server::mode, server::setMode);
            dispatcher.register("simnode.rpcstats", java.util.List.of(), p -> {
                // Core's RPC pressure as a client saw it: 503s given, calls in and waiting, calls per method
                var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
                o.put("refused", server.workQueue().refused());
                o.put("running", server.workQueue().running());
                o.put("waiting", server.workQueue().waiting());
                server.calls().forEach(o.putObject("calls")::put);
                return o;
            });
            port = server.start(options.bindHost, options.port);
            if (options.mineIntervalSeconds > 0) {
                startTimerMiner();
            }
            Log.info("simnode listening on %s:%s", options.bindHost, port);
            return port;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void startTimerMiner() {
        miner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "simnode-miner");
            t.setDaemon(true);
            return t;
        });
        long periodMillis = Math.max(1, (long) (options.mineIntervalSeconds * 1000));
        miner.scheduleWithFixedDelay(this::mineOneBlock, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /** Mines one block on the current tip, as the timer does (also handy for tests). Returns the result of submit. */
    public String mineOneBlock() {
        try {
            ChainState.TemplateSnapshot snap = chain.templateSnapshot();
            Block block = OwnBlockMiner.mine(
                    OwnBlockMiner.build(snap, TIMER_PAYOUT, snap.transactions(), clock.now()), 1L << 32);
            String result = chain.submit(block);
            if (result != null) {
                Log.warning("own block rejected: %s", result);
            }
            return result;
        } catch (RuntimeException e) {
            Log.err("timer miner failed: %s", e);
            return e.toString();
        }
    }

    /** The ZMQ hashblock endpoint as bound (its real port when the options asked for "*"), or null. */
    public String zmqEndpoint() {
        return zmq == null ? null : zmq.endpoint();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} */
    public String url() {
        String host = options.bindHost.contains(":") ? "[" + options.bindHost + "]" : options.bindHost;
        return "http://" + host + ":" + port;
    }

    /** The cookie file when cookie auth is in use, else null. */
    public Path cookieFile() {
        return auth == null ? null : auth.cookieFile();
    }

    public ChainState chain() {
        return chain;
    }

    public NodeClock clock() {
        return clock;
    }

    public FailureMode mode() {
        return server.mode();
    }

    /** The RPC admission queue (Core's -rpcthreads/-rpcworkqueue), for tests. */
    public RpcWorkQueue workQueue() {
        return server.workQueue();
    }

    public void setMode(FailureMode mode) {
        server.setMode(mode);
    }

    /** Blocks until the node is stopped (RPC "stop" or {@link #close()}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (miner != null) {
            miner.shutdownNow();
        }
        if (server != null) {
            server.stop();
        }
        chain.wakeAll();
        if (zmq != null) {
            zmq.close();
        }
        if (auth != null) {
            auth.close();
        }
        if (tempDataDir != null) {
            try {
                Files.deleteIfExists(tempDataDir.resolve("regtest"));
                Files.deleteIfExists(tempDataDir);
            } catch (IOException e) {
                Log.debug("temp dir left behind: %s", tempDataDir);
            }
        }
        stopped.countDown();
    }
}
