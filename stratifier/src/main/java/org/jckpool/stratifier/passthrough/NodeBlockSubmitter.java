package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.rpc.BitcoinRpcClient;
import org.jckpool.libpool.rpc.RpcCredentials;
import org.jckpool.libpool.rpc.RpcException;
import org.jckpool.suite.config.BtcdConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The node's own bitcoinds ({@code btcd}, in order): a rebuilt block goes to the first that answers, on a thread of
 * its own so that the relay never waits for RPC. Outcomes are logged as the pool logs them ({@code BLOCK ACCEPTED}
 * / {@code BLOCK REJECTED}); {@code duplicate} (the node had the block already, e.g. from the upstream pool) is
 * logged as such. Missing transactions can be fetched from the node with {@code getrawtransaction}.
 */
class NodeBlockSubmitter {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final Duration REQUEST = Duration.ofSeconds(30);

    private final List<BitcoinRpcClient> nodes = new ArrayList<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "node-submitblock");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong duplicate = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastBlock;
    private volatile String lastAccepted;

    NodeBlockSubmitter(List<BtcdConfig> btcd) {
        for (BtcdConfig b : btcd) {
            nodes.add(new BitcoinRpcClient(b.url(), RpcCredentials.fromConfig(b.auth(), b.pass()), CONNECT, REQUEST));
        }
    }

    /** For tests: no bitcoind. */
    NodeBlockSubmitter() {
    }

    /** Runs work that talks to the bitcoinds (block assembly with fetches, then {@link #submit}) off the relay. */
    void execute(Runnable r) {
        thread.execute(r);
    }

    /** Submits the block to the first bitcoind that answers (blocking: call it from {@link #execute}). */
    void submit(long height, String hash, String blockHex, String worker) {
        submitted.incrementAndGet();
        lastBlock = hash;
        for (int i = 0; i < nodes.size(); i++) {
            BitcoinRpcClient n = nodes.get(i);
            String result;
            try {
                result = n.submitBlock(blockHex);
            } catch (RpcException e) {
                Log.warning("Node submitblock of %s to btcd %d %s failed: %s", hash, i, n.uri(), e.getMessage());
                continue;
            }
            if (result == null) {
                accepted.incrementAndGet();
                lastAccepted = hash;
                Log.warning("BLOCK ACCEPTED height %s hash %s worker %s node %s (submitted by this node)", height,
                        hash, worker, n.uri());
            } else if ("duplicate".equals(result)) {
                duplicate.incrementAndGet();
                Log.warning("BLOCK ACCEPTED height %s hash %s worker %s node %s: duplicate (the node had it already)",
                        height, hash, worker, n.uri());
            } else {
                rejected.incrementAndGet();
                Log.err("BLOCK REJECTED height %s hash %s worker %s node %s: %s", height, hash, worker, n.uri(),
                        result);
            }
            return;
        }
        failed.incrementAndGet();
        Log.err("BLOCK NOT SUBMITTED height %s hash %s worker %s: no btcd answered (the upstream pool submits it too)",
                height, hash, worker);
    }

    /** A transaction's raw hex from the first bitcoind that has it, or null. */
    String rawTransaction(String txid) {
        for (BitcoinRpcClient n : nodes) {
            try {
                JsonNode r = n.call("getrawtransaction", txid);
                if (r != null && r.isTextual()) {
                    return r.asText();
                }
            } catch (RpcException e) {
                Log.debug("getrawtransaction %s from %s: %s", txid, n.uri(), e.getMessage());
            }
        }
        return null;
    }

    ObjectNode stats() {
        ObjectNode o = Json.object();
        o.put("btcd", nodes.size());
        o.put("submitted", submitted.get());
        o.put("accepted", accepted.get());
        o.put("duplicate", duplicate.get());
        o.put("rejected", rejected.get());
        o.put("failed", failed.get());
        if (lastBlock != null) {
            o.put("last_block", lastBlock);
        }
        if (lastAccepted != null) {
            o.put("last_accepted", lastAccepted);
        }
        return o;
    }

    void stop() {
        thread.shutdownNow();
        nodes.forEach(BitcoinRpcClient::close);
    }
}
