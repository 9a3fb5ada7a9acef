package org.jckpool.stratifier.link;

import com.fasterxml.jackson.databind.JsonNode;
import org.jckpool.libpool.log.Log;
import org.jckpool.stratifier.session.ClientSession;
import org.jckpool.stratifier.share.SubmitParams;
import org.jckpool.stratifier.work.Job;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The upstream side of ckpool's node mode: each job of the pool's own work goes to every mining node as a
 * {@code workinfo}, after the transactions it needs that the nodes have not had yet ({@code transactions}); a node
 * that links gets every transaction of the work bases still kept. A job that re-sends a base under a new id (a
 * difficulty change) is a workinfo of its own, so that a node finds every job id its miners may submit.
 */
public final class NodeWorkPublisher {
    /** Work bases whose transactions are kept for nodes that link later (ckpool ages its table by use). */
    static final int BASES_KEPT = 8;

    private final PassthroughLinks links;
    private final byte[] payoutScript;
    private final Map<Long, List<NodeMessages.Txn>> txnsByBase = new LinkedHashMap<>();

    public NodeWorkPublisher(PassthroughLinks links, byte[] poolPayoutScript) {
        this.links = links;
        this.payoutScript = poolPayoutScript;
    }

    /** The engine's job observer: the template for a new base, null for a job on a base already seen. */
    public void job(Job job, JsonNode template) {
        List<NodeMessages.Txn> fresh = List.of();
        synchronized (this) {
            long base = job.base().id();
            if (template != null && !txnsByBase.containsKey(base)) {
                List<NodeMessages.Txn> txns = NodeMessages.txnsOf(template);
                fresh = unseen(txns);
                txnsByBase.put(base, txns);
                Iterator<Long> it = txnsByBase.keySet().iterator();
                while (txnsByBase.size() > BASES_KEPT && it.hasNext()) {
                    it.next();
                    it.remove();
                }
            }
        }
        if (!links.hasNodes()) {
            return;
        }
        if (!fresh.isEmpty()) {
            NodeMessages.transactionsChunks(fresh).forEach(links::toNodes);
        }
        String flags = template == null ? "" : template.path("coinbaseaux").path("flags").asText("");
        int nodes = links.toNodes(NodeMessages.workinfo(job, payoutScript, flags));
        Log.info("Sent workinfo %s (%s transactions) to %s mining nodes", job.idHex(),
                job.base().template().txCount(), nodes);
    }

    /**
     * A share of the pool's work solved a block: every node but the one it came through gets ckpool's block message,
     * so each can submit it to its own bitcoind too.
     */
    public void blockSolved(ClientSession s, Job job, SubmitParams p, long version, double diff) {
        if (!links.hasNodes()) {
            return;
        }
        long ntime = Long.parseLong(p.ntime(), 16);
        String line = NodeMessages.block(s.extranonce1Hex(), p.nonce().toLowerCase(), p.extranonce2().toLowerCase(),
                ntime, job, diff, version);
        int n = links.toNodes(line, links.linkOf(s.clientId));
        Log.notice("Sending block to %s mining nodes", n);
    }

    /** A node just linked: every transaction of the kept bases, as ckpool sends a new node all it has. */
    public void nodeAdded(long linkId) {
        List<NodeMessages.Txn> all;
        synchronized (this) {
            all = allKept();
        }
        NodeMessages.transactionsChunks(all).forEach(m -> links.toLink(linkId, m));
        Log.notice("Sending new node client %s all %s transactions", linkId, all.size());
    }

    /** Every transaction of the kept bases, once each. */
    private List<NodeMessages.Txn> allKept() {
        return new ArrayList<>(kept().values());
    }

    private Map<String, NodeMessages.Txn> kept() {
        Map<String, NodeMessages.Txn> known = new LinkedHashMap<>();
        for (List<NodeMessages.Txn> l : txnsByBase.values()) {
            for (NodeMessages.Txn t : l) {
                known.putIfAbsent(t.hash(), t);
            }
        }
        return known;
    }

    /** The transactions of {@code txns} that no kept base has. */
    private List<NodeMessages.Txn> unseen(List<NodeMessages.Txn> txns) {
        Map<String, NodeMessages.Txn> known = kept();
        List<NodeMessages.Txn> out = new ArrayList<>();
        for (NodeMessages.Txn t : txns) {
            if (!known.containsKey(t.hash())) {
                out.add(t);
            }
        }
        return out;
    }
}
