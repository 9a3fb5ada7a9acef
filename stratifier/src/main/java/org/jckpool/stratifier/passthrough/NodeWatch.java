package org.jckpool.stratifier.passthrough;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jckpool.libpool.bitcoin.Hex;
import org.jckpool.libpool.bitcoin.StratumEncoding;
import org.jckpool.libpool.json.Json;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.link.NodeMessages;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ckpool -N}: the relay as a mining node. It links with {@code mining.node}, keeps the upstream's workinfos
 * (the newest {@link #WORKINFOS_KEPT}) and transactions, learns each miner's extranonce1 (subscribe reply) and
 * version mask (configure reply, set_version_mask), and checks each share its miners submit (after it went
 * upstream) against the network target. A share that solves a block is rebuilt into the block and submitted to the
 * node's own bitcoind at once; the upstream pool submits it too, from the same share. A {@code block} message from
 * upstream (ckpool's: a block found elsewhere) is rebuilt and submitted the same way.
 */
final class NodeWatch implements RelayTap {
    static final String NODE_REQUEST = "{\"method\":\"mining.node\",\"params\":[\"jckpool/0.1\"]}";
    static final int WORKINFOS_KEPT = 64;
    private static final int SOLVED_KEPT = 64;
    private static final long DEFAULT_VERSION_MASK = 0x1fffe000L;

    /** What the node knows of one miner. */
    private static final class Miner {
        volatile String subscribeId;
        volatile String configureId;
        volatile byte[] enonce1;
        volatile long versionMask = DEFAULT_VERSION_MASK;
        volatile String worker = "";
    }

    private final NodeBlockSubmitter submitter;
    private final NodeTransactions txns = new NodeTransactions();
    private final Map<Long, NodeWorkinfo> workinfos = new LinkedHashMap<>();
    private final Set<String> solved = new LinkedHashSet<>();
    private final Map<Integer, Miner> miners = new ConcurrentHashMap<>();
    private final AtomicLong workinfosIn = new AtomicLong();
    private final AtomicLong badWorkinfos = new AtomicLong();
    private final AtomicLong sharesChecked = new AtomicLong();
    private final AtomicLong unknownJobs = new AtomicLong();
    private final AtomicLong blocksFound = new AtomicLong();
    private final AtomicLong incomplete = new AtomicLong();

    NodeWatch(NodeBlockSubmitter submitter) {
        this.submitter = submitter;
    }

    @Override
    public String handshake() {
        return NODE_REQUEST;
    }

    // ---------------------------------------------------------------- upstream's node messages

    @Override
    public boolean fromUpstream(String line) {
        JsonNode n = Json.parseOrNull(line);
        String kind = n == null ? null : n.path(NodeMessages.NODE_METHOD).asText(null);
        if (kind == null) {
            return false;
        }
        switch (kind) {
            case NodeMessages.WORKINFO -> workinfo(n);
            case NodeMessages.TRANSACTIONS -> {
                int added = txns.add(n);
                if (added < 0) {
                    Log.warning("Node: transactions message without a transaction array, ignored");
                } else {
                    Log.info("Node: %d new transactions from upstream (%d kept)", added, txns.size());
                }
            }
            case NodeMessages.BLOCK -> upstreamBlock(n);
            default -> Log.info("Node: unknown node.method %s from upstream, ignored", kind);
        }
        return true;
    }

    private void workinfo(JsonNode n) {
        NodeWorkinfo w;
        try {
            w = NodeWorkinfo.parse(n);
        } catch (IllegalArgumentException e) {
            badWorkinfos.incrementAndGet();
            Log.warning("Node: bad workinfo from upstream (%s), ignored", e.getMessage());
            return;
        }
        workinfosIn.incrementAndGet();
        synchronized (workinfos) {
            workinfos.put(w.jobId(), w);
            Iterator<Long> it = workinfos.keySet().iterator();
            while (workinfos.size() > WORKINFOS_KEPT && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        Log.info("Node: workinfo %s height %s with %d transactions", Long.toHexString(w.jobId()), w.height(),
                w.txids().size());
    }

    NodeWorkinfo workinfo(long jobId) {
        synchronized (workinfos) {
            return workinfos.get(jobId);
        }
    }

    /** ckpool's block message: enonce1, nonce2, nonce, ntime32 (a number), jobid; jckpool's optional version. */
    private void upstreamBlock(JsonNode n) {
        NodeWorkinfo w = workinfo(n.path("jobid").asLong(-1));
        if (w == null) {
            Log.warning("Node: block message for unknown job %s, cannot submit it locally", n.path("jobid"));
            return;
        }
        try {
            long version = n.has("version") ? StratumEncoding.parseHex32(n.path("version").asText()) : w.version();
            BlockRebuild b = BlockRebuild.of(w, Hex.decode(n.path("enonce1").asText("")),
                    Hex.decode(n.path("nonce2").asText("")), n.path("ntime32").asLong(),
                    StratumEncoding.parseHex32(n.path("nonce").asText("")), version);
            Log.warning("Possible upstream block solve diff %s !", n.path("diff").asText());
            solvedBlock(b, "upstream");
        } catch (IllegalArgumentException e) {
            Log.warning("Node: bad block message from upstream (%s)", e.getMessage());
        }
    }

    // ---------------------------------------------------------------- miners' lines and their replies

    @Override
    public void fromMiner(ClientRoutes.Route r, String line) {
        JsonNode n = Json.parseOrNull(line);
        if (n == null) {
            return;
        }
        String method = n.path("method").asText("");
        Miner m = miners.computeIfAbsent(r.upstreamId(), k -> new Miner());
        switch (method) {
            case "mining.subscribe" -> m.subscribeId = n.path("id").toString();
            case "mining.configure" -> m.configureId = n.path("id").toString();
            case "mining.authorize" -> m.worker = n.path("params").path(0).asText("");
            case "mining.submit" -> share(m, n.path("params"));
            default -> {
            }
        }
    }

    @Override
    public void toMiner(ClientRoutes.Route r, String line) {
        Miner m = miners.get(r.upstreamId());
        if (m == null || (!line.contains("result") && !line.contains("set_version_mask"))) {
            return;
        }
        JsonNode n = Json.parseOrNull(line);
        if (n == null) {
            return;
        }
        if ("mining.set_version_mask".equals(n.path("method").asText())) {
            m.versionMask = parseMask(n.path("params").path(0).asText(""), m.versionMask);
            return;
        }
        String id = n.path("id").toString();
        JsonNode result = n.path("result");
        if (id.equals(m.subscribeId) && result.isArray()) {
            String e1 = result.path(1).asText("");
            if (Hex.isHex(e1)) {
                m.enonce1 = Hex.decode(e1);
            }
        } else if (id.equals(m.configureId) && result.isObject()) {
            m.versionMask = parseMask(result.path("version-rolling.mask").asText(""), m.versionMask);
        }
    }

    private static long parseMask(String hex, long dflt) {
        try {
            return StratumEncoding.parseHex32(hex);
        } catch (IllegalArgumentException e) {
            return dflt;
        }
    }

    /** A miner's mining.submit: [worker, job id, extranonce2, ntime, nonce, (version bits)]. */
    private void share(Miner m, JsonNode p) {
        byte[] enonce1 = m.enonce1;
        if (enonce1 == null || !p.isArray() || p.size() < 5) {
            return; // the upstream judges the share; without these the node cannot rebuild anything
        }
        NodeWorkinfo w;
        try {
            w = workinfo(Long.parseUnsignedLong(p.path(1).asText(""), 16));
        } catch (NumberFormatException e) {
            return;
        }
        sharesChecked.incrementAndGet();
        if (w == null) {
            unknownJobs.incrementAndGet();
            return;
        }
        try {
            long version = w.version();
            if (p.size() > 5 && !p.path(5).isNull()) {
                long bits = StratumEncoding.parseHex32(p.path(5).asText(""));
                version = (version & ~m.versionMask) | (bits & m.versionMask);
            }
            BlockRebuild b = BlockRebuild.of(w, enonce1, Hex.decode(p.path(2).asText("")),
                    StratumEncoding.parseHex32(p.path(3).asText("")),
                    StratumEncoding.parseHex32(p.path(4).asText("")), version & 0xffffffffL);
            if (b.meetsNetworkTarget()) {
                Log.warning("Possible block solve by %s height %s hash %s !", m.worker, w.height(), b.blockHashRpc());
                solvedBlock(b, m.worker);
            }
        } catch (IllegalArgumentException e) {
            Log.debug("Node: share not checked (%s)", e.getMessage());
        }
    }

    /** Submits a solved block to the node's bitcoind, once per block hash. */
    private void solvedBlock(BlockRebuild b, String worker) {
        if (!b.meetsNetworkTarget()) {
            Log.warning("Node: rebuilt block %s does not meet the network target, not submitted", b.blockHashRpc());
            return;
        }
        synchronized (solved) {
            if (!solved.add(b.blockHashRpc())) {
                return;
            }
            Iterator<String> it = solved.iterator();
            while (solved.size() > SOLVED_KEPT && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        submitter.execute(() -> assembleAndSubmit(b, worker));
    }

    /** On the submitter's thread: the block with its transactions (any missing fetched from the node), submitted. */
    private void assembleAndSubmit(BlockRebuild b, String worker) {
        List<String> missing = new ArrayList<>();
        List<String> data = txns.dataOf(b.work().txids(), missing);
        if (data == null) {
            for (String id : missing) {
                String raw = submitter.rawTransaction(id);
                if (raw != null) {
                    txns.put(id, raw);
                }
            }
            missing.clear();
            data = txns.dataOf(b.work().txids(), missing);
        }
        if (data == null) {
            incomplete.incrementAndGet();
            Log.err("BLOCK NOT SUBMITTED height %s hash %s worker %s: %d of its transactions are unknown to this"
                    + " node (the upstream pool submits it)", b.work().height(), b.blockHashRpc(), worker,
                    missing.size());
            return;
        }
        blocksFound.incrementAndGet();
        Log.warning("BLOCK SOLVED height %s hash %s worker %s: submitting to this node's bitcoind",
                b.work().height(), b.blockHashRpc(), worker);
        submitter.submit(b.work().height(), b.blockHashRpc(), b.blockHex(data), worker);
    }

    @Override
    public void minerGone(ClientRoutes.Route r) {
        miners.remove(r.upstreamId());
    }

    @Override
    public void upstreamLost() {
        miners.clear();
    }

    @Override
    public void stats(ObjectNode into) {
        into.put("mode", "node");
        ObjectNode o = into.putObject("node");
        synchronized (workinfos) {
            o.put("workinfos", workinfos.size());
        }
        o.put("workinfos_received", workinfosIn.get());
        o.put("bad_workinfos", badWorkinfos.get());
        o.put("transactions", txns.size());
        o.put("shares_checked", sharesChecked.get());
        o.put("unknown_jobs", unknownJobs.get());
        o.put("blocks_found", blocksFound.get());
        o.put("blocks_incomplete", incomplete.get());
        o.set("submitblock", submitter.stats());
    }

    @Override
    public void stop() {
        submitter.stop();
    }
}
