package org.jckpool.generator.submit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jckpool.generator.node.Node;
import org.jckpool.generator.node.NodeManager;
import org.jckpool.libpool.bitcoin.Block;
import org.jckpool.libpool.bitcoin.ByteReader;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.log.EventLog;
import org.jckpool.libpool.log.Log;
import org.jckpool.libpool.rpc.RpcException;

/**
 * Sends a solved block to every configured node in parallel, live or not (a node marked down may only be busy).
 * Per node: {@code null} or {@code "duplicate"} = accepted, any other string = rejected with that reason; a node that does not answer (busy with HTTP 503, timing out, refusing) is asked again with
 * back-off for {@link #RETRY_WINDOW_MS}. No node answering is "lost", never "rejected".
 * Accepted blocks are confirmed with getblockhash(height) == hash. The whole submission is bounded in time.
 */
public final class BlockBroadcaster implements AutoCloseable {
    static final long FIRST_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 2_000;
    /** How long a node that does not answer (busy, timing out, refusing connections) is asked again. */
    static final long RETRY_WINDOW_MS = 25_000;
    static final long ANSWER_WAIT_MS = 30_000;
    static final long OVERALL_TIMEOUT_MS = 45_000;

    private final NodeManager nodes;
    private final long retryWindowMs;
    private final ExecutorService pool = Executors.newCachedThreadPool(new java.util.concurrent.ThreadFactory() {
        private final AtomicInteger n = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "generator-submit-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        }
    });
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private volatile Runnable onAccepted = () -> { };

    public BlockBroadcaster(NodeManager nodes) {
        this(nodes, RETRY_WINDOW_MS);
    }

    /** @param retryWindowMs how long a node that does not answer is asked again */
    public BlockBroadcaster(NodeManager nodes, long retryWindowMs) {
        this.nodes = nodes;
        this.retryWindowMs = retryWindowMs;
    }

    /**
     * Runs after a node accepted a block (on a submit thread): the chain tip has moved, so the generator fetches
     * the next block's template at once instead of waiting for a poll or notification to tell it.
     */
    public void onAccepted(Runnable action) {
        this.onAccepted = action;
    }

    /** One node's answer. */
    record NodeAnswer(Node node, boolean answered, boolean accepted, String reason) {
    }

    /**
     * Submits {@code hex}. {@code rpcHash} (RPC order) and {@code height} may be null/negative: they are then read
     * from the block itself. Completes, never exceptionally, within {@link #OVERALL_TIMEOUT_MS}.
     */
    public CompletableFuture<SubmitOutcome> submit(String hex, String rpcHash, long height) {
        return CompletableFuture.supplyAsync(() -> submitNow(hex, rpcHash, height), pool)
                .completeOnTimeout(SubmitOutcome.lost("submission timed out"), OVERALL_TIMEOUT_MS,
                        TimeUnit.MILLISECONDS)
                .exceptionally(e -> SubmitOutcome.lost("submission failed: " + e));
    }

    private SubmitOutcome submitNow(String hex, String rpcHash, long height) {
        if (hex == null || hex.isEmpty() || !Hex.isHex(hex)) {
            return new SubmitOutcome(false, "block hex missing or not hex", null, false);
        }
        String hash = rpcHash;
        long h = height;
        try {
            byte[] raw = Hex.decode(hex);
            Block block = Block.parse(raw);
            String computed = Hex.toRpc(block.hash());
            if (hash == null || hash.isEmpty()) {
                hash = computed;
            } else if (!hash.equalsIgnoreCase(computed)) {
                Log.warning("submitblock: given hash %s differs from the block's own hash %s; using the latter",
                        hash, computed);
                hash = computed;
            }
            if (h < 0) {
                h = coinbaseHeight(block);
            }
        } catch (RuntimeException e) {
            Log.warning("submitblock: block does not parse (%s); sending it anyway", e.getMessage());
        }
        submitted.incrementAndGet();
        // Every configured node, live or not: one marked down may only be busy (HTTP 503) or back by now, and a
        // block is too valuable not to try; the first acceptance decides, the rest go on in the background.
        List<Node> targets = nodes.nodes();
        int live = nodes.liveNodes().size();
        if (live == 0) {
            Log.emerg("Submitting block %s with no live bitcoind: trying every configured node", hash);
        }
        Log.warning("Submitting block %s at height %d to %d node(s), %d live", hash, h, targets.size(), live);
        List<CompletableFuture<NodeAnswer>> answers = new ArrayList<>();
        for (Node n : targets) {
            answers.add(CompletableFuture.supplyAsync(() -> submitTo(n, hex), pool));
        }
        awaitDecision(answers);
        NodeAnswer accept = null;
        NodeAnswer reject = null;
        NodeAnswer silent = null;
        for (CompletableFuture<NodeAnswer> f : answers) {
            NodeAnswer a = f.getNow(null);
            if (a == null) {
                continue; // still retrying: it goes on in the background
            }
            if (a.accepted() && (accept == null || a.node().priority() < accept.node().priority())) {
                accept = a;
            } else if (a.answered() && !a.accepted() && reject == null) {
                reject = a;
            } else if (!a.answered() && silent == null) {
                silent = a;
            }
        }
        if (accept != null) {
            accepted.incrementAndGet();
            Log.warning("BLOCK ACCEPTED! %s at height %d by %s%s", hash, h, accept.node().url(),
                    accept.reason() == null ? "" : " (" + accept.reason() + ")");
            try {
                onAccepted.run(); // the next height's work first: every miner is now on a stale tip
            } catch (RuntimeException e) {
                Log.err("block accepted action failed: %s", e);
            }
            boolean confirmed = confirm(accept.node(), hash, h);
            Log.notice("Block %s %s", hash, confirmed ? "confirmed in the chain" : "NOT confirmed by getblockhash");
            EventLog.global().event(EventLog.BLOCK_SUBMITTED, "hash", hash, "height", h, "result", "accepted",
                    "node", accept.node().url(), "confirmed", confirmed);
            return new SubmitOutcome(true, accept.reason(), accept.node().url(), confirmed);
        }
        if (reject == null) {
            lost.incrementAndGet();
            String reason = silent == null ? "no node to submit to" : silent.reason();
            Log.emerg("BLOCK LOST! %s at height %d: no node answered (%s)", hash, h, reason);
            EventLog.global().event(EventLog.BLOCK_SUBMITTED, "hash", hash, "height", h, "result", "lost",
                    "reason", reason, "node", null);
            return SubmitOutcome.lost(reason);
        }
        rejected.incrementAndGet();
        Log.err("BLOCK REJECTED! %s at height %d: %s (%s)", hash, h, reject.reason(), reject.node().url());
        EventLog.global().event(EventLog.BLOCK_SUBMITTED, "hash", hash, "height", h, "result", "rejected",
                "reason", reject.reason(), "node", reject.node().url());
        return new SubmitOutcome(false, reject.reason(), reject.node().url(), false);
    }

    /**
     * Waits until every node answered, or one accepted (a hung node must not hold up the good news), or
     * {@link #ANSWER_WAIT_MS} passed.
     */
    private static void awaitDecision(List<CompletableFuture<NodeAnswer>> answers) {
        CompletableFuture<Object> accepted = new CompletableFuture<>();
        for (CompletableFuture<NodeAnswer> f : answers) {
            f.thenAccept(a -> {
                if (a.accepted()) {
                    accepted.complete(a);
                }
            });
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new));
        try {
            CompletableFuture.anyOf(all, accepted).get(ANSWER_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            Log.warning("submitblock: not every node answered within %d ms", ANSWER_WAIT_MS);
        }
    }

    /**
     * One node: its answer, or after {@link #RETRY_WINDOW_MS} of transport failures (busy, timeout, refused) "no
     * answer" (lost). A busy node (HTTP 503) or a timeout is asked again with back-off, never counted as a refusal.
     */
    private NodeAnswer submitTo(Node node, String hex) {
        String last = "no answer";
        long backoff = FIRST_BACKOFF_MS;
        long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryWindowMs);
        for (int attempt = 1; ; attempt++) {
            try {
                String r = node.workRpc().submitBlock(hex);
                if (r == null || r.equals("duplicate")) {
                    return new NodeAnswer(node, true, true, r);
                }
                Log.warning("submitblock on %s: %s", node.url(), r);
                return new NodeAnswer(node, true, false, r);
            } catch (RpcException e) {
                if (!e.isTransportFailure()) {
                    Log.warning("submitblock on %s: error %d %s", node.url(), e.code(), e.rpcMessage());
                    return new NodeAnswer(node, true, false, e.rpcMessage());
                }
                last = e.getMessage();
                Log.warning("submitblock on %s: attempt %d failed (%s); again in %d ms", node.url(), attempt, last,
                        backoff);
            } catch (RuntimeException e) {
                last = e.toString();
            }
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff) - giveUp > 0 || !sleep(backoff)) {
                break;
            }
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
        return new NodeAnswer(node, false, false, "no answer from " + node.url() + ": " + last);
    }

    private static boolean confirm(Node node, String hash, long height) {
        if (height < 0 || hash == null) {
            return false;
        }
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                if (hash.equalsIgnoreCase(node.quickRpc().getBlockHash(height))) {
                    return true;
                }
            } catch (RpcException e) {
                Log.info("getblockhash %d on %s: %s", height, node.url(), e.getMessage());
            }
            if (!sleep(200)) {
                break;
            }
        }
        return false;
    }

    /** The BIP34 height: the first push of the coinbase scriptSig, a little-endian number. -1 when absent. */
    static long coinbaseHeight(Block block) {
        if (block.transactions().isEmpty() || block.transactions().get(0).inputs().isEmpty()) {
            return -1;
        }
        byte[] sig = block.transactions().get(0).inputs().get(0).scriptSig();
        if (sig.length == 0) {
            return -1;
        }
        int op = sig[0] & 0xff;
        if (op >= 0x51 && op <= 0x60) {
            return op - 0x50;
        }
        if (op < 1 || op > 8 || sig.length < 1 + op) {
            return -1;
        }
        ByteReader r = new ByteReader(sig, 1, op);
        long v = 0;
        for (int i = 0; i < op; i++) {
            v |= (long) r.u8() << (8 * i);
        }
        return v;
    }

    private static boolean sleep(long ms) {
        try {
            Thread.sleep(ms);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public long submitted() {
        return submitted.get();
    }

    public long accepted() {
        return accepted.get();
    }

    public long rejected() {
        return rejected.get();
    }

    /** Blocks no node answered for. */
    public long lost() {
        return lost.get();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
