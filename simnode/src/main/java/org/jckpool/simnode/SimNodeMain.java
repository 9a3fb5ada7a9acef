package org.jckpool.simnode;

import org.jckpool.simnode.rpc.FailureMode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.jckpool.libpool.log.Log;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code scripts/simnode}: a simulated regtest bitcoind for tests and the demo. */
@Command(name = "simnode", mixinStandardHelpOptions = true, version = "jckpool simnode 0.1.0",
        description = "Simulated bitcoind (regtest) speaking Core's JSON-RPC, validating submitted blocks as Core does.")
public final class SimNodeMain implements Callable<Integer> {
    @Option(names = "--port", description = "RPC port on 127.0.0.1; 0 picks a free one (default ${DEFAULT-VALUE})")
    int port = 18443;
    @Option(names = "--rpcuser", description = "RPC user (with --rpcpassword)")
    String rpcUser = "";
    @Option(names = "--rpcpassword", description = "RPC password; without it a cookie is written to DATADIR/regtest/.cookie")
    String rpcPassword = "";
    @Option(names = "--datadir", description = "Directory for the cookie file (default: a temporary directory)")
    Path dataDir;
    @Option(names = "--txs", description = "Synthetic mempool transactions kept available (default ${DEFAULT-VALUE})")
    int txs = 3;
    @Option(names = "--mine-interval", paramLabel = "SECONDS",
            description = "Mine a block on the tip every SECONDS (0 = never, default ${DEFAULT-VALUE})")
    double mineInterval = 0;
    @Option(names = "--blocknotify", paramLabel = "CMD", description = "Run CMD on each new tip, %%s = block hash")
    String blockNotify;
    @Option(names = "--zmqpubhashblock", paramLabel = "ENDPOINT",
            description = "Publish hashblock on ENDPOINT, e.g. tcp://127.0.0.1:28332")
    String zmqPubHashBlock;
    @Option(names = "--rpcthreads", description = "Requests served at once, as Core's -rpcthreads (default ${DEFAULT-VALUE})")
    int rpcThreads = org.jckpool.simnode.rpc.RpcWorkQueue.DEFAULT_THREADS;
    @Option(names = "--rpcworkqueue",
            description = "Requests that may wait for a thread, as Core's -rpcworkqueue; more get HTTP 503 "
                    + "\"Work queue depth exceeded\" (default ${DEFAULT-VALUE})")
    int rpcWorkQueue = org.jckpool.simnode.rpc.RpcWorkQueue.DEFAULT_DEPTH;
    @Option(names = "--template-delay-ms", paramLabel = "MS",
            description = "Time each getblocktemplate takes (default ${DEFAULT-VALUE})")
    long templateDelayMs = 0;
    @Option(names = "--mode", description = "Failure mode: ok, http500, garbage, hang, busy (default ${DEFAULT-VALUE})")
    String mode = "ok";
    @Option(names = "--time", paramLabel = "UNIX_SECONDS", description = "Fix the node clock (like -mocktime); 0 = real time")
    long time = 0;
    @Option(names = "--seed", description = "Seed for the synthetic transactions (0 = random)")
    long seed = 0;
    @Option(names = "--bits", paramLabel = "HEX",
            description = "Compact target of new blocks (default ${DEFAULT-VALUE}, Core's regtest); e.g. 1e00ffff "
                    + "makes blocks rarer than pool shares")
    String bits = "207fffff";

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimNodeMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Log.setProcess("simnode");
        Log.setLevel(Log.INFO); // its new tips and refused blocks on stderr, as before
        SimNodeOptions options = new SimNodeOptions();
        options.port = port;
        options.rpcUser = rpcUser;
        options.rpcPassword = rpcPassword;
        options.dataDir = dataDir;
        options.txs = txs;
        options.mineIntervalSeconds = mineInterval;
        options.blockNotify = blockNotify;
        options.zmqPubHashBlock = zmqPubHashBlock;
        options.fixedTime = time;
        options.seed = seed;
        options.rpcThreads = rpcThreads;
        options.rpcWorkQueue = rpcWorkQueue;
        options.templateDelayMillis = templateDelayMs;
        try {
            options.bits = Long.parseLong(bits, 16);
            org.jckpool.libpool.bitcoin.Target.fromCompact(options.bits);
        } catch (RuntimeException e) {
            System.err.println("simnode: --bits must be a valid compact target in hex such as 1e00ffff");
            return 2;
        }
        try {
            options.mode = FailureMode.parse(mode);
        } catch (IllegalArgumentException e) {
            System.err.println("simnode: " + e.getMessage());
            return 2;
        }
        if (port < 0 || port > 65535 || txs < 0 || mineInterval < 0 || time < 0 || templateDelayMs < 0
                || rpcThreads < 1 || rpcWorkQueue < 1) {
            System.err.println("simnode: --port 0..65535, --txs, --mine-interval, --time and --template-delay-ms must "
                    + "not be negative; --rpcthreads and --rpcworkqueue at least 1");
            return 2;
        }
        SimNode node = new SimNode(options);
        int bound;
        try {
            bound = node.start();
        } catch (Exception e) {
            System.err.println("simnode: cannot start: " + e.getMessage());
            return 1;
        }
        System.out.println("simnode listening on 127.0.0.1:" + bound);
        if (node.cookieFile() != null) {
            System.out.println("simnode cookie " + node.cookieFile());
        }
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "simnode-shutdown"));
        node.awaitStop();
        return 0;
    }
}
